/**
 * Ruled tables from a drawing's straight lines and its placed text (a PDF's vector lines; any
 * format whose lines and text share one y-up space), from the cells ruled-cells.ts finds.
 *
 * Cells that share a side form a group. A drawing's frame is no table: cells outside the frame
 * (the grid reference strip) are dropped, as are cells larger than a quarter of the page (the
 * drawing area). A group that is not one filled rectangle of cells (a title block with a parts
 * list on it, an L) is cut along a line no cell crosses, where the parts' extents or column lines
 * differ, until its parts are rectangles.
 *
 * A part is a table when it has at least 2 rows and 2 columns holding text, text in most of its
 * cells (`MIN_FILLED`), and no rule running on past its border into nothing: extension lines of
 * chained dimensions make cells too, but they overshoot the last dimension line. Text belongs to
 * the cell its middle is in. Merged cells give their text at their top-left position and '' at the
 * others they span, as DXF tables do.
 */
import type { PlacedText } from './title-block';
import type { Segment } from './segments';
import { area, findCells, type Box, type Cell, type Rule } from './ruled-cells';

export type { Box } from './ruled-cells';

export interface RuledTable {
  rows: string[][];
  /** Where the table is (drawing units). */
  box: Box;
}

/** A page's ruled tables, and its frame when it has one (the drawing area inside the grid reference strip). */
export interface RuledPage {
  tables: RuledTable[];
  frame: Box | null;
}

/** Share of a table's cells that hold text, at least. */
export const MIN_FILLED = 0.6;
/** A rule reaching this far past a part's border into no cell makes it no table. */
const OVERSHOOT = 3;

/** Values within `tol` of each other as one (their mean), ascending. */
function cluster(values: number[], tol = 1.5): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const out: number[][] = [];
  for (const x of sorted) {
    const last = out.at(-1);
    if (last && x - last.at(-1)! <= tol) last.push(x);
    else out.push([x]);
  }
  return out.map((g) => g.reduce((s, x) => s + x, 0) / g.length);
}

const nearestIndex = (values: readonly number[], x: number): number => {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (Math.abs(values[i]! - x) < Math.abs(values[best]! - x)) best = i;
  return best;
};

function bounds(cells: readonly Cell[]): Box {
  return {
    x0: Math.min(...cells.map((c) => c.x0)),
    y0: Math.min(...cells.map((c) => c.y0)),
    x1: Math.max(...cells.map((c) => c.x1)),
    y1: Math.max(...cells.map((c) => c.y1)),
  };
}

const TOL = 1.5;

/** Cells sharing a side (a stretch of it, not a corner) are in one group. */
function groups(cells: readonly Cell[]): Cell[][] {
  const parent = cells.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let i = 0; i < cells.length; i++) {
    const a = cells[i]!;
    for (let j = i + 1; j < cells.length; j++) {
      const b = cells[j]!;
      const overlapY = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
      const overlapX = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
      const sideBySide = (Math.abs(a.x1 - b.x0) <= TOL || Math.abs(b.x1 - a.x0) <= TOL) && overlapY > TOL;
      const stacked = (Math.abs(a.y1 - b.y0) <= TOL || Math.abs(b.y1 - a.y0) <= TOL) && overlapX > TOL;
      if (sideBySide || stacked) parent[find(i)] = find(j);
    }
  }
  const out = new Map<number, Cell[]>();
  for (let i = 0; i < cells.length; i++) {
    const root = find(i);
    const list = out.get(root);
    if (list) list.push(cells[i]!);
    else out.set(root, [cells[i]!]);
  }
  return [...out.values()];
}

/**
 * Where a part may be cut: along a line no cell crosses. How much the two sides differ ranks the
 * cut: 3 their extents differ, 2 their column (row) lines differ both ways, 1 one side has lines the
 * other lacks (a merged row), 0 alike.
 */
function cuts(cells: readonly Cell[], horizontal: boolean): Array<{ at: number; rank: number }> {
  const lo = (c: Cell): number => (horizontal ? c.y0 : c.x0);
  const hi = (c: Cell): number => (horizontal ? c.y1 : c.x1);
  const alongLo = (c: Cell): number => (horizontal ? c.x0 : c.y0);
  const alongHi = (c: Cell): number => (horizontal ? c.x1 : c.y1);
  const lines = cluster(cells.flatMap((c) => [lo(c), hi(c)]));
  const out: Array<{ at: number; rank: number }> = [];
  for (const at of lines.slice(1, -1)) {
    if (cells.some((c) => lo(c) < at - TOL && hi(c) > at + TOL)) continue;
    const before = cells.filter((c) => Math.abs(hi(c) - at) <= TOL);
    const after = cells.filter((c) => Math.abs(lo(c) - at) <= TOL);
    if (before.length === 0 || after.length === 0) continue;
    const extent = (side: Cell[]): [number, number] => [Math.min(...side.map(alongLo)), Math.max(...side.map(alongHi))];
    const [b0, b1] = extent(before);
    const [a0, a1] = extent(after);
    let rank: number;
    if (Math.abs(b0 - a0) > TOL || Math.abs(b1 - a1) > TOL) rank = 3;
    else {
      const marks = (side: Cell[]): number[] => cluster(side.flatMap((c) => [alongLo(c), alongHi(c)]));
      const mb = marks(before);
      const ma = marks(after);
      const has = (list: number[], x: number): boolean => list.some((y) => Math.abs(y - x) <= TOL);
      const onlyB = mb.some((x) => !has(ma, x));
      const onlyA = ma.some((x) => !has(mb, x));
      rank = onlyA && onlyB ? 2 : onlyA || onlyB ? 1 : 0;
    }
    out.push({ at, rank });
  }
  return out;
}

const middleOf = (t: PlacedText): { x: number; y: number } => {
  const r = (t.rotation * Math.PI) / 180;
  const w = t.width && t.width > 0 ? t.width : t.str.trim().length * t.size * 0.55;
  // Half along the baseline and a third of the size up from it, turned with the text.
  return { x: t.x + Math.cos(r) * (w / 2) - Math.sin(r) * (t.size / 3), y: t.y + Math.sin(r) * (w / 2) + Math.cos(r) * (t.size / 3) };
};

const inside = (p: { x: number; y: number }, b: Box, tol = 0.5): boolean => p.x >= b.x0 - tol && p.x <= b.x1 + tol && p.y >= b.y0 - tol && p.y <= b.y1 + tol;

/** A cell's text: its lines top to bottom, each left to right; no space after a line ending in `-` or `_`. */
function cellText(items: PlacedText[]): string {
  const sorted = [...items].sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: PlacedText[][] = [];
  for (const t of sorted) {
    const line = lines.at(-1);
    if (line && Math.abs(line[0]!.y - t.y) <= Math.max(line[0]!.size, t.size) / 3) line.push(t);
    else lines.push([t]);
  }
  let out = '';
  for (const line of lines) {
    const s = line
      .sort((a, b) => a.x - b.x)
      .map((t) => t.str.trim())
      .join(' ');
    out = out === '' ? s : /[_-]$/.test(out) ? out + s : `${out} ${s}`;
  }
  return out;
}

interface Context {
  items: readonly PlacedText[];
  middles: Array<{ x: number; y: number }>;
  h: Rule[];
  v: Rule[];
  /** Every cell found on the page, for telling a rule running into other cells from one running into nothing. */
  all: readonly Cell[];
}

/** A rule of the part that runs on past its border into no cell: the part is no table. */
function overshoots(part: Box, ctx: Context): boolean {
  const edgeOfCell = (vertical: boolean, at: number, from: number, to: number): boolean =>
    ctx.all.some((c) =>
      vertical
        ? (Math.abs(c.x0 - at) <= TOL || Math.abs(c.x1 - at) <= TOL) && c.y0 <= from + TOL && c.y1 >= to - TOL
        : (Math.abs(c.y0 - at) <= TOL || Math.abs(c.y1 - at) <= TOL) && c.x0 <= from + TOL && c.x1 >= to - TOL,
    );
  for (const r of ctx.v) {
    if (r.at <= part.x0 + TOL || r.at >= part.x1 - TOL || r.hi < part.y0 || r.lo > part.y1) continue;
    if (r.hi > part.y1 + OVERSHOOT && !edgeOfCell(true, r.at, part.y1, Math.min(r.hi, part.y1 + 2 * OVERSHOOT))) return true;
    if (r.lo < part.y0 - OVERSHOOT && !edgeOfCell(true, r.at, Math.max(r.lo, part.y0 - 2 * OVERSHOOT), part.y0)) return true;
  }
  for (const r of ctx.h) {
    if (r.at <= part.y0 + TOL || r.at >= part.y1 - TOL || r.hi < part.x0 || r.lo > part.x1) continue;
    if (r.hi > part.x1 + OVERSHOOT && !edgeOfCell(false, r.at, part.x1, Math.min(r.hi, part.x1 + 2 * OVERSHOOT))) return true;
    if (r.lo < part.x0 - OVERSHOOT && !edgeOfCell(false, r.at, Math.max(r.lo, part.x0 - 2 * OVERSHOOT), part.x0)) return true;
  }
  return false;
}

/** The part as a table, or null when it is none. */
function tableOf(cells: readonly Cell[], ctx: Context): RuledTable | null {
  const xs = cluster(cells.flatMap((c) => [c.x0, c.x1]));
  const ys = cluster(cells.flatMap((c) => [c.y0, c.y1])).reverse();
  if (xs.length < 3 || ys.length < 3) return null;
  const box = bounds(cells);
  const texts = cells.map(() => [] as PlacedText[]);
  ctx.items.forEach((t, i) => {
    const m = ctx.middles[i]!;
    if (!inside(m, box)) return;
    const k = cells.findIndex((c) => inside(m, c));
    if (k >= 0 && t.str.trim() !== '') texts[k]!.push(t);
  });
  const filled = texts.filter((t) => t.length > 0).length;
  if (filled < cells.length * MIN_FILLED) return null;
  if (overshoots(box, ctx)) return null;
  const rows = Array.from({ length: ys.length - 1 }, () => Array.from({ length: xs.length - 1 }, () => ''));
  cells.forEach((c, k) => {
    const row = nearestIndex(ys, c.y1);
    const col = nearestIndex(xs, c.x0);
    if (row < rows.length && col < xs.length - 1) rows[row]![col] = cellText(texts[k]!);
  });
  // Two rows and two columns with text at least: a band of labels over empty cells is none.
  const rowsWithText = rows.filter((r) => r.some((t) => t !== '')).length;
  const colsWithText = xs.slice(1).filter((_, c) => rows.some((r) => r[c] !== '')).length;
  if (rowsWithText < 2 || colsWithText < 2) return null;
  return { rows, box };
}

/**
 * Tables in a part of a group. A filled rectangle of cells is first cut between unlike parts (a
 * parts list on a title block: column lines that differ both ways) and is one table only when its
 * pieces are none; any other shape is cut wherever it can be, until its pieces are rectangles.
 */
function partTables(cells: Cell[], ctx: Context, depth = 0): RuledTable[] {
  if (cells.length < 4 || depth > 64) return [];
  const box = bounds(cells);
  const covered = cells.reduce((s, c) => s + area(c), 0) >= area(box) * 0.98;
  const options = [...cuts(cells, true).map((c) => ({ ...c, horizontal: true })), ...cuts(cells, false).map((c) => ({ ...c, horizontal: false }))].filter((c) => !covered || c.rank >= 2);
  const pieces = (): RuledTable[] => {
    if (options.length === 0) return [];
    const best = options.reduce((a, b) => (b.rank > a.rank ? b : a));
    const side = (c: Cell): boolean => (best.horizontal ? (c.y0 + c.y1) / 2 > best.at : (c.x0 + c.x1) / 2 < best.at);
    return [...groups(cells.filter(side)), ...groups(cells.filter((c) => !side(c)))].flatMap((g) => partTables(g, ctx, depth + 1));
  };
  if (!covered) return pieces();
  const found = pieces();
  if (found.length > 0) return found;
  const table = tableOf(cells, ctx);
  return table ? [table] : [];
}

/** The ruled tables of a page, top to bottom and left to right, and its frame. */
export function findRuledTables(segments: readonly Segment[], items: readonly PlacedText[], page: { width: number; height: number }): RuledPage {
  const { cells: found, h, v, frame } = findCells(segments, page);
  const pageArea = page.width * page.height;
  const cells = found.filter(
    (c) =>
      area(c) <= pageArea * 0.25 &&
      (!frame || (c.x0 >= frame.x0 - TOL && c.x1 <= frame.x1 + TOL && c.y0 >= frame.y0 - TOL && c.y1 <= frame.y1 + TOL)),
  );
  const ctx: Context = { items, middles: items.map(middleOf), h, v, all: found };
  const tables = groups(cells)
    .flatMap((g) => partTables(g, ctx))
    .sort((a, b) => b.box.y1 - a.box.y1 || a.box.x0 - b.box.x0);
  return { tables, frame };
}
