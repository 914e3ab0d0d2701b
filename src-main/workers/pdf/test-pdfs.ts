/**
 * Drawings for tests, written here: PDFs built with pdf-lib (text, stroked lines, thin filled
 * rectangles, a page that is only an image) and scans drawn with @napi-rs/canvas in Liberation Sans
 * (the font pdfjs-dist ships, so a scan looks the same on every machine). Used by tests only.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { degrees, PDFDocument, rgb, StandardFonts } from 'pdf-lib';

export interface TestLine {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Stroke width, points (default 0.7). */
  width?: number;
}

export interface TestText {
  text: string;
  x: number;
  y: number;
  size?: number;
  /** Degrees, counter-clockwise. */
  rotate?: number;
}

export interface TestPage {
  /** Points; A4 portrait by default. */
  width?: number;
  height?: number;
  texts?: TestText[];
  lines?: TestLine[];
  /** Rectangles filled black ([x, y, width, height]): thin ones are rules drawn as fills. */
  fills?: Array<[number, number, number, number]>;
  /** A PNG covering the whole page (a scan). */
  image?: Uint8Array;
}

export const A4 = { width: 595.28, height: 841.89 };

export async function writePdf(pages: TestPage[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const p of pages) {
    const page = doc.addPage([p.width ?? A4.width, p.height ?? A4.height]);
    if (p.image) {
      const png = await doc.embedPng(p.image);
      page.drawImage(png, { x: 0, y: 0, width: page.getWidth(), height: page.getHeight() });
    }
    for (const l of p.lines ?? []) page.drawLine({ start: { x: l.x0, y: l.y0 }, end: { x: l.x1, y: l.y1 }, thickness: l.width ?? 0.7, color: rgb(0, 0, 0) });
    for (const [x, y, width, height] of p.fills ?? []) page.drawRectangle({ x, y, width, height, color: rgb(0, 0, 0) });
    for (const t of p.texts ?? []) page.drawText(t.text, { x: t.x, y: t.y, size: t.size ?? 10, font, ...(t.rotate ? { rotate: degrees(t.rotate) } : {}) });
  }
  return doc.save();
}

/** The width of `text` in Helvetica at `size` (for boxes drawn around texts). */
export async function textWidth(text: string, size: number): Promise<number> {
  const doc = await PDFDocument.create();
  return (await doc.embedFont(StandardFonts.Helvetica)).widthOfTextAtSize(text, size);
}

/** The rules of a full grid: column edges `xs`, row edges `ys` (top to bottom), lines spanning it all. */
export function gridLines(xs: number[], ys: number[], width = 0.7): TestLine[] {
  const [left, right] = [xs[0]!, xs.at(-1)!];
  const [top, bottom] = [ys[0]!, ys.at(-1)!];
  return [...ys.map((y) => ({ x0: left, y0: y, x1: right, y1: y, width })), ...xs.map((x) => ({ x0: x, y0: top, x1: x, y1: bottom, width }))];
}

/** A drawing frame: the sheet's border, the frame inside it and the grid reference strip between them, labelled. */
export function frame(page = A4): { lines: TestLine[]; texts: TestText[] } {
  const outer = { x0: 20, y0: 20, x1: page.width - 20, y1: page.height - 20 };
  const inner = { x0: 40, y0: 40, x1: page.width - 20 - 20, y1: page.height - 40 };
  const rect = (r: typeof outer, width: number): TestLine[] => [
    { x0: r.x0, y0: r.y0, x1: r.x1, y1: r.y0, width },
    { x0: r.x1, y0: r.y0, x1: r.x1, y1: r.y1, width },
    { x0: r.x1, y0: r.y1, x1: r.x0, y1: r.y1, width },
    { x0: r.x0, y0: r.y1, x1: r.x0, y1: r.y0, width },
  ];
  const lines = [...rect(outer, 0.5), ...rect(inner, 1)];
  const texts: TestText[] = [];
  const columns = 4;
  const rows = 6;
  for (let i = 1; i < columns; i++) {
    const x = inner.x0 + ((inner.x1 - inner.x0) * i) / columns;
    lines.push({ x0: x, y0: inner.y1, x1: x, y1: outer.y1 }, { x0: x, y0: outer.y0, x1: x, y1: inner.y0 });
  }
  for (let i = 0; i < columns; i++) {
    const x = inner.x0 + ((inner.x1 - inner.x0) * (i + 0.5)) / columns;
    texts.push({ text: String(columns - i), x, y: inner.y1 + 6, size: 8 }, { text: String(columns - i), x, y: outer.y0 + 6, size: 8 });
  }
  for (let j = 1; j < rows; j++) {
    const y = inner.y0 + ((inner.y1 - inner.y0) * j) / rows;
    lines.push({ x0: outer.x0, y0: y, x1: inner.x0, y1: y }, { x0: inner.x1, y0: y, x1: outer.x1, y1: y });
  }
  for (let j = 0; j < rows; j++) {
    const y = inner.y0 + ((inner.y1 - inner.y0) * (j + 0.5)) / rows;
    texts.push({ text: 'ABCDEF'[j]!, x: outer.x0 + 6, y, size: 8 }, { text: 'ABCDEF'[j]!, x: inner.x1 + 6, y, size: 8 });
  }
  return { lines, texts };
}

let fontRegistered = false;

/**
 * A scanned sheet as PNG: black text on white at `dpi`, positions and sizes in points from the
 * top left (as on paper), plus lines (also in points).
 */
export async function scanPng(texts: TestText[], opts: { dpi?: number; width?: number; height?: number; lines?: TestLine[] } = {}): Promise<Buffer> {
  if (!fontRegistered) {
    const root = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
    GlobalFonts.registerFromPath(path.join(root, 'standard_fonts', 'LiberationSans-Regular.ttf'), 'Scan Sans');
    fontRegistered = true;
  }
  const k = (opts.dpi ?? 300) / 72;
  const canvas = createCanvas(Math.round((opts.width ?? A4.width) * k), Math.round((opts.height ?? A4.height) * k));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = 'white';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = 'black';
  ctx.strokeStyle = 'black';
  for (const l of opts.lines ?? []) {
    ctx.lineWidth = (l.width ?? 0.7) * k;
    ctx.beginPath();
    ctx.moveTo(l.x0 * k, l.y0 * k);
    ctx.lineTo(l.x1 * k, l.y1 * k);
    ctx.stroke();
  }
  for (const t of texts) {
    ctx.font = `${(t.size ?? 10) * k}px "Scan Sans"`;
    ctx.fillText(t.text, t.x * k, t.y * k);
  }
  return canvas.encode('png');
}

/** Width and height of a PNG, from its header. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
