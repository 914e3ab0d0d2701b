/**
 * Extents of a drawing's preview: roughly before drawing it (to place the origin and size the
 * chord tolerance), and exactly from what was drawn.
 */
import { INSTANCE_STRIDE, TEXT_STRIDE, type BlockGeometry, type Extents, type LineBatch, type Point2 } from '../../../src-shared/drawing/geometry-codec';
import type { Entity } from './dxf-geometry-entities';

const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const pointOf = (v: unknown): Point2 | null => {
  const p = v as { x?: unknown; y?: unknown } | null | undefined;
  return p && typeof p.x === 'number' && typeof p.y === 'number' && Number.isFinite(p.x) && Number.isFinite(p.y) ? { x: p.x, y: p.y } : null;
};

/**
 * Where the drawing is, roughly, before drawing it: from the points of model-space entities
 * (inserts by their position; inserts of empty blocks not at all), else the header's extents.
 */
export function roughExtents(modelSpace: readonly Entity[], header: Record<string, unknown>, blockHasEntities: (name: string) => boolean): Extents {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const add = (p: Point2 | null, r = 0): void => {
    if (!p || Math.abs(p.x) > 1e15 || Math.abs(p.y) > 1e15) return;
    minX = Math.min(minX, p.x - r);
    minY = Math.min(minY, p.y - r);
    maxX = Math.max(maxX, p.x + r);
    maxY = Math.max(maxY, p.y + r);
  };
  for (const e of modelSpace) {
    if (e.type === 'XLINE' || e.type === 'RAY') continue;
    if (e.type === 'INSERT' && !blockHasEntities(String(e.name ?? ''))) continue;
    for (const v of (e.vertices as unknown[] | undefined) ?? []) add(pointOf(v));
    add(pointOf(e.center), num(e.radius, 0));
    add(pointOf(e.position));
    add(pointOf(e.startPoint));
    for (const p of (e.points as unknown[] | undefined) ?? []) add(pointOf(p));
    for (const p of (e.controlPoints as unknown[] | undefined) ?? []) add(pointOf(p));
  }
  const hmin = pointOf(header.$EXTMIN);
  const hmax = pointOf(header.$EXTMAX);
  const headerOk = hmin && hmax && hmax.x >= hmin.x && hmax.y >= hmin.y && Math.abs(hmin.x) < 1e15 && Math.abs(hmax.x) < 1e15;
  // One insert alone gives a point: the header says better how large the drawing is.
  if (headerOk && (!(maxX > minX) || !(maxY > minY) || (maxX - minX) * (maxY - minY) < 1e-6 * (hmax.x - hmin.x) * (hmax.y - hmin.y))) {
    minX = Math.min(minX, hmin.x);
    minY = Math.min(minY, hmin.y);
    maxX = Math.max(maxX, hmax.x);
    maxY = Math.max(maxY, hmax.y);
  }
  if (!Number.isFinite(minX)) return { min: { x: 0, y: 0 }, max: { x: 0, y: 0 } };
  return { min: { x: minX, y: minY }, max: { x: maxX, y: maxY } };
}

/** Block instances are measured point by point up to this many points, by their boxes past it. */
const EXACT_INSTANCE_POINTS = 8_000_000;

interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** The extents of what was drawn (in world coordinates): lines, fills, block instances, text anchors; null when nothing was. */
export function drawnExtents(batches: readonly LineBatch[], blocks: readonly BlockGeometry[], texts: Float32Array, origin: Point2): Extents | null {
  const box: Box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  const scan = (a: Float32Array, into: Box = box): void => {
    for (let i = 0; i + 1 < a.length; i += 2) {
      const x = a[i]!;
      const y = a[i + 1]!;
      if (x < into.minX) into.minX = x;
      if (x > into.maxX) into.maxX = x;
      if (y < into.minY) into.minY = y;
      if (y > into.maxY) into.maxY = y;
    }
  };
  for (const b of batches) {
    scan(b.segments);
    scan(b.triangles);
  }
  for (const block of blocks) {
    const t = block.instances;
    const count = t.length / INSTANCE_STRIDE;
    const arrays = block.batches.flatMap((b) => [b.segments, b.triangles]);
    const points = arrays.reduce((n, a) => n + a.length / 2, 0);
    // Rotated instances make a box of boxes too large: each point where it lands, unless there are very many.
    let source: Float32Array[] = arrays;
    if (points * count > EXACT_INSTANCE_POINTS) {
      const local: Box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
      for (const a of arrays) scan(a, local);
      if (!Number.isFinite(local.minX)) continue;
      source = [new Float32Array([local.minX, local.minY, local.maxX, local.minY, local.maxX, local.maxY, local.minX, local.maxY])];
    }
    for (let i = 0; i + INSTANCE_STRIDE <= t.length; i += INSTANCE_STRIDE) {
      const [a, b, c, d, e, f] = [t[i]!, t[i + 1]!, t[i + 2]!, t[i + 3]!, t[i + 4]!, t[i + 5]!];
      for (const s of source) {
        for (let k = 0; k + 1 < s.length; k += 2) {
          const x = a * s[k]! + c * s[k + 1]! + e;
          const y = b * s[k]! + d * s[k + 1]! + f;
          if (x < box.minX) box.minX = x;
          if (x > box.maxX) box.maxX = x;
          if (y < box.minY) box.minY = y;
          if (y > box.maxY) box.maxY = y;
        }
      }
    }
  }
  for (let i = 0; i + 1 < texts.length; i += TEXT_STRIDE) scan(texts.subarray(i, i + 2));
  if (!Number.isFinite(box.minX)) return null;
  return { min: { x: box.minX + origin.x, y: box.minY + origin.y }, max: { x: box.maxX + origin.x, y: box.maxY + origin.y } };
}
