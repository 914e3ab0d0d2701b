/**
 * What a PDF drawing holds, read with pdf.js (the legacy build, which runs in Node): page count
 * and sizes, document info, and each page's text items with their place, size and rotation; all
 * text in reading order. Nothing is fetched: fonts are not loaded (only text is read), and eval
 * is off.
 */
import type { PlacedText } from '../reading/title-block';

export interface PdfPage {
  number: number;
  /** In PDF points (1/72 inch). */
  width: number;
  height: number;
  items: PlacedText[];
}

export interface PdfExtraction {
  pages: PdfPage[];
  info: Record<string, string>;
  /** Lines of upright text top to bottom and left to right, page by page; then rotated texts. */
  text: string[];
}

interface TextItem {
  str: string;
  transform: number[];
  width: number;
}

export async function extractPdf(bytes: Uint8Array): Promise<PdfExtraction> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: bytes, isEvalSupported: false, disableFontFace: true, useSystemFonts: false, stopAtErrors: false, verbosity: 0 }).promise;
  try {
    const meta = await doc.getMetadata().catch(() => null);
    const info: Record<string, string> = {};
    for (const [k, v] of Object.entries((meta?.info ?? {}) as Record<string, unknown>)) if (typeof v === 'string' && v.trim()) info[k] = v.trim();
    const pages: PdfPage[] = [];
    const text: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const [x0, y0, x1, y1] = page.view as [number, number, number, number];
      const content = await page.getTextContent();
      const items: PlacedText[] = [];
      for (const raw of content.items as Array<TextItem | { type: string }>) {
        if (!('str' in raw) || raw.str.trim() === '') continue;
        const [a, b, c, d, e, f] = raw.transform as [number, number, number, number, number, number];
        items.push({ str: raw.str, x: e, y: f, size: Math.hypot(c, d), rotation: Number(((Math.atan2(b, a) * 180) / Math.PI).toFixed(1)), width: raw.width });
      }
      pages.push({ number: n, width: x1 - x0, height: y1 - y0, items });
      text.push(...readingOrder(items));
      page.cleanup();
    }
    return { pages, info, text };
  } finally {
    await doc.destroy();
  }
}

/**
 * Upright items as lines (baselines within a third of the text size, gaps under two text sizes),
 * top to bottom and left to right; rotated items after them.
 */
function readingOrder(items: readonly PlacedText[]): string[] {
  const upright = items.filter((t) => Math.abs(t.rotation) < 1).sort((a, b) => b.y - a.y || a.x - b.x);
  const rows: PlacedText[][] = [];
  for (const t of upright) {
    const row = rows.at(-1);
    if (row && Math.abs(row[0]!.y - t.y) <= Math.max(row[0]!.size, t.size) / 3) row.push(t);
    else rows.push([t]);
  }
  const out: string[] = [];
  for (const row of rows) {
    let run: string[] = [];
    let end = -Infinity;
    for (const t of row.sort((a, b) => a.x - b.x)) {
      if (run.length > 0 && t.x - end > 2 * t.size) {
        out.push(run.join(' '));
        run = [];
      }
      run.push(t.str.trim());
      end = t.x + (t.width ?? t.str.length * t.size * 0.5);
    }
    if (run.length > 0) out.push(run.join(' '));
  }
  for (const t of items) if (Math.abs(t.rotation) >= 1) out.push(t.str.trim());
  return out;
}
