/**
 * Where the lines of a drawing text go, the same for the thumbnail and the viewer: in units of the
 * text's height, in the text's own frame (x along its direction, y up), relative to its anchor.
 * The height is the height of capitals; lines are 5/3 of it apart (MTEXT's default spacing); the
 * attachment point (MTEXT's 1–9, TEXT's alignment mapped to it) says which point of the text's box
 * is the anchor.
 */

export const LINE_SPACING = 5 / 3;

/** Capital height of common sans-serif fonts, in ems: a text of height h is set in a font of size h / CAP_HEIGHT_EM. */
export const CAP_HEIGHT_EM = 0.72;

export interface TextLine {
  text: string;
  /** The left end of the line's baseline. */
  x: number;
  y: number;
  /** The line's width, as `measure` gave it. */
  width: number;
}

/** @param measure the width of a line in text heights (a canvas's measureText width / font size / CAP_HEIGHT_EM). */
export function layoutText(text: string, attachment: number, measure: (line: string) => number): TextLine[] {
  const lines = text.split('\n');
  const a = Math.min(9, Math.max(1, Math.round(attachment) || 1));
  const row = Math.floor((a - 1) / 3);
  const column = (a - 1) % 3;
  const height = (lines.length - 1) * LINE_SPACING + 1;
  const firstBaseline = row === 0 ? -1 : row === 1 ? height / 2 - 1 : (lines.length - 1) * LINE_SPACING;
  return lines.map((line, i) => {
    const width = measure(line);
    return { text: line, x: column === 0 ? 0 : column === 1 ? -width / 2 : -width, y: firstBaseline - i * LINE_SPACING, width };
  });
}

/** The box of a laid-out text in its own frame (text heights): for hit tests, highlights and zooming to it. */
export function textBox(lines: readonly TextLine[]): { minX: number; minY: number; maxX: number; maxY: number } {
  let minX = 0;
  let maxX = 0;
  let minY = 0;
  let maxY = 0;
  lines.forEach((l, i) => {
    if (i === 0 || l.x < minX) minX = l.x;
    if (i === 0 || l.x + l.width > maxX) maxX = l.x + l.width;
    // Descenders reach about a quarter of the height below the baseline.
    if (i === 0 || l.y - 0.25 < minY) minY = l.y - 0.25;
    if (i === 0 || l.y + 1 > maxY) maxY = l.y + 1;
  });
  return { minX, minY, maxX, maxY };
}
