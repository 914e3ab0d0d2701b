/**
 * The DXF viewer's 2D view: which part of the drawing is on screen (a centre in drawing units and
 * a scale in pixels per unit), fitting extents, converting between screen and drawing, zooming at
 * the cursor and panning. Drawing coordinates here are the geometry's own (relative to its
 * origin); screen y grows downwards.
 */

export interface View {
  cx: number;
  cy: number;
  /** Pixels per drawing unit. */
  scale: number;
  /** The viewport in CSS pixels. */
  width: number;
  height: number;
}

export interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** How far the view may zoom, relative to the scale that fits the whole drawing. */
export const MIN_ZOOM = 1 / 50;
export const MAX_ZOOM = 1e6;

/** The view that shows the box whole, centred, with a margin (a fraction of the viewport) around it. */
export function fitView(box: Box | null, width: number, height: number, margin = 0.04): View {
  const w = Math.max(1, width);
  const h = Math.max(1, height);
  if (!box || !Number.isFinite(box.minX) || !Number.isFinite(box.maxX)) return { cx: 0, cy: 0, scale: 1, width: w, height: h };
  const bw = box.maxX - box.minX;
  const bh = box.maxY - box.minY;
  const usableW = w * (1 - 2 * margin);
  const usableH = h * (1 - 2 * margin);
  let scale: number;
  if (bw <= 0 && bh <= 0) scale = 1;
  else scale = Math.min(bw > 0 ? usableW / bw : Infinity, bh > 0 ? usableH / bh : Infinity);
  return { cx: (box.minX + box.maxX) / 2, cy: (box.minY + box.maxY) / 2, scale, width: w, height: h };
}

export function screenToWorld(v: View, sx: number, sy: number): [number, number] {
  return [v.cx + (sx - v.width / 2) / v.scale, v.cy - (sy - v.height / 2) / v.scale];
}

export function worldToScreen(v: View, x: number, y: number): [number, number] {
  return [v.width / 2 + (x - v.cx) * v.scale, v.height / 2 - (y - v.cy) * v.scale];
}

/** The view zoomed by `factor` (> 1 in) keeping the drawing point under (sx, sy) where it is; within [min, max] scale. */
export function zoomAt(v: View, sx: number, sy: number, factor: number, limits?: { min: number; max: number }): View {
  let scale = v.scale * factor;
  if (limits) scale = Math.min(limits.max, Math.max(limits.min, scale));
  if (!(scale > 0) || !Number.isFinite(scale)) return v;
  const [wx, wy] = screenToWorld(v, sx, sy);
  return { ...v, scale, cx: wx - (sx - v.width / 2) / scale, cy: wy + (sy - v.height / 2) / scale };
}

/** The view moved so the drawing follows the pointer by (dx, dy) pixels. */
export function panBy(v: View, dx: number, dy: number): View {
  return { ...v, cx: v.cx - dx / v.scale, cy: v.cy + dy / v.scale };
}

/** The same part of the drawing in a resized viewport (centre and scale kept). */
export function resize(v: View, width: number, height: number): View {
  return { ...v, width: Math.max(1, width), height: Math.max(1, height) };
}

/** The zoom factor of one wheel event: a notch (100 px, or 3 lines) zooms by 1.25. */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const px = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.pow(1.25, -Math.max(-5, Math.min(5, px / 100)));
}

/** The part of the drawing on screen. */
export function visibleBox(v: View): Box {
  const hw = v.width / 2 / v.scale;
  const hh = v.height / 2 / v.scale;
  return { minX: v.cx - hw, minY: v.cy - hh, maxX: v.cx + hw, maxY: v.cy + hh };
}

/** Short names of DXF units for measurements. */
const UNIT_SYMBOLS: Record<string, string> = {
  millimeters: 'mm',
  centimeters: 'cm',
  meters: 'm',
  kilometers: 'km',
  inches: 'in',
  feet: 'ft',
  yards: 'yd',
  miles: 'mi',
  microns: 'µm',
  decimeters: 'dm',
};

/** A distance as the drawing's units show it, with precision to suit its size: "12.35 mm", "0.0042 m", "1 250 units". */
export function formatDistance(d: number, units: string | null): string {
  const abs = Math.abs(d);
  const decimals = abs === 0 ? 0 : abs >= 1000 ? 1 : abs >= 100 ? 2 : abs >= 1 ? 3 : Math.min(8, 2 - Math.floor(Math.log10(abs)));
  const n = d.toFixed(decimals);
  const unit = units && units !== 'unitless' ? (UNIT_SYMBOLS[units] ?? units) : 'units';
  return `${n} ${unit}`;
}

/** A CSS colour as computed styles give it (`#rgb`, `#rrggbb`, `rgb(r, g, b)`, `rgba(…)`) as 0xRRGGBB; null when it is none of these. */
export function parseCssColour(css: string): number | null {
  const s = css.trim().toLowerCase();
  let m = /^#([0-9a-f]{3})$/.exec(s);
  if (m) {
    const [r, g, b] = m[1]!.split('').map((c) => parseInt(c + c, 16));
    return (r! << 16) | (g! << 8) | b!;
  }
  m = /^#([0-9a-f]{6})$/.exec(s);
  if (m) return parseInt(m[1]!, 16);
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(s);
  if (m) {
    const [r, g, b] = [m[1], m[2], m[3]].map((v) => Math.max(0, Math.min(255, Math.round(Number(v)))));
    return (r! << 16) | (g! << 8) | b!;
  }
  return null;
}
