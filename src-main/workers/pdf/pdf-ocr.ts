/**
 * A PDF page without a text layer (a scan, or text drawn as outlines), read by OCR: rendered at
 * 300 dpi (render/page-render.ts), recognized, and its words turned back into the page's text
 * items — runs of words on one line, in PDF user space like the text pdf.js reads — so the same
 * engineering reading runs on it (title block, dimensions, threads).
 */
import type { PlacedText } from '../reading/title-block';
import type { OcrResult, OcrWord } from '../ocr/ocr';
import { ocrScale, renderPage } from '../render/page-render';
import type { PDFDocumentProxy, PDFPageProxy } from './pdf-document';

/** Recognizes a PNG image (ocr.ts `recognize`, or a stand-in in tests). */
export type Recognize = (png: Uint8Array) => Promise<OcrResult>;

/** A page with fewer characters of text than this has no text layer worth the name. */
export const MIN_TEXT_CHARS = 20;

/** Words on one line further apart than this many font sizes are separate runs (separate items). */
const RUN_GAP = 1.2;

/** Capital letters' height in font sizes (Helvetica, Arial, ISO 3098 lettering: about 0.7). */
const CAP_HEIGHT = 0.72;

export interface OcrPage {
  /** The page's words as text items, in PDF user space. */
  items: PlacedText[];
  /** The recognized lines, top to bottom. */
  lines: string[];
  /** Words with boxes in points of the page as displayed (origin top left), `line` indexing `lines`. */
  words: OcrWord[];
  /** Mean word confidence, 0–100. */
  confidence: number;
  /** The resolution the page was rendered at for OCR (300, less for very large sheets). */
  dpi: number;
}

export function needsOcr(items: readonly PlacedText[]): boolean {
  let chars = 0;
  for (const t of items) chars += t.str.replace(/\s+/g, '').length;
  return chars < MIN_TEXT_CHARS;
}

export async function ocrPage(doc: PDFDocumentProxy, page: PDFPageProxy, recognize: Recognize): Promise<OcrPage> {
  const scale = ocrScale(page);
  const rendered = await renderPage(doc, page, scale);
  const result = await recognize(rendered.png);
  const { viewport } = rendered;
  const toPdf = (x: number, y: number): [number, number] => viewport.convertToPdfPoint(x, y) as [number, number];
  const items: PlacedText[] = [];
  result.lines.forEach((_, index) => {
    const layout = result.lineBoxes[index];
    const words = result.words.filter((w) => w.line === index).sort((a, b) => a.box.x0 - b.box.x0);
    if (!layout || words.length === 0) return;
    // The font size, as a PDF gives it, from the height of the line's capitals and digits above its baseline.
    const height = Math.max(1, layout.baseline - layout.box.y0) / CAP_HEIGHT;
    const runs: OcrWord[][] = [];
    for (const w of words) {
      const run = runs.at(-1);
      if (run && w.box.x0 - run.at(-1)!.box.x1 <= RUN_GAP * height) run.push(w);
      else runs.push([w]);
    }
    for (const run of runs) {
      const [x0, y0] = toPdf(run[0]!.box.x0, layout.baseline);
      const [x1, y1] = toPdf(run.at(-1)!.box.x1, layout.baseline);
      items.push({
        str: run.map((w) => w.text).join(' '),
        x: x0,
        y: y0,
        size: height / scale,
        rotation: Number(((Math.atan2(y1 - y0, x1 - x0) * 180) / Math.PI).toFixed(1)),
        width: Math.hypot(x1 - x0, y1 - y0),
      });
    }
  });
  const points = (v: number): number => Number((v / scale).toFixed(2));
  const words = result.words.map((w) => ({ ...w, box: { x0: points(w.box.x0), y0: points(w.box.y0), x1: points(w.box.x1), y1: points(w.box.y1) } }));
  return { items, lines: result.lines, words, confidence: result.confidence, dpi: Math.round(scale * 72) };
}
