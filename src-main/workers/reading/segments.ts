/**
 * Straight lines a drawing draws, as the layout reading sees them (ruled tables, boxed
 * dimensions): in the same y-up space as the drawing's placed text.
 */

export interface Segment {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Line width, in the drawing's units. */
  width: number;
  /** Drawn with a dash pattern (centre lines, hidden lines): never a rule or a box side. */
  dashed: boolean;
}

/** Segments found by where they are: a grid of buckets over the segments' bounding boxes. */
export class SegmentIndex {
  private readonly buckets = new Map<string, Segment[]>();

  constructor(
    segments: readonly Segment[],
    private readonly cell = 50,
  ) {
    for (const s of segments) {
      if (s.dashed) continue;
      for (const key of this.keys(Math.min(s.x0, s.x1), Math.min(s.y0, s.y1), Math.max(s.x0, s.x1), Math.max(s.y0, s.y1))) {
        const list = this.buckets.get(key);
        if (list) list.push(s);
        else this.buckets.set(key, [s]);
      }
    }
  }

  private *keys(x0: number, y0: number, x1: number, y1: number): Generator<string> {
    const c = this.cell;
    // A long line crosses many buckets; past 64 of them it is kept in the first ones only
    // (what is looked for here is small: a box around a text).
    let n = 0;
    for (let i = Math.floor(x0 / c); i <= Math.floor(x1 / c); i++) {
      for (let j = Math.floor(y0 / c); j <= Math.floor(y1 / c); j++) {
        if (n++ > 64) return;
        yield `${i}:${j}`;
      }
    }
  }

  /** Segments whose bounding box may meet the rectangle. */
  near(x0: number, y0: number, x1: number, y1: number): Segment[] {
    const seen = new Set<Segment>();
    for (const key of this.keys(x0, y0, x1, y1)) for (const s of this.buckets.get(key) ?? []) seen.add(s);
    return [...seen];
  }
}
