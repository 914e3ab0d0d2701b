/**
 * A picture with zoom (fit, steps, the wheel with Ctrl, keys) and panning by dragging or scrolling;
 * `marks` (boxes in the picture's pixels, e.g. where a search matched words OCR read) are outlined,
 * and the view starts at the first.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { nextZoom, type Zoom } from './zoom';

export interface Mark {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function ImageViewer({ url, name, marks = [] }: { url: string; name: string; marks?: readonly Mark[] }): React.JSX.Element {
  const [natural, setNatural] = useState<{ width: number; height: number } | null>(null);
  const [error, setError] = useState(false);
  const [zoom, setZoom] = useState<Zoom>({ mode: 'page' });
  const [box, setBox] = useState({ width: 800, height: 600 });
  const viewRef = useRef<HTMLDivElement | null>(null);
  const drag = useRef<{ x: number; y: number; left: number; top: number } | null>(null);

  useEffect(() => {
    const el = viewRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setBox({ width: el.clientWidth, height: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const scale = useMemo(() => {
    if (!natural) return 1;
    if (zoom.mode === 'scale') return zoom.scale;
    const byWidth = (box.width - 24) / natural.width;
    return Math.max(0.05, zoom.mode === 'width' ? byWidth : Math.min(byWidth, (box.height - 24) / natural.height, 1));
  }, [zoom, natural, box]);

  // Opened at a match: zoomed to read it, the first mark in view.
  const firstMark = marks[0];
  useEffect(() => {
    if (firstMark && natural) setZoom({ mode: 'scale', scale: 1 });
  }, [firstMark, natural]);
  useEffect(() => {
    if (firstMark && natural && zoom.mode === 'scale') viewRef.current?.querySelector('.image-mark')?.scrollIntoView({ block: 'center', inline: 'center' });
  }, [firstMark, natural, zoom]);

  const zoomBy = (dir: 1 | -1): void => setZoom(nextZoom(scale, dir));
  const onKey = (e: React.KeyboardEvent): void => {
    if (e.key === '+' || e.key === '=') zoomBy(1);
    else if (e.key === '-') zoomBy(-1);
    else if (e.key === '0') setZoom({ mode: 'page' });
    else return;
    e.preventDefault();
  };

  return (
    <div className="preview-body" data-testid="image-viewer">
      <div className="viewer-toolbar" role="toolbar" aria-label="Picture view">
        <button type="button" aria-label="Zoom out" onClick={() => zoomBy(-1)}>
          −
        </button>
        <span className="zoom" data-testid="image-zoom">
          {Math.round(scale * 100)} %
        </span>
        <button type="button" aria-label="Zoom in" onClick={() => zoomBy(1)}>
          +
        </button>
        <button type="button" aria-pressed={zoom.mode === 'page'} onClick={() => setZoom({ mode: 'page' })}>
          Fit
        </button>
        <button type="button" aria-pressed={zoom.mode === 'scale' && zoom.scale === 1} onClick={() => setZoom({ mode: 'scale', scale: 1 })}>
          100 %
        </button>
        {natural && <span className="zoom">{`${natural.width} × ${natural.height} px`}</span>}
      </div>
      <div
        ref={viewRef}
        className="image-viewer"
        tabIndex={0}
        aria-label={`${name}; + and − zoom, 0 fits`}
        onKeyDown={onKey}
        onWheel={(e) => {
          if (!e.ctrlKey && !e.metaKey) return;
          e.preventDefault();
          zoomBy(e.deltaY < 0 ? 1 : -1);
        }}
        onPointerDown={(e) => {
          const el = viewRef.current!;
          drag.current = { x: e.clientX, y: e.clientY, left: el.scrollLeft, top: el.scrollTop };
          el.setPointerCapture(e.pointerId);
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (!d) return;
          viewRef.current!.scrollLeft = d.left - (e.clientX - d.x);
          viewRef.current!.scrollTop = d.top - (e.clientY - d.y);
        }}
        onPointerUp={() => (drag.current = null)}
      >
        {error ? (
          <p className="preview-message error" role="alert">
            This picture could not be shown here.
          </p>
        ) : (
          <div className="image-frame" style={natural ? { width: natural.width * scale, height: natural.height * scale } : undefined}>
          <img
            src={url}
            alt={name}
            draggable={false}
            onLoad={(e) => setNatural({ width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight })}
            onError={() => setError(true)}
            style={natural ? { width: natural.width * scale, height: natural.height * scale, maxWidth: 'none' } : { visibility: 'hidden' }}
          />
          {natural &&
            marks.map((m, i) => (
              <span
                key={i}
                className="image-mark"
                data-testid="image-mark"
                style={{ left: m.x0 * scale - 3, top: m.y0 * scale - 3, width: (m.x1 - m.x0) * scale + 6, height: (m.y1 - m.y0) * scale + 6 }}
              />
            ))}
          </div>
        )}
      </div>
    </div>
  );
}
