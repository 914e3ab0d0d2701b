/**
 * The DXF preview: the geometry a worker made of a drawing (src-shared/drawing/geometry-codec),
 * drawn with three.js. Drag to pan, wheel to zoom at the cursor, + and − to zoom, F or Home for
 * the whole drawing, M to measure (clicks snap to line ends), a panel of layers to show and
 * hide. `find` zooms to the first text containing it and outlines it.
 *
 * For end-to-end tests the root has data-testid="dxf-viewer" and, once a frame is drawn,
 * data-ready="true", data-batches, data-instances and data-visible-layers (what the last frame
 * drew); the layer panel is "dxf-layer-panel" and the measurement "dxf-measure-result".
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactElement } from 'react';
import { FOREGROUND, decodeGeometry, type DrawingGeometry } from '../../src-shared/drawing/geometry-codec';
import { cssHex } from '../../src-shared/drawing/drawing-colours';
import { allLayers, initialHidden, toggleLayer } from './dxf-layers';
import { DxfViewerController, type Measurement } from './dxf-viewer-controller';
import { formatDistance } from './dxf-view-math';

export interface DxfViewerProps {
  /** The contents of a geometry.bin preview file. */
  data: ArrayBuffer;
  /** A text to find (case-insensitive): the view zooms to the first text containing it and outlines it. */
  find?: string;
  /** Why the drawing cannot be shown (a damaged file, no WebGL, a lost graphics context). */
  onError?: (message: string) => void;
}

export function DxfViewer({ data, find, onError }: DxfViewerProps): ReactElement {
  const decoded = useMemo(() => decodeGeometry(data), [data]);
  const error = decoded.ok ? null : decoded.error;
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;
  useEffect(() => {
    if (error) onErrorRef.current?.(error);
  }, [error]);
  if (!decoded.ok) {
    return (
      <div className="dxf-viewer dxf-viewer--failed" data-testid="dxf-viewer">
        <p className="dxf-viewer__message" role="alert">
          {decoded.error}
        </p>
      </div>
    );
  }
  return <GeometryViewer geometry={decoded.value} find={find} onError={onError} />;
}

const WEBGL_MISSING = 'This drawing cannot be shown: the graphics (WebGL) it needs are not available here.';
const CONTEXT_LOST = 'The drawing’s graphics were lost (the graphics processor was reset or is busy).';

function GeometryViewer({ geometry, find, onError }: { geometry: DrawingGeometry; find: string | undefined; onError: DxfViewerProps['onError'] }): ReactElement {
  const rootRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<HTMLDivElement>(null);
  const overlayRef = useRef<SVGSVGElement>(null);
  const [controller, setController] = useState<DxfViewerController | null>(null);
  const [generation, setGeneration] = useState(0);
  const [failure, setFailure] = useState<string | null>(null);
  const [measuring, setMeasuring] = useState(false);
  const [measurement, setMeasurement] = useState<Measurement>({ a: null, b: null });
  const [found, setFound] = useState<boolean | null>(null);
  // Layer visibility belongs to the drawing shown: a new drawing starts from its own.
  const [layerState, setLayerState] = useState(() => ({ geometry, hidden: initialHidden(geometry.layers) as ReadonlySet<number> }));
  let hidden = layerState.hidden;
  if (layerState.geometry !== geometry) {
    hidden = initialHidden(geometry.layers);
    setLayerState({ geometry, hidden });
  }
  const setHidden = (update: (h: ReadonlySet<number>) => ReadonlySet<number>): void => setLayerState((s) => ({ geometry: s.geometry, hidden: update(s.hidden) }));

  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;

  useEffect(() => {
    const root = rootRef.current;
    const view = viewRef.current;
    const overlay = overlayRef.current;
    if (!root || !view || !overlay) return undefined;
    let c: DxfViewerController;
    try {
      c = new DxfViewerController(root, view, overlay, geometry, {
        onMeasure: setMeasurement,
        onContextLost: () => {
          setFailure(CONTEXT_LOST);
          onErrorRef.current?.(CONTEXT_LOST);
        },
        onRevealLayer: (layer) => setLayerState((s) => ({ geometry: s.geometry, hidden: toggleLayer(s.hidden, layer) })),
      });
    } catch (e) {
      const message = /webgl/i.test((e as Error).message) ? WEBGL_MISSING : `This drawing cannot be shown (${(e as Error).message}).`;
      setFailure(message);
      onErrorRef.current?.(message);
      return undefined;
    }
    setFailure(null);
    setController(c);
    return () => {
      setController(null);
      c.dispose();
      root.removeAttribute('data-ready');
    };
  }, [geometry, generation]);

  useEffect(() => controller?.setHidden(hidden), [controller, hidden]);
  useEffect(() => controller?.setMeasuring(measuring), [controller, measuring]);
  useEffect(() => {
    if (controller) setFound(find ? controller.find(find) : null);
  }, [controller, find]);

  const zoomIn = (): void => controller?.zoomBy(1.5);
  const zoomOut = (): void => controller?.zoomBy(1 / 1.5);
  const zoomExtents = (): void => controller?.zoomExtents();

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const step = 60;
    const actions: Record<string, () => void> = {
      '+': zoomIn,
      '=': zoomIn,
      '-': zoomOut,
      _: zoomOut,
      f: zoomExtents,
      F: zoomExtents,
      Home: zoomExtents,
      m: () => setMeasuring((on) => !on),
      M: () => setMeasuring((on) => !on),
      Escape: () => (measurement.a ? controller?.clearMeasurement() : setMeasuring(false)),
      ArrowLeft: () => controller?.panByPixels(step, 0),
      ArrowRight: () => controller?.panByPixels(-step, 0),
      ArrowUp: () => controller?.panByPixels(0, step),
      ArrowDown: () => controller?.panByPixels(0, -step),
    };
    // Escape belongs to the viewer only while there is a measurement to drop or measuring to end;
    // otherwise it goes on (and closes the preview around the viewer).
    if (e.key === 'Escape' && !measuring && !measurement.a) return;
    const action = actions[e.key];
    if (!action) return;
    e.preventDefault();
    e.stopPropagation();
    action();
  };

  const units = geometry.units;
  let measureText: string | null = null;
  if (measurement.a && measurement.b) {
    const dx = measurement.b[0] - measurement.a[0];
    const dy = measurement.b[1] - measurement.a[1];
    measureText = `${formatDistance(Math.hypot(dx, dy), units)} (Δx ${formatDistance(Math.abs(dx), units)}, Δy ${formatDistance(Math.abs(dy), units)})`;
  } else if (measuring) measureText = measurement.a ? 'Click the second point.' : 'Click the first point (snaps to line ends).';

  return (
    <div className="dxf-viewer" data-testid="dxf-viewer" data-found={find ? String(found) : undefined} ref={rootRef}>
      <div className="dxf-viewer__toolbar" role="toolbar" aria-label="Drawing view">
        <button type="button" onClick={zoomIn} title="Zoom in (+)" aria-label="Zoom in" disabled={!controller}>
          +
        </button>
        <button type="button" onClick={zoomOut} title="Zoom out (−)" aria-label="Zoom out" disabled={!controller}>
          −
        </button>
        <button type="button" onClick={zoomExtents} title="Zoom to the whole drawing (F)" aria-label="Zoom to extents" disabled={!controller}>
          Fit
        </button>
        <button type="button" className={measuring ? 'active' : ''} onClick={() => setMeasuring((on) => !on)} title="Measure a distance (M)" aria-label="Measure" aria-pressed={measuring} disabled={!controller}>
          Measure
        </button>
        {measureText !== null && (
          <span className="dxf-viewer__measure" data-testid="dxf-measure-result" role="status" aria-live="polite">
            {measureText}
          </span>
        )}
        {find && found === false && (
          <span className="dxf-viewer__notice" role="status">
            “{find}” is not in this drawing.
          </span>
        )}
      </div>
      <div className="dxf-viewer__body">
        <div className="dxf-viewer__view" ref={viewRef} tabIndex={0} role="application" aria-label="Drawing. Drag to pan, wheel or + and − to zoom, F for the whole drawing, M to measure." onKeyDown={onKeyDown}>
          <svg className="dxf-viewer__overlay" ref={overlayRef} aria-hidden="true" />
          {failure && (
            <div className="dxf-viewer__message" role="alert">
              <p>{failure}</p>
              {failure === CONTEXT_LOST && (
                <button type="button" onClick={() => setGeneration((n) => n + 1)}>
                  Draw again
                </button>
              )}
            </div>
          )}
        </div>
        <LayerPanel geometry={geometry} hidden={hidden} setHidden={setHidden} />
      </div>
    </div>
  );
}

function LayerPanel({ geometry, hidden, setHidden }: { geometry: DrawingGeometry; hidden: ReadonlySet<number>; setHidden: (update: (h: ReadonlySet<number>) => ReadonlySet<number>) => void }): ReactElement {
  const layers = geometry.layers;
  return (
    <section className="dxf-viewer__layers" data-testid="dxf-layer-panel" aria-labelledby="dxf-layers-title">
      <header>
        <h3 id="dxf-layers-title">Layers</h3>
        <button type="button" className="link" onClick={() => setHidden(() => allLayers(layers, true))} aria-label="Show all layers">
          All
        </button>
        <button type="button" className="link" onClick={() => setHidden(() => allLayers(layers, false))} aria-label="Hide all layers">
          None
        </button>
      </header>
      <ul>
        {layers.map((l, i) => (
          <li key={`${i}:${l.name}`}>
            <label title={`${l.name}: ${l.entityCount} ${l.entityCount === 1 ? 'entity' : 'entities'}`}>
              <input type="checkbox" checked={!hidden.has(i)} onChange={() => setHidden((h) => toggleLayer(h, i))} />
              <span className="dxf-viewer__swatch" style={{ background: l.color === FOREGROUND ? 'var(--dxf-foreground, var(--text))' : cssHex(l.color) }} aria-hidden="true" />
              <span className="dxf-viewer__layer-name">{l.name}</span>
              <span className="dxf-viewer__layer-count" aria-label={`${l.entityCount} ${l.entityCount === 1 ? 'entity' : 'entities'}`}>
                {l.entityCount}
              </span>
            </label>
          </li>
        ))}
      </ul>
    </section>
  );
}
