/**
 * Optical character recognition of drawing images with tesseract.js, fully offline: the WASM core
 * comes from node_modules and the English model from @tesseract.js-data/eng, never a CDN; nothing
 * is cached to disk. One recognizer per extraction worker, started on first use.
 */
import { createRequire } from 'node:module';
import { createWorker, type Worker as Recognizer } from 'tesseract.js';

export interface OcrBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface OcrWord {
  text: string;
  /** 0–100. */
  confidence: number;
  /** Pixels of the image, origin top left (an OCR'd PDF page's words are in its points: see FileExtraction `ocr`). */
  box: OcrBox;
  /** The index of its line in `lines` (in a FileExtraction: in its `text`). */
  line: number;
  /** PDF: the 1-based page the word is on. */
  page?: number;
}

/** Where a recognized line is: its box and its baseline (y at its left end), pixels. */
export interface OcrLineBox {
  box: OcrBox;
  baseline: number;
}

export interface OcrResult {
  words: OcrWord[];
  /** The recognized lines, top to bottom. */
  lines: string[];
  /** Beside `lines`: where each is. */
  lineBoxes: OcrLineBox[];
  /** Mean word confidence, 0–100. */
  confidence: number;
  /** With `withImage`: the image as the recognizer read it, as PNG (how a TIFF gets a thumbnail). */
  image?: Buffer;
}

export interface RecognizeOptions {
  /** Also return the image as PNG (`image`). */
  withImage?: boolean;
}

const requireModule = createRequire(import.meta.url);
let recognizer: Promise<Recognizer> | null = null;

function start(): Promise<Recognizer> {
  const eng = requireModule('@tesseract.js-data/eng') as { langPath: string; gzip: boolean };
  return createWorker('eng', 1, { langPath: eng.langPath, gzip: eng.gzip, cacheMethod: 'none', logger: () => undefined, errorHandler: () => undefined });
}

interface Block {
  paragraphs: Array<{
    lines: Array<{
      text: string;
      bbox: OcrBox;
      baseline: OcrBox;
      words: Array<{ text: string; confidence: number; bbox: OcrBox }>;
    }>;
  }>;
}

/** Recognizes the text of an image file (PNG, JPEG, TIFF…), with word boxes and confidence. */
export async function recognize(image: string | Uint8Array, options: RecognizeOptions = {}): Promise<OcrResult> {
  // A start that failed is not kept: the next file tries again.
  recognizer ??= start().catch((e: unknown) => {
    recognizer = null;
    throw e;
  });
  const worker = await recognizer;
  const input = typeof image === 'string' ? image : Buffer.from(image.buffer, image.byteOffset, image.byteLength);
  const { data } = await worker.recognize(input, {}, { blocks: true, text: true, imageColor: options.withImage === true });
  const lines: string[] = [];
  const lineBoxes: OcrLineBox[] = [];
  const words: OcrWord[] = [];
  for (const block of (data.blocks ?? []) as unknown as Block[]) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        const text = line.text.trim();
        if (!text) continue;
        const index = lines.push(text) - 1;
        const b = line.baseline;
        // A baseline tesseract did not find is reported as 0s: the line's box bottom is next best.
        const baseline = b && b.y0 > 0 ? b.y0 : line.bbox.y1;
        lineBoxes.push({ box: line.bbox, baseline });
        for (const w of line.words) if (w.text.trim()) words.push({ text: w.text.trim(), confidence: w.confidence, box: w.bbox, line: index });
      }
    }
  }
  const confidence = words.length ? words.reduce((sum, w) => sum + w.confidence, 0) / words.length : 0;
  const result: OcrResult = { words, lines, lineBoxes, confidence };
  const png = data.imageColor;
  if (options.withImage && typeof png === 'string') result.image = Buffer.from(png.slice(png.indexOf(',') + 1), 'base64');
  return result;
}

/** Stops the recognizer (a worker's job is done). */
export async function stopRecognizer(): Promise<void> {
  const r = recognizer;
  recognizer = null;
  if (r) await (await r).terminate();
}
