/**
 * The cells of ruled grids in a drawing's straight lines (ruled-tables.ts reads tables from them).
 * Horizontal and vertical rules (pieces on one line joined across small gaps, dashed lines left
 * out) meet at crossings (an end near the other rule counts); a cell is the smallest rectangle
 * whose four sides are rules meeting at its corners (pdfplumber's way of finding cells), so a cell
 * whose inner rules are missing spans (merged cells). The drawing's frame is found too: the
 * innermost large rectangle of rules near the sheet's edges.
 */
import type { Segment } from './segments';

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A horizontal rule (`at` = y, from `lo` to `hi` in x) or a vertical one (`at` = x, `lo`..`hi` in y). */
export interface Rule {
  at: number;
  lo: number;
  hi: number;
  width: number;
  /** Crossing rules of the other direction, nearest first once sorted. */
  crossings: Rule[];
}

export interface Cell extends Box {
  top: Rule;
  bottom: Rule;
  left: Rule;
  right: Rule;
}

/** Rules shorter than this are no rules (ticks, pieces of curves); drawing units (points). */
const MIN_RULE = 3;
/** Cells narrower or lower than this hold no text. */
const MIN_CELL = 4;
/** Pieces of one rule with gaps up to this are joined; ends this near a crossing rule meet it. */
const GAP = 2.5;
/** Rules this near (plus half their widths) are one line. */
const SAME_LINE = 1;
/** Pages with more rules or cells than this are not searched for cells (a dense drawing, not a table). */
const MAX_RULES = 6000;
const MAX_CELLS = 3000;

function rulesOf(segments: readonly Segment[]): { h: Rule[]; v: Rule[] } {
  const h: Rule[] = [];
  const v: Rule[] = [];
  for (const s of segments) {
    if (s.dashed) continue;
    const dx = s.x1 - s.x0;
    const dy = s.y1 - s.y0;
    const len = Math.hypot(dx, dy);
    if (len < MIN_RULE) continue;
    if (Math.abs(dy) <= Math.max(0.2, len * 0.005)) h.push({ at: (s.y0 + s.y1) / 2, lo: Math.min(s.x0, s.x1), hi: Math.max(s.x0, s.x1), width: s.width, crossings: [] });
    else if (Math.abs(dx) <= Math.max(0.2, len * 0.005)) v.push({ at: (s.x0 + s.x1) / 2, lo: Math.min(s.y0, s.y1), hi: Math.max(s.y0, s.y1), width: s.width, crossings: [] });
  }
  return { h: joinRules(h), v: joinRules(v) };
}

/** Pieces on one line (within `SAME_LINE`) joined where they overlap or nearly touch. */
function joinRules(rules: Rule[]): Rule[] {
  rules.sort((a, b) => a.at - b.at);
  const lines: Rule[][] = [];
  for (const r of rules) {
    const line = lines.at(-1);
    if (line && Math.abs(r.at - line[0]!.at) <= SAME_LINE + Math.max(r.width, line[0]!.width) / 2) line.push(r);
    else lines.push([r]);
  }
  const out: Rule[] = [];
  for (const line of lines) {
    const at = line.reduce((s, r) => s + r.at, 0) / line.length;
    let cur: Rule | null = null;
    for (const r of line.sort((a, b) => a.lo - b.lo)) {
      if (cur && r.lo <= cur.hi + GAP) {
        cur.hi = Math.max(cur.hi, r.hi);
        cur.width = Math.max(cur.width, r.width);
      } else {
        cur = { at, lo: r.lo, hi: r.hi, width: r.width, crossings: [] };
        out.push(cur);
      }
    }
  }
  return out;
}

const reach = (a: Rule, b: Rule): number => GAP + Math.max(a.width, b.width) / 2;

/** Records each crossing of a horizontal and a vertical rule (an end near the other rule counts). */
function cross(h: Rule[], v: Rule[]): void {
  const byX = [...v].sort((a, b) => a.at - b.at);
  for (const hr of h) {
    // Vertical rules within the horizontal one's reach, by binary search on x.
    let lo = 0;
    let hi = byX.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byX[mid]!.at < hr.lo - GAP - 2) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < byX.length && byX[i]!.at <= hr.hi + GAP + 2; i++) {
      const vr = byX[i]!;
      const tol = reach(hr, vr);
      if (vr.at >= hr.lo - tol && vr.at <= hr.hi + tol && hr.at >= vr.lo - tol && hr.at <= vr.hi + tol) {
        hr.crossings.push(vr);
        vr.crossings.push(hr);
      }
    }
  }
  for (const r of h) r.crossings.sort((a, b) => a.at - b.at);
  for (const r of v) r.crossings.sort((a, b) => b.at - a.at);
}

/** The smallest cell with its top-left corner where `top` and `left` cross. */
function cellAt(top: Rule, left: Rule): Cell | null {
  const rights = top.crossings.filter((r) => r.at > left.at + MIN_CELL);
  const belows = left.crossings.filter((r) => r.at < top.at - MIN_CELL);
  let tries = 0;
  for (const bottom of belows) {
    for (const right of rights) {
      if (++tries > 2500) return null;
      if (bottom.crossings.includes(right)) return { x0: left.at, x1: right.at, y0: bottom.at, y1: top.at, top, bottom, left, right };
    }
  }
  return null;
}

export const area = (b: Box): number => (b.x1 - b.x0) * (b.y1 - b.y0);

/** A frame's sides are this near the page's edges (points): the rectangle above a title block is no frame. */
const FRAME_MARGIN = 72;

/**
 * The drawing's frame: the innermost rectangle of rules that covers at least 40% of the page with
 * each side within `FRAME_MARGIN` of the page's edge.
 */
function frameOf(h: Rule[], v: Rule[], page: { width: number; height: number }): Box | null {
  const longH = h.filter((r) => r.hi - r.lo >= page.width * 0.5);
  const longV = v.filter((r) => r.hi - r.lo >= page.height * 0.5);
  let best: Box | null = null;
  for (const top of longH) {
    for (const bottom of longH) {
      if (bottom.at >= top.at) continue;
      for (const left of longV) {
        if (!top.crossings.includes(left) || !bottom.crossings.includes(left)) continue;
        for (const right of longV) {
          if (right.at <= left.at || !top.crossings.includes(right) || !bottom.crossings.includes(right)) continue;
          const box = { x0: left.at, x1: right.at, y0: bottom.at, y1: top.at };
          const framing = box.x0 <= FRAME_MARGIN && box.y0 <= FRAME_MARGIN && box.x1 >= page.width - FRAME_MARGIN && box.y1 >= page.height - FRAME_MARGIN;
          if (framing && area(box) >= page.width * page.height * 0.4 && (!best || area(box) < area(best))) best = box;
        }
      }
    }
  }
  return best;
}

export interface RuledCells {
  cells: Cell[];
  /** All rules, horizontal and vertical. */
  h: Rule[];
  v: Rule[];
  frame: Box | null;
}

/** The cells the page's rules form, and its frame. */
export function findCells(segments: readonly Segment[], page: { width: number; height: number }): RuledCells {
  const { h, v } = rulesOf(segments);
  if (h.length < 2 || v.length < 2 || h.length + v.length > MAX_RULES) return { cells: [], h, v, frame: null };
  cross(h, v);
  const frame = frameOf(h, v, page);
  const cells: Cell[] = [];
  for (const top of h) {
    for (const left of top.crossings) {
      const cell = cellAt(top, left);
      if (cell) cells.push(cell);
      if (cells.length > MAX_CELLS) return { cells: [], h, v, frame };
    }
  }
  return { cells, h, v, frame };
}
