/**
 * The pieces the preview geometry is built from: 2D affine maps, growable float32 arrays, and a
 * set of line batches keyed by (layer, colour) that polylines and fills are drawn into through a
 * map.
 */
import type { LineBatch } from '../../../src-shared/drawing/geometry-codec';

/** x' = a·x + c·y + e, y' = b·x + d·y + f. */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

export const IDENTITY: Affine = { a: 1, b: 0, c: 0, d: 1, e: 0, f: 0 };

/** m ∘ n: n first, then m. */
export function compose(m: Affine, n: Affine): Affine {
  return {
    a: m.a * n.a + m.c * n.b,
    b: m.b * n.a + m.d * n.b,
    c: m.a * n.c + m.c * n.d,
    d: m.b * n.c + m.d * n.d,
    e: m.a * n.e + m.c * n.f + m.e,
    f: m.b * n.e + m.d * n.f + m.f,
  };
}

export const translation = (x: number, y: number): Affine => ({ a: 1, b: 0, c: 0, d: 1, e: x, f: y });
export const rotation = (rad: number): Affine => ({ a: Math.cos(rad), b: Math.sin(rad), c: -Math.sin(rad), d: Math.cos(rad), e: 0, f: 0 });
export const scaling = (sx: number, sy: number): Affine => ({ a: sx, b: 0, c: 0, d: sy, e: 0, f: 0 });

/** How much the map scales lengths (the larger of its two stretches). */
export function scaleOf(m: Affine): number {
  return Math.max(Math.hypot(m.a, m.b), Math.hypot(m.c, m.d)) || 1;
}

export function apply(m: Affine, x: number, y: number): [number, number] {
  return [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f];
}

/** A Float32Array that grows by doubling. */
export class Floats {
  data: Float32Array;
  length = 0;
  constructor(capacity = 64) {
    this.data = new Float32Array(capacity);
  }
  reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    let size = this.data.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Float32Array(size);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  push(v: number): void {
    this.reserve(1);
    this.data[this.length++] = v;
  }
  /** The values, trimmed (a copy only when there is spare room). */
  done(): Float32Array {
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length);
  }
}

interface Builder {
  layer: number;
  color: number;
  segments: Floats;
  triangles: Floats;
}

/** Line batches by (layer, colour), in the order first drawn into. */
export class BatchSet {
  private readonly byKey = new Map<string, Builder>();
  segmentCount = 0;
  triangleCount = 0;

  private get(layer: number, color: number): Builder {
    const key = `${layer}:${color}`;
    let b = this.byKey.get(key);
    if (!b) {
      b = { layer, color, segments: new Floats(), triangles: new Floats() };
      this.byKey.set(key, b);
    }
    return b;
  }

  /** A polyline (flat points) through the map, as segments. */
  polyline(m: Affine, layer: number, color: number, points: readonly number[], closed = false): void {
    const n = points.length >> 1;
    if (n < 2) return;
    const segs = closed ? n : n - 1;
    const out = this.get(layer, color).segments;
    out.reserve(segs * 4);
    const d = out.data;
    let at = out.length;
    let px = m.a * points[0]! + m.c * points[1]! + m.e;
    let py = m.b * points[0]! + m.d * points[1]! + m.f;
    const fx = px;
    const fy = py;
    for (let i = 1; i <= segs; i++) {
      const j = i === n ? 0 : i;
      const x = points[2 * j]!;
      const y = points[2 * j + 1]!;
      const qx = i === n ? fx : m.a * x + m.c * y + m.e;
      const qy = i === n ? fy : m.b * x + m.d * y + m.f;
      d[at++] = px;
      d[at++] = py;
      d[at++] = qx;
      d[at++] = qy;
      px = qx;
      py = qy;
    }
    out.length = at;
    this.segmentCount += segs;
  }

  /** Triangles given by indices into flat points, through the map. */
  triangles(m: Affine, layer: number, color: number, points: readonly number[], indices: readonly number[]): void {
    if (indices.length < 3) return;
    const out = this.get(layer, color).triangles;
    out.reserve(indices.length * 2);
    for (const i of indices) {
      const x = points[2 * i]!;
      const y = points[2 * i + 1]!;
      out.data[out.length++] = m.a * x + m.c * y + m.e;
      out.data[out.length++] = m.b * x + m.d * y + m.f;
    }
    this.triangleCount += Math.floor(indices.length / 3);
  }

  get size(): number {
    return this.byKey.size;
  }

  done(): LineBatch[] {
    return [...this.byKey.values()]
      .map((b) => ({ layer: b.layer, color: b.color, segments: b.segments.done(), triangles: b.triangles.done() }))
      .filter((b) => b.segments.length > 0 || b.triangles.length > 0);
  }
}
