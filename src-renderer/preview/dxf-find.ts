/**
 * Finding a text in a drawing: the first text (in reading order, as the geometry lists them)
 * containing the query, ignoring case and how it is broken into lines; and where it is, as the
 * four corners of its box, to zoom to it and outline it.
 */
import type { TextItem } from '../../src-shared/drawing/geometry-codec';
import { layoutText, textBox } from '../../src-shared/drawing/text-layout';
import type { Box } from './dxf-view-math';

const normal = (s: string): string => s.toLocaleLowerCase().replace(/\s+/g, ' ').trim();

/** The index of the first text containing the query; -1 when none does or the query is blank. */
export function findTextIndex(strings: readonly string[], query: string | undefined, shown: (index: number) => boolean = () => true): number {
  const q = normal(query ?? '');
  if (!q) return -1;
  let hiddenMatch = -1;
  for (let i = 0; i < strings.length; i++) {
    if (!normal(strings[i]!).includes(q)) continue;
    if (shown(i)) return i;
    if (hiddenMatch < 0) hiddenMatch = i;
  }
  // Only on a hidden layer: found all the same (the viewer shows its layer).
  return hiddenMatch;
}

/** The corners of a text's box, counter-clockwise from its lower left, in geometry coordinates. */
export function textCorners(t: TextItem, measure: (line: string) => number): Array<[number, number]> {
  const b = textBox(layoutText(t.text, t.attachment, measure));
  const c = Math.cos(t.rotation);
  const s = Math.sin(t.rotation);
  const at = (x: number, y: number): [number, number] => [t.x + t.height * (x * c - y * s), t.y + t.height * (x * s + y * c)];
  return [at(b.minX, b.minY), at(b.maxX, b.minY), at(b.maxX, b.maxY), at(b.minX, b.maxY)];
}

export function boxOf(points: ReadonlyArray<readonly [number, number]>): Box {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) };
}

/** What to zoom to for a found text: the text with room around it (it fills about a third of the view), at least 12 text heights across. */
export function zoomBoxFor(text: Box, height: number): Box {
  const w = text.maxX - text.minX;
  const h = text.maxY - text.minY;
  const size = Math.max(w, h) * 3;
  const half = Math.max(size, 12 * height) / 2;
  const cx = (text.minX + text.maxX) / 2;
  const cy = (text.minY + text.maxY) / 2;
  return { minX: cx - half, minY: cy - half, maxX: cx + half, maxY: cy + half };
}
