/**
 * Text drawn in a box just around it: on a drawing, a basic (theoretically exact) dimension. The
 * box is four straight lines in the text's own rotated frame — one above and one below it, parallel
 * to its baseline and covering it; one before and one after it, across the baseline — meeting at
 * their corners, close to the text: a little padding, and before the text room for a symbol drawn
 * as lines (a ⌀ that is no text). A line through the text, a cell of a table or a frame far around
 * it is no such box.
 */
import type { PlacedText } from './title-block';
import type { Segment, SegmentIndex } from './segments';

/** A segment in a text's frame: `u` along its baseline from its start, `v` across it (up). */
interface Local {
  u0: number;
  v0: number;
  u1: number;
  v1: number;
  width: number;
}

/** Corners of the box meet within this, plus the lines' widths (drawing units, points in a PDF). */
const CORNER = 1.5;

export function isBoxed(item: PlacedText, index: SegmentIndex): boolean {
  const size = item.size;
  if (!(size > 0)) return false;
  const text = item.str.trim();
  const width = item.width && item.width > 0 ? item.width : text.length * size * 0.55;
  const r = (item.rotation * Math.PI) / 180;
  const cos = Math.cos(r);
  const sin = Math.sin(r);
  // How far the box may reach from the text: before it (a symbol's room), after, above, below.
  const before = 3 * size;
  const after = 1.5 * size;
  const above = 2 * size;
  const below = 1.2 * size;
  const reach = width + before + after + above + below;
  const toLocal = (s: Segment): Local => {
    const dx0 = s.x0 - item.x;
    const dy0 = s.y0 - item.y;
    const dx1 = s.x1 - item.x;
    const dy1 = s.y1 - item.y;
    return { u0: dx0 * cos + dy0 * sin, v0: -dx0 * sin + dy0 * cos, u1: dx1 * cos + dy1 * sin, v1: -dx1 * sin + dy1 * cos, width: s.width };
  };
  const near = index.near(item.x - reach, item.y - reach, item.x + reach, item.y + reach).map(toLocal);
  // Parallel to the baseline (as u0 < u1), and across it (as v0 < v1).
  const along: Local[] = [];
  const across: Local[] = [];
  for (const s of near) {
    const du = s.u1 - s.u0;
    const dv = s.v1 - s.v0;
    const len = Math.hypot(du, dv);
    if (len < size * 0.5) continue;
    if (Math.abs(dv) <= len * 0.03) along.push(du >= 0 ? s : { ...s, u0: s.u1, u1: s.u0, v0: s.v1, v1: s.v0 });
    else if (Math.abs(du) <= len * 0.03) across.push(dv >= 0 ? s : { ...s, u0: s.u1, u1: s.u0, v0: s.v1, v1: s.v0 });
  }
  const textTop = 0.6 * size;
  const tops = along.filter((s) => s.v0 >= textTop && s.v0 <= textTop + above && s.u0 <= size * 0.2 && s.u1 >= width - size * 0.2);
  const bottoms = along.filter((s) => s.v0 <= size * 0.05 && s.v0 >= -below && s.u0 <= size * 0.2 && s.u1 >= width - size * 0.2);
  const lefts = across.filter((s) => s.u0 <= size * 0.1 && s.u0 >= -before);
  const rights = across.filter((s) => s.u0 >= width - size * 0.1 && s.u0 <= width + after);
  const meets = (a: number, b: number, w: number): boolean => Math.abs(a - b) <= CORNER + w;
  for (const top of tops) {
    for (const bottom of bottoms) {
      for (const left of lefts) {
        const wl = Math.max(left.width, top.width, bottom.width);
        // The left side runs from the bottom line to the top line, and they start at it.
        if (!meets(left.v0, bottom.v0, wl) || !meets(left.v1, top.v0, wl) || !meets(top.u0, left.u0, wl) || !meets(bottom.u0, left.u0, wl)) continue;
        for (const right of rights) {
          const wr = Math.max(right.width, top.width, bottom.width);
          if (meets(right.v0, bottom.v0, wr) && meets(right.v1, top.v0, wr) && meets(top.u1, right.u0, wr) && meets(bottom.u1, right.u0, wr)) return true;
        }
      }
    }
  }
  return false;
}
