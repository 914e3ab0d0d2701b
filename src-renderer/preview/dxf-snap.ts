/**
 * Snapping for the measure tool: the end points of every segment drawn (instances of blocks
 * included, placed where each instance puts them) in a uniform grid, so the nearest end point
 * within a few pixels of the cursor is found without looking at them all.
 */
import { INSTANCE_STRIDE, type DrawingGeometry } from '../../src-shared/drawing/geometry-codec';

/** At most this many points are indexed (8 bytes each plus the grid); past it, instances are left out. */
export const MAX_SNAP_POINTS = 4_000_000;

export interface SnapPoints {
  /** x, y pairs in geometry coordinates (relative to its origin). */
  xy: Float32Array;
  /** The layer of each point. */
  layer: Uint32Array;
  /** The layer of the insert a point is drawn by (a block instance's), or NO_INSERT. */
  insertLayer: Uint32Array;
  count: number;
}

export const NO_INSERT = 0xffffffff;

/** Whether points of this layer, drawn by an insert on that layer (or NO_INSERT), are shown. */
export type SnapVisibility = (layer: number, insertLayer: number) => boolean;

/** The end points of all segments, world batches first, then each block instance's. */
export function collectEndpoints(g: DrawingGeometry, max = MAX_SNAP_POINTS): SnapPoints {
  let total = 0;
  for (const b of g.batches) total += b.segments.length / 2;
  for (const block of g.blocks) {
    const n = block.instances.length / INSTANCE_STRIDE;
    for (const b of block.batches) total += (b.segments.length / 2) * n;
  }
  const capacity = Math.min(total, max);
  const xy = new Float32Array(capacity * 2);
  const layer = new Uint32Array(capacity);
  const insertLayer = new Uint32Array(capacity).fill(NO_INSERT);
  let count = 0;
  for (const b of g.batches) {
    const s = b.segments;
    for (let i = 0; i + 1 < s.length && count < capacity; i += 2) {
      xy[2 * count] = s[i]!;
      xy[2 * count + 1] = s[i + 1]!;
      layer[count++] = b.layer;
    }
  }
  for (const block of g.blocks) {
    const t = block.instances;
    for (const b of block.batches) {
      const s = b.segments;
      for (let k = 0; k + INSTANCE_STRIDE <= t.length && count < capacity; k += INSTANCE_STRIDE) {
        const [a, bb, c, d, e, f] = [t[k]!, t[k + 1]!, t[k + 2]!, t[k + 3]!, t[k + 4]!, t[k + 5]!];
        for (let i = 0; i + 1 < s.length && count < capacity; i += 2) {
          const x = s[i]!;
          const y = s[i + 1]!;
          xy[2 * count] = a * x + c * y + e;
          xy[2 * count + 1] = bb * x + d * y + f;
          insertLayer[count] = block.layer;
          layer[count++] = b.layer;
        }
      }
    }
  }
  return { xy, layer, insertLayer, count };
}

export class SnapIndex {
  private readonly minX: number;
  private readonly minY: number;
  private readonly cell: number;
  private readonly cols: number;
  private readonly rows: number;
  /** Points by cell: the points of cell k are order[start[k] .. start[k + 1]). */
  private readonly start: Int32Array;
  private readonly order: Int32Array;

  constructor(private readonly points: SnapPoints) {
    const { xy, count } = points;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < count; i++) {
      const x = xy[2 * i]!;
      const y = xy[2 * i + 1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    if (count === 0) minX = minY = maxX = maxY = 0;
    const w = Math.max(maxX - minX, 1e-9);
    const h = Math.max(maxY - minY, 1e-9);
    // About two points a cell on average, and no more than ~4M cells.
    const cells = Math.min(4_000_000, Math.max(1, Math.ceil(count / 2)));
    this.cell = Math.max(Math.sqrt((w * h) / cells), Math.max(w, h) / 4096);
    this.minX = minX;
    this.minY = minY;
    this.cols = Math.max(1, Math.ceil(w / this.cell) + 1);
    this.rows = Math.max(1, Math.ceil(h / this.cell) + 1);
    const cellOf = new Int32Array(count);
    this.start = new Int32Array(this.cols * this.rows + 1);
    for (let i = 0; i < count; i++) {
      const k = this.cellIndex(xy[2 * i]!, xy[2 * i + 1]!);
      cellOf[i] = k;
      this.start[k + 1]!++;
    }
    for (let k = 0; k < this.cols * this.rows; k++) this.start[k + 1]! += this.start[k]!;
    const fill = this.start.slice(0, this.cols * this.rows);
    this.order = new Int32Array(count);
    for (let i = 0; i < count; i++) this.order[fill[cellOf[i]!]!++] = i;
  }

  private cellIndex(x: number, y: number): number {
    const c = Math.min(this.cols - 1, Math.max(0, Math.floor((x - this.minX) / this.cell)));
    const r = Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.minY) / this.cell)));
    return r * this.cols + c;
  }

  /** The indexed point nearest (x, y) within `radius`, on a layer `visible` accepts; null when none is. */
  nearest(x: number, y: number, radius: number, visible: SnapVisibility = () => true): { x: number; y: number; layer: number } | null {
    const { xy, layer, insertLayer } = this.points;
    const c0 = Math.max(0, Math.floor((x - radius - this.minX) / this.cell));
    const c1 = Math.min(this.cols - 1, Math.floor((x + radius - this.minX) / this.cell));
    const r0 = Math.max(0, Math.floor((y - radius - this.minY) / this.cell));
    const r1 = Math.min(this.rows - 1, Math.floor((y + radius - this.minY) / this.cell));
    // A radius spanning very many cells (zoomed far out): give up rather than stall the pointer.
    if ((c1 - c0 + 1) * (r1 - r0 + 1) > 250_000) return null;
    let best = -1;
    let bestD = radius * radius;
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const k = r * this.cols + c;
        for (let j = this.start[k]!; j < this.start[k + 1]!; j++) {
          const i = this.order[j]!;
          const dx = xy[2 * i]! - x;
          const dy = xy[2 * i + 1]! - y;
          const d = dx * dx + dy * dy;
          if (d <= bestD && visible(layer[i]!, insertLayer[i]!)) {
            bestD = d;
            best = i;
          }
        }
      }
    }
    return best < 0 ? null : { x: xy[2 * best]!, y: xy[2 * best + 1]!, layer: layer[best]! };
  }
}
