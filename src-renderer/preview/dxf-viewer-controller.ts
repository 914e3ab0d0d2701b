/**
 * The DXF viewer's imperative part, outside React: the WebGL renderer and camera, the view (pan,
 * zoom at the cursor, zoom extents), the pointer, the measure tool with snapping, the find
 * highlight, and the SVG overlay that draws those on top of the drawing. Frames are drawn on
 * demand (after a change), never in a loop. The component (DxfViewer.tsx) owns the UI state and
 * calls in; the controller reports measurements and a lost context back.
 */
import * as THREE from 'three';
import { type DrawingGeometry, textAt } from '../../src-shared/drawing/geometry-codec';
import { LIGHT_THEME, type DrawingTheme } from '../../src-shared/drawing/drawing-colours';
import { boxOf, findTextIndex, textCorners, zoomBoxFor } from './dxf-find';
import { createGlyphAtlas, type GlyphAtlas } from './dxf-glyph-atlas';
import { layoutGlyphs, measureLine } from './dxf-glyphs';
import { drawnCounts, type Hidden } from './dxf-layers';
import { DxfScene } from './dxf-scene';
import { SnapIndex, NO_INSERT, collectEndpoints } from './dxf-snap';
import { MAX_ZOOM, MIN_ZOOM, fitView, panBy, parseCssColour, resize, screenToWorld, wheelFactor, worldToScreen, zoomAt, type Box, type View } from './dxf-view-math';

export type Point = [number, number];

export interface Measurement {
  /** Points in geometry coordinates (relative to its origin); b is null while the second is being picked. */
  a: Point | null;
  b: Point | null;
}

export interface ControllerEvents {
  onMeasure(m: Measurement): void;
  onContextLost(): void;
  /** A found text is on a hidden layer: the component shows that layer. */
  onRevealLayer(layer: number): void;
}

/** Pixels within which the measure tool snaps to an end point; a pointer that moves further while down pans. */
export const SNAP_PIXELS = 8;
const DRAG_PIXELS = 4;
const SVG = 'http://www.w3.org/2000/svg';

export class DxfViewerController {
  private readonly renderer: THREE.WebGLRenderer;
  private readonly camera = new THREE.OrthographicCamera(-1, 1, 1, -1, -1, 1);
  private readonly scene: DxfScene;
  private readonly atlas: GlyphAtlas | null;
  private readonly extentsBox: Box | null;
  private view: View;
  private hidden: Hidden = new Set();
  private pending = 0;
  private overlayPending = 0;
  private disposed = false;
  private framed = false;
  private measuring = false;
  private measurement: Measurement = { a: null, b: null };
  private hover: Point | null = null;
  private snapped = false;
  private snapIndex: SnapIndex | null = null;
  private highlight: Point[] | null = null;
  private highlightHeight = 1;
  private pointer: { id: number; x: number; y: number; dragging: boolean } | null = null;
  private readonly resizeObserver: ResizeObserver;
  private readonly media: MediaQueryList | null;
  private readonly overlayParts: { highlight: SVGPolygonElement; line: SVGLineElement; a: SVGCircleElement; b: SVGCircleElement; snap: SVGRectElement };
  private readonly cleanups: Array<() => void> = [];

  constructor(
    private readonly root: HTMLElement,
    private readonly host: HTMLElement,
    private readonly overlay: SVGSVGElement,
    private readonly g: DrawingGeometry,
    private readonly events: ControllerEvents,
  ) {
    // Throws where WebGL is not available; the component says so.
    this.renderer = new THREE.WebGLRenderer({ antialias: true, alpha: true, powerPreference: 'high-performance' });
    this.renderer.setClearColor(0x000000, 0);
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    const canvas = this.renderer.domElement;
    canvas.className = 'dxf-viewer__canvas';
    host.prepend(canvas);
    this.camera.position.set(0, 0, 0.5);

    this.atlas = g.texts.strings.length > 0 ? createGlyphAtlas(g.texts.strings) : null;
    let text = null;
    if (this.atlas) {
      const texture = new THREE.CanvasTexture(this.atlas.canvas);
      texture.minFilter = THREE.LinearMipmapLinearFilter;
      texture.magFilter = THREE.LinearFilter;
      texture.generateMipmaps = true;
      texture.anisotropy = this.renderer.capabilities.getMaxAnisotropy();
      text = { texture, runs: layoutGlyphs(g.texts, this.atlas.metrics, this.atlas.spaceAdvance) };
    }
    this.scene = new DxfScene(g, this.readTheme(), text);

    this.extentsBox = g.extents
      ? { minX: g.extents.min.x - g.origin.x, minY: g.extents.min.y - g.origin.y, maxX: g.extents.max.x - g.origin.x, maxY: g.extents.max.y - g.origin.y }
      : null;
    const rect = host.getBoundingClientRect();
    this.view = fitView(this.extentsBox, rect.width, rect.height);
    this.renderer.setSize(Math.max(1, rect.width), Math.max(1, rect.height), false);

    this.overlayParts = {
      highlight: this.svg('polygon', 'dxf-viewer__highlight'),
      line: this.svg('line', 'dxf-viewer__measure-line'),
      a: this.svg('circle', 'dxf-viewer__measure-point'),
      b: this.svg('circle', 'dxf-viewer__measure-point'),
      snap: this.svg('rect', 'dxf-viewer__snap'),
    };

    this.listen(canvas, 'webglcontextlost', (e) => {
      e.preventDefault();
      this.events.onContextLost();
    });
    this.listen(host, 'pointerdown', (e) => this.pointerDown(e as PointerEvent));
    this.listen(host, 'pointermove', (e) => this.pointerMove(e as PointerEvent));
    this.listen(host, 'pointerup', (e) => this.pointerUp(e as PointerEvent));
    this.listen(host, 'pointercancel', () => (this.pointer = null));
    this.listen(host, 'pointerleave', () => {
      this.hover = null;
      this.requestOverlay();
    });
    this.listen(host, 'wheel', (e) => this.wheel(e as WheelEvent), { passive: false });
    this.resizeObserver = new ResizeObserver(() => this.resized());
    this.resizeObserver.observe(host);
    this.media = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
    if (this.media) this.listen(this.media, 'change', () => this.themeChanged());
    this.requestRender();
  }

  private listen(target: EventTarget, type: string, handler: (e: Event) => void, options?: AddEventListenerOptions): void {
    target.addEventListener(type, handler, options);
    this.cleanups.push(() => target.removeEventListener(type, handler, options));
  }

  private svg<K extends 'polygon' | 'line' | 'circle' | 'rect'>(tag: K, className: string): SVGElementTagNameMap[K] {
    const el = document.createElementNS(SVG, tag) as SVGElementTagNameMap[K];
    el.setAttribute('class', className);
    el.setAttribute('visibility', 'hidden');
    this.overlay.append(el);
    return el;
  }

  /** The theme's colours from the page's CSS variables (the viewer's own, else the app's). */
  private readTheme(): DrawingTheme {
    const style = getComputedStyle(this.root);
    const fg = parseCssColour(style.getPropertyValue('--dxf-foreground')) ?? parseCssColour(style.getPropertyValue('--text')) ?? parseCssColour(style.color);
    const bg = parseCssColour(style.getPropertyValue('--dxf-background')) ?? parseCssColour(style.getPropertyValue('--bg'));
    return { foreground: fg ?? LIGHT_THEME.foreground, background: bg ?? LIGHT_THEME.background };
  }

  private themeChanged(): void {
    this.scene.setTheme(this.readTheme());
    this.requestRender();
  }

  // ── Drawing ──────────────────────────────────────────────────────────────────────────────

  requestRender(): void {
    if (this.pending || this.disposed) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.draw();
    });
  }

  private requestOverlay(): void {
    if (this.pending || this.overlayPending || this.disposed) return;
    this.overlayPending = requestAnimationFrame(() => {
      this.overlayPending = 0;
      this.drawOverlay();
    });
  }

  private draw(): void {
    if (this.disposed) return;
    const v = this.view;
    const hw = v.width / 2 / v.scale;
    const hh = v.height / 2 / v.scale;
    this.camera.left = v.cx - hw;
    this.camera.right = v.cx + hw;
    this.camera.top = v.cy + hh;
    this.camera.bottom = v.cy - hh;
    this.camera.updateProjectionMatrix();
    this.scene.setScale(v.scale);
    this.renderer.render(this.scene.scene, this.camera);
    this.drawOverlay();
    const counts = drawnCounts(this.g, this.hidden);
    this.root.setAttribute('data-batches', String(counts.batches));
    this.root.setAttribute('data-instances', String(counts.instances));
    this.root.setAttribute('data-visible-layers', String(counts.visibleLayers));
    if (!this.framed) {
      this.framed = true;
      this.root.setAttribute('data-ready', 'true');
    }
  }

  private drawOverlay(): void {
    const v = this.view;
    const o = this.overlayParts;
    const show = (el: SVGElement, on: boolean): void => el.setAttribute('visibility', on ? 'visible' : 'hidden');
    const toScreen = (p: Point): Point => worldToScreen(v, p[0], p[1]);
    if (this.highlight) {
      o.highlight.setAttribute('points', this.highlight.map((p) => toScreen(p).map((n) => n.toFixed(1)).join(',')).join(' '));
    }
    show(o.highlight, this.highlight !== null);
    const { a, b } = this.measurement;
    const end = b ?? (this.measuring && a ? this.hover : null);
    const setCircle = (el: SVGCircleElement, p: Point | null): void => {
      show(el, p !== null);
      if (!p) return;
      const [x, y] = toScreen(p);
      el.setAttribute('cx', x.toFixed(1));
      el.setAttribute('cy', y.toFixed(1));
      el.setAttribute('r', '4');
    };
    setCircle(o.a, a);
    setCircle(o.b, b);
    show(o.line, a !== null && end !== null);
    if (a && end) {
      const [x1, y1] = toScreen(a);
      const [x2, y2] = toScreen(end);
      o.line.setAttribute('x1', x1.toFixed(1));
      o.line.setAttribute('y1', y1.toFixed(1));
      o.line.setAttribute('x2', x2.toFixed(1));
      o.line.setAttribute('y2', y2.toFixed(1));
    }
    show(o.snap, this.measuring && this.hover !== null && this.snapped);
    if (this.hover && this.snapped) {
      const [x, y] = toScreen(this.hover);
      o.snap.setAttribute('x', (x - 5).toFixed(1));
      o.snap.setAttribute('y', (y - 5).toFixed(1));
      o.snap.setAttribute('width', '10');
      o.snap.setAttribute('height', '10');
    }
  }

  // ── View ─────────────────────────────────────────────────────────────────────────────────

  private get limits(): { min: number; max: number } {
    const fit = fitView(this.extentsBox, this.view.width, this.view.height).scale;
    return { min: fit * MIN_ZOOM, max: fit * MAX_ZOOM };
  }

  private setView(v: View): void {
    this.view = v;
    this.requestRender();
  }

  zoomBy(factor: number): void {
    this.setView(zoomAt(this.view, this.view.width / 2, this.view.height / 2, factor, this.limits));
  }

  zoomExtents(): void {
    this.setView(fitView(this.extentsBox, this.view.width, this.view.height));
  }

  panByPixels(dx: number, dy: number): void {
    this.setView(panBy(this.view, dx, dy));
  }

  private resized(): void {
    const rect = this.host.getBoundingClientRect();
    if (rect.width < 1 || rect.height < 1) return;
    // Until the first frame, keep the whole drawing (or the found text) in view as the layout settles.
    this.view = resize(this.view, rect.width, rect.height);
    if (!this.framed) {
      if (this.highlight) this.zoomToHighlight();
      else this.view = fitView(this.extentsBox, rect.width, rect.height);
    }
    this.renderer.setSize(rect.width, rect.height, false);
    this.requestRender();
  }

  // ── Layers, find ─────────────────────────────────────────────────────────────────────────

  setHidden(hidden: Hidden): void {
    this.hidden = hidden;
    this.scene.setHidden(hidden);
    this.requestRender();
  }

  private measureText = (line: string): number => (this.atlas ? measureLine(this.atlas.metrics, line, this.atlas.spaceAdvance) : line.length * 0.8);

  /** Zooms to the first text containing `query` and outlines it; false when there is none (or no query). */
  find(query: string | undefined): boolean {
    const i = findTextIndex(this.g.texts.strings, query, (k) => !this.hidden.has(textAt(this.g.texts, k).layer));
    if (i < 0) {
      this.highlight = null;
      this.requestRender();
      return false;
    }
    const t = textAt(this.g.texts, i);
    if (this.hidden.has(t.layer)) this.events.onRevealLayer(t.layer);
    this.highlight = textCorners(t, this.measureText);
    this.highlightHeight = t.height;
    this.zoomToHighlight();
    this.requestRender();
    return true;
  }

  private zoomToHighlight(): void {
    if (!this.highlight) return;
    this.view = fitView(zoomBoxFor(boxOf(this.highlight), this.highlightHeight), this.view.width, this.view.height, 0);
  }

  // ── Pointer: pan, zoom, measure ──────────────────────────────────────────────────────────

  private local(e: { clientX: number; clientY: number }): Point {
    const r = this.host.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  }

  private pointerDown(e: PointerEvent): void {
    // Only on the drawing itself: controls laid over it keep their clicks.
    if ((e.button !== 0 && e.button !== 1) || e.target !== this.renderer.domElement) return;
    const [x, y] = this.local(e);
    this.pointer = { id: e.pointerId, x, y, dragging: false };
    this.host.setPointerCapture?.(e.pointerId);
  }

  private pointerMove(e: PointerEvent): void {
    const [x, y] = this.local(e);
    const p = this.pointer;
    if (p && p.id === e.pointerId) {
      if (!p.dragging && Math.hypot(x - p.x, y - p.y) >= DRAG_PIXELS) p.dragging = true;
      if (p.dragging) {
        this.host.classList.add('dxf-viewer__view--panning');
        this.setView(panBy(this.view, x - p.x, y - p.y));
        p.x = x;
        p.y = y;
        return;
      }
    }
    if (this.measuring) {
      this.hover = this.snap(x, y);
      this.requestOverlay();
    }
  }

  private pointerUp(e: PointerEvent): void {
    const p = this.pointer;
    this.pointer = null;
    this.host.classList.remove('dxf-viewer__view--panning');
    if (!p || p.id !== e.pointerId || p.dragging || e.button !== 0 || !this.measuring) return;
    const [x, y] = this.local(e);
    const at = this.snap(x, y);
    const m = this.measurement;
    this.measurement = m.a === null || m.b !== null ? { a: at, b: null } : { a: m.a, b: at };
    this.events.onMeasure(this.measurement);
    this.requestOverlay();
  }

  private wheel(e: WheelEvent): void {
    e.preventDefault();
    const [x, y] = this.local(e);
    this.setView(zoomAt(this.view, x, y, wheelFactor(e.deltaY, e.deltaMode), this.limits));
  }

  /** The drawing point under (x, y) px, moved to the nearest segment end point within SNAP_PIXELS on a shown layer. */
  private snap(x: number, y: number): Point {
    const [wx, wy] = screenToWorld(this.view, x, y);
    this.snapIndex ??= new SnapIndex(collectEndpoints(this.g));
    const hit = this.snapIndex.nearest(wx, wy, SNAP_PIXELS / this.view.scale, (layer, insertLayer) => !this.hidden.has(layer) && (insertLayer === NO_INSERT || !this.hidden.has(insertLayer)));
    this.snapped = hit !== null;
    return hit ? [hit.x, hit.y] : [wx, wy];
  }

  setMeasuring(on: boolean): void {
    if (on === this.measuring) return;
    this.measuring = on;
    this.host.classList.toggle('dxf-viewer__view--measuring', on);
    if (on) this.snapIndex ??= new SnapIndex(collectEndpoints(this.g));
    this.hover = null;
    this.clearMeasurement();
  }

  clearMeasurement(): void {
    this.measurement = { a: null, b: null };
    this.events.onMeasure(this.measurement);
    this.requestOverlay();
  }

  dispose(): void {
    this.disposed = true;
    if (this.pending) cancelAnimationFrame(this.pending);
    if (this.overlayPending) cancelAnimationFrame(this.overlayPending);
    for (const c of this.cleanups) c();
    this.resizeObserver.disconnect();
    this.scene.dispose();
    this.renderer.dispose();
    // Free the context now rather than when the browser collects the canvas (pages have few).
    if (!this.renderer.getContext().isContextLost()) this.renderer.forceContextLoss();
    this.renderer.domElement.remove();
    for (const el of Object.values(this.overlayParts)) el.remove();
  }
}
