/**
 * One shape for what any drawing holds (`baseplate extract --json` prints it): its text in reading
 * order, title block, dimensions (with nominal value, unit and tolerance), thread callouts,
 * surface finish, tables, and for DXF its structure. The engineering reading is the same for every
 * format (../reading); only where the text comes from differs.
 */
import type { DxfExtraction } from '../dxf/dxf-extract';
import type { PdfExtraction } from '../pdf/pdf-extract';
import { readDimensionText, type Tolerance } from '../reading/dimension-text';
import { readSurfaceFinish, readThreads, type ThreadCallout } from '../reading/callouts';
import { readTitleBlock, titleBlockFromAttributes, type TitleBlock } from '../reading/title-block';
import type { GdtFrameRead } from '../reading/gdt';
import type { OcrWord } from '../ocr/ocr';
import type { ImageRead } from '../ocr/image-read';
import { joinStacks } from '../reading/stacks';
import type { Box, RuledTable } from '../reading/ruled-tables';

export interface DimensionOut {
  text: string;
  kind: string;
  value: number | null;
  unit: string | null;
  tolerance: Tolerance | null;
}

export type GdtFrame = GdtFrameRead;

export interface FileExtraction {
  file: string;
  kind: 'dxf' | 'pdf' | 'image';
  pages?: number;
  text: string[];
  titleBlock: TitleBlock;
  dimensions: DimensionOut[];
  threads: ThreadCallout[];
  gdt: GdtFrame[];
  surfaceFinish: string[];
  tables: Array<{ rows: string[][] }>;
  dxf?: DxfExtraction['dxf'];
  /** PDF: for each line of `text`, the 1-based page it is on (same length as `text`). */
  textPages?: number[];
  /** PDF: the pages (1-based) that had no text layer and were read by OCR. */
  ocrPages?: number[];
  /**
   * Images and OCR'd PDF pages: the recognized words with their confidence (0–100), mean
   * confidence, each word's `line` in `text`. Boxes: an image's pixels; on a PDF page (`page`), points
   * of the page as displayed (origin top left, 1/72 inch).
   */
  ocr?: { confidence: number; words: OcrWord[] };
  /** What could not be read or made while the rest of the file was (a page that did not render, OCR that failed). */
  warnings?: string[];
  /**
   * Preview files the worker wrote into the job's `outDir` (names relative to it), when it was
   * given one: PNG thumbnails (one per PDF page, one for a DXF or an image), and for DXF the
   * viewer's geometry (src-shared/drawing). Absent when no `outDir` was given.
   */
  previews?: Previews;
}

export interface Previews {
  /** PNG file names, in page order (one for DXF and images). */
  thumbnails: string[];
  /** DXF: the geometry file for the viewer. */
  geometry?: string;
}

/** Short names of DXF length units for dimensions. */
const UNIT_SYMBOLS: Record<string, string> = { millimeters: 'mm', centimeters: 'cm', meters: 'm', inches: 'in', feet: 'ft', microns: 'µm' };

function dimensionOut(text: string, kind: string, value: number | null, unit: string | null): DimensionOut {
  const read = readDimensionText(text, unit ?? 'mm');
  if (read) return { text, kind: read.kind === 'linear' && kind !== 'linear' && kind !== 'unknown' ? kind : read.kind, value: read.value, unit: read.unit, tolerance: read.tolerance };
  return { text, kind, value, unit, tolerance: null };
}

const unique = <T>(items: T[], key: (t: T) => string): T[] => {
  const seen = new Set<string>();
  return items.filter((t) => (seen.has(key(t)) ? false : (seen.add(key(t)), true)));
};

export function fromDxf(file: string, x: DxfExtraction): FileExtraction {
  const unit = x.dxf.units ? (UNIT_SYMBOLS[x.dxf.units] ?? x.dxf.units) : null;
  // Title block: attributes of inserted blocks first (that is how CAD templates carry them).
  let titleBlock = readTitleBlock([]);
  for (const insert of x.dxf.inserts) titleBlock = titleBlockFromAttributes(insert.attributes, titleBlock);
  const all = x.text.join('\n');
  return {
    file,
    kind: 'dxf',
    text: x.text,
    titleBlock,
    dimensions: x.dimensions.map((d) => dimensionOut(d.text, d.kind, d.value, d.kind === 'angular' || d.kind === 'angular3point' ? 'deg' : unit)),
    threads: unique(x.text.flatMap((t) => readThreads(t)), (t) => t.text),
    gdt: x.gdt,
    surfaceFinish: readSurfaceFinish(all),
    tables: x.tables,
    dxf: x.dxf,
  };
}

/** Points from a page's edge where its border and grid references are. */
const EDGE = 30;

const within = (t: { x: number; y: number }, b: Box): boolean => t.x >= b.x0 && t.x <= b.x1 && t.y >= b.y0 && t.y <= b.y1;

export function fromPdf(file: string, x: PdfExtraction): FileExtraction {
  const unit = x.text.some((t) => /\b(?:INCH|INCHES|ZOLL)\b/i.test(t)) ? 'in' : 'mm';
  const dimensions: DimensionOut[] = [];
  const tables: RuledTable[] = [];
  const words: OcrWord[] = [];
  for (const page of x.pages) {
    tables.push(...page.tables);
    if (page.ocr) {
      // OCR'd: dimensions as OCR reads them (as in images); each word's line is its line in `text`.
      dimensions.push(...ocrDimensions(page.ocr.lines));
      const first = x.textPages.indexOf(page.number);
      for (const w of page.ocr.words) words.push({ ...w, line: first + w.line, page: page.number });
      continue;
    }
    for (const item of joinStacks(page.items)) {
      // The sheet's grid references (1 2 3 … along the border, outside its frame) are numbers too, but no dimensions.
      if (item.x < EDGE || item.y < EDGE || item.x > page.width - EDGE || item.y > page.height - EDGE) continue;
      if (page.frame && !within(item, page.frame)) continue;
      // Nor are a parts list's item numbers and quantities.
      if (page.tables.some((t) => within(item, t.box))) continue;
      let text = item.str.trim();
      let read = readDimensionText(text, unit);
      if (!read) continue;
      // A dimension in a box drawn just around it is a basic one, written `[…]` as text has it.
      const boxed = read.tolerance === null && item.boxed ? readDimensionText(`[${text}]`, unit) : null;
      if (boxed) [text, read] = [`[${text}]`, boxed];
      dimensions.push({ text, kind: read.kind, value: read.value, unit: read.unit, tolerance: read.tolerance });
    }
  }
  const ocrPages = x.pages.filter((p) => p.ocr).map((p) => p.number);
  return {
    file,
    kind: 'pdf',
    pages: x.pages.length,
    text: x.text,
    textPages: x.textPages,
    titleBlock: readTitleBlock(x.pages.at(-1)?.items ?? []),
    dimensions,
    threads: unique(x.text.flatMap((t) => readThreads(t)), (t) => t.text),
    gdt: [],
    surfaceFinish: readSurfaceFinish(x.text.join('\n')),
    tables: tables.map((t) => ({ rows: t.rows })),
    ...(ocrPages.length > 0
      ? { ocrPages, ocr: { confidence: Math.round(words.reduce((s, w) => s + w.confidence, 0) / Math.max(1, words.length)), words } }
      : {}),
    ...(x.warnings.length > 0 ? { warnings: x.warnings } : {}),
    ...(x.thumbnails ? { previews: { thumbnails: x.thumbnails } } : {}),
  };
}

/**
 * Drawing text as OCR commonly misreads it, put right: a diameter sign before a number read as
 * `@`, `©` or `Ø` (but `038` is left alone: it may be a number), `±` read as `+`.
 */
function ocrDimensionText(word: string): string {
  return (
    word
      .replace(/^[@©®∅Øø]\s*(?=\d)/, '⌀')
      // A lone `+` tolerance right after the number is how OCR reads ±.
      .replace(/^(⌀?\d+(?:[.,]\d+)?)\s*\+\s*(\d+(?:[.,]\d+)?)$/, '$1±$2')
  );
}

/** Dimensions in OCR'd lines: a line as a whole (a fit or tolerance written apart, `⌀38 H12`), else its words. */
function ocrDimensions(lines: readonly string[]): DimensionOut[] {
  const dimensions: DimensionOut[] = [];
  for (const line of lines) {
    const text = ocrDimensionText(line);
    const read = readDimensionText(text, 'mm');
    if (read) {
      dimensions.push({ text, kind: read.kind, value: read.value, unit: read.unit, tolerance: read.tolerance });
      continue;
    }
    for (const word of line.split(/\s+/)) {
      const w = ocrDimensionText(word);
      const one = readDimensionText(w, 'mm');
      if (one && /[.,⌀°()[\]R]/.test(w)) dimensions.push({ text: w, kind: one.kind, value: one.value, unit: one.unit, tolerance: one.tolerance });
    }
  }
  return dimensions;
}

export function fromImage(file: string, image: ImageRead): FileExtraction {
  const x = image.ocr;
  // Word boxes as placed text (y up, as in drawings) for the title block reading.
  const placed = x.words.map((w) => ({ str: w.text, x: w.box.x0, y: -w.box.y1, size: w.box.y1 - w.box.y0, rotation: 0, width: w.box.x1 - w.box.x0 }));
  const all = x.lines.join('\n');
  return {
    file,
    kind: 'image',
    text: x.lines,
    titleBlock: readTitleBlock(placed),
    dimensions: ocrDimensions(x.lines),
    threads: unique(x.lines.flatMap((t) => readThreads(t)), (t) => t.text),
    gdt: [],
    surfaceFinish: readSurfaceFinish(all),
    tables: [],
    ocr: { confidence: Math.round(x.confidence), words: x.words },
    ...(image.warnings.length > 0 ? { warnings: image.warnings } : {}),
    ...(image.thumbnails ? { previews: { thumbnails: image.thumbnails } } : {}),
  };
}
