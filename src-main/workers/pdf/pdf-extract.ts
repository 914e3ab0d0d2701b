/**
 * What a PDF drawing holds, read with pdf.js (the legacy build, which runs in Node; nothing fetched,
 * see pdf-document.ts): page count and sizes, document info, each page's text items with their
 * place, size and rotation; all text in reading order, with the page each line is on. From the
 * straight lines a page draws (pdf-geometry.ts): its ruled tables, its frame, and which texts have
 * a box drawn just around them (basic dimensions). The lines themselves are not kept (a page of
 * hatching has hundreds of thousands), so a long document's memory stays that of one page.
 *
 * With a recognizer, a page without a text layer (fewer than `MIN_TEXT_CHARS` characters) is
 * rendered at 300 dpi and read by OCR: its items and text are then OCR's. With `outDir`, each page
 * is rendered as a PNG thumbnail `page-N.png` there (longest side 512 px). A page that fails to
 * render or to be recognized keeps its text layer and says so in `warnings`; the file goes on.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PlacedText } from '../reading/title-block';
import { SegmentIndex, type Segment } from '../reading/segments';
import { isBoxed } from '../reading/boxed-text';
import { findRuledTables, type Box, type RuledTable } from '../reading/ruled-tables';
import { openPdf, pdfOps } from './pdf-document';
import { pageSegments } from './pdf-geometry';
import { needsOcr, ocrPage, type OcrPage, type Recognize } from './pdf-ocr';
import { renderPage, scaleForLongestSide, THUMBNAIL_SIZE } from '../render/page-render';

/**
 * Pages thumbnailed at most: the previews of a long document stop here (a drawing set rarely has
 * more sheets; a 500-page manual attached to a record does not need 500 PNGs to be recognized).
 */
export const MAX_THUMBNAIL_PAGES = 50;

/**
 * OCR time a file may use, ms. Pages without a text layer past it are left unread (and named in
 * `warnings`) so that the file's other results come back within the pool's time limit (2 min a job
 * in the engine); a 300 dpi A4 page takes a few seconds.
 */
export const OCR_BUDGET_MS = 60_000;
/**
 * Thumbnail time a file may use: with OCR's budget this keeps a file of heavy pages inside the
 * pool's 2-minute limit, so its text still comes out; pages past it get no thumbnail.
 */
export const THUMBNAIL_BUDGET_MS = 30_000;

/** A text item of a page; `boxed` when a box is drawn just around it. */
export interface PdfText extends PlacedText {
  boxed?: boolean;
}

export interface PdfPage {
  number: number;
  /** In PDF points (1/72 inch). */
  width: number;
  height: number;
  items: PdfText[];
  /** The page's ruled tables (reading/ruled-tables.ts), in the items' space. */
  tables: RuledTable[];
  /** The drawing's frame, when the page has one: what lies outside it is the grid reference strip. */
  frame: Box | null;
  /** Set when the page had no text layer and was read by OCR: `items` are then OCR's. */
  ocr?: OcrPage;
}

export interface PdfExtraction {
  pages: PdfPage[];
  info: Record<string, string>;
  /** Lines of upright text top to bottom and left to right, page by page; then rotated texts. */
  text: string[];
  /** For each line of `text`, the 1-based page it is on. */
  textPages: number[];
  /** With `outDir`: the thumbnails written there, in page order (`page-N.png`; a page that failed to render has none). */
  thumbnails: string[] | null;
  /** What could not be done, each naming its page (a render or OCR that failed). */
  warnings: string[];
}

export interface PdfOptions {
  /** A folder for page thumbnails; none are made without it. */
  outDir?: string;
  /** OCR for pages without a text layer; without it they are read as they are. */
  recognize?: Recognize;
  /** OCR time the file may use, ms (`OCR_BUDGET_MS`). */
  ocrBudgetMs?: number;
  /** Thumbnail time the file may use, ms (`THUMBNAIL_BUDGET_MS`). */
  thumbnailBudgetMs?: number;
}

interface TextItem {
  str: string;
  transform: number[];
  width: number;
}

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function extractPdf(bytes: Uint8Array, options: PdfOptions = {}): Promise<PdfExtraction> {
  const doc = await openPdf(bytes);
  const OPS = await pdfOps();
  try {
    const meta = await doc.getMetadata().catch(() => null);
    const info: Record<string, string> = {};
    for (const [k, v] of Object.entries((meta?.info ?? {}) as Record<string, unknown>)) if (typeof v === 'string' && v.trim()) info[k] = v.trim();
    const pages: PdfPage[] = [];
    const text: string[] = [];
    const textPages: number[] = [];
    const thumbnails: string[] | null = options.outDir ? [] : null;
    const warnings: string[] = [];
    let ocrMs = 0;
    const budget = options.ocrBudgetMs ?? OCR_BUDGET_MS;
    let thumbMs = 0;
    const thumbBudget = options.thumbnailBudgetMs ?? THUMBNAIL_BUDGET_MS;
    for (let n = 1; n <= doc.numPages; n++) {
      let page: Awaited<ReturnType<typeof doc.getPage>>;
      try {
        page = await doc.getPage(n);
      } catch (e) {
        // A damaged page is left out; the others still come out.
        warnings.push(`page ${n}: could not be read (${reason(e)})`);
        if (thumbnails && n <= MAX_THUMBNAIL_PAGES) thumbnails.push('');
        continue;
      }
      const [x0, y0, x1, y1] = page.view as [number, number, number, number];
      let items: PdfText[] = [];
      try {
        const content = await page.getTextContent();
        for (const raw of content.items as Array<TextItem | { type: string }>) {
          if (!('str' in raw) || raw.str.trim() === '') continue;
          const [a, b, c, d, e, f] = raw.transform as [number, number, number, number, number, number];
          items.push({ str: raw.str, x: e, y: f, size: Math.hypot(c, d), rotation: Number(((Math.atan2(b, a) * 180) / Math.PI).toFixed(1)), width: raw.width });
        }
      } catch (e) {
        // A page whose text cannot be read is left to OCR (with a recognizer), like a scan.
        warnings.push(`page ${n}: its text layer could not be read (${reason(e)})`);
      }
      let segments: Segment[] = [];
      try {
        segments = await pageSegments(page, OPS);
      } catch (e) {
        warnings.push(`page ${n}: its lines could not be read (${reason(e)}); no tables or boxed dimensions from it`);
      }
      const width = x1 - x0;
      const height = y1 - y0;
      let ocr: OcrPage | undefined;
      if (options.recognize && needsOcr(items)) {
        if (ocrMs >= budget) {
          warnings.push(`page ${n}: has no text layer and was not read by OCR (the file's OCR time of ${budget / 1000} s was used up)`);
        } else {
          const t = performance.now();
          try {
            ocr = await ocrPage(doc, page, options.recognize);
            items = ocr.items;
          } catch (e) {
            warnings.push(`page ${n}: has no text layer and could not be read by OCR (${reason(e)})`);
          }
          ocrMs += performance.now() - t;
        }
      }
      // Thumbnails keep their page's position ('' where a page has none), so thumbnail N is page N+1.
      if (options.outDir && thumbnails && n <= MAX_THUMBNAIL_PAGES) {
        if (thumbMs >= thumbBudget) {
          thumbnails.push('');
          if (thumbMs !== Infinity) warnings.push(`pages ${n} and after: no thumbnails (the file's thumbnail time of ${thumbBudget / 1000} s was used up)`);
          thumbMs = Infinity;
        } else {
          const t = performance.now();
          try {
            const rendered = await renderPage(doc, page, scaleForLongestSide(page, THUMBNAIL_SIZE));
            const name = `page-${n}.png`;
            fs.writeFileSync(path.join(options.outDir, name), rendered.png);
            thumbnails.push(name);
          } catch (e) {
            thumbnails.push('');
            warnings.push(`page ${n}: no thumbnail (${reason(e)})`);
          }
          thumbMs += performance.now() - t;
        }
      }
      const { tables, frame } = findRuledTables(segments, items, { width, height });
      if (!ocr) markBoxed(items, segments);
      pages.push({ number: n, width, height, items, tables, frame, ...(ocr ? { ocr } : {}) });
      const lines = ocr ? ocr.lines : readingOrder(items);
      text.push(...lines);
      for (let i = 0; i < lines.length; i++) textPages.push(n);
      page.cleanup();
    }
    return { pages, info, text, textPages, thumbnails, warnings };
  } finally {
    await doc.destroy();
  }
}

/** Marks the texts with a digit in them that have a box drawn just around them. */
function markBoxed(items: PdfText[], segments: readonly Segment[]): void {
  let index: SegmentIndex | null = null;
  for (const item of items) {
    if (!/\d/.test(item.str)) continue;
    index ??= new SegmentIndex(segments);
    if (isBoxed(item, index)) item.boxed = true;
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
