/**
 * Optical character recognition of drawing images with tesseract.js, fully offline: the WASM core
 * comes from node_modules and the English model from @tesseract.js-data/eng, never a CDN; nothing
 * is cached to disk. One recognizer per extraction worker, started on first use.
 */
import { createRequire } from 'node:module';
import { createWorker, type Worker as Recognizer } from 'tesseract.js';

export interface OcrWord {
  text: string;
  /** 0–100. */
  confidence: number;
  /** Pixels, origin top left. */
  box: { x0: number; y0: number; x1: number; y1: number };
}

export interface OcrResult {
  words: OcrWord[];
  /** The recognized lines, top to bottom. */
  lines: string[];
  /** Mean word confidence, 0–100. */
  confidence: number;
}

const requireModule = createRequire(import.meta.url);
let recognizer: Promise<Recognizer> | null = null;

function start(): Promise<Recognizer> {
  const eng = requireModule('@tesseract.js-data/eng') as { langPath: string; gzip: boolean };
  return createWorker('eng', 1, { langPath: eng.langPath, gzip: eng.gzip, cacheMethod: 'none', logger: () => undefined, errorHandler: () => undefined });
}

interface Block {
  paragraphs: Array<{ lines: Array<{ text: string; words: Array<{ text: string; confidence: number; bbox: OcrWord['box'] }> }> }>;
}

/** Recognizes the text of an image file (PNG, JPEG, TIFF…), with word boxes and confidence. */
export async function recognize(image: string | Uint8Array): Promise<OcrResult> {
  recognizer ??= start();
  const worker = await recognizer;
  const input = typeof image === 'string' ? image : Buffer.from(image);
  const { data } = await worker.recognize(input, {}, { blocks: true, text: true });
  const lines: string[] = [];
  const words: OcrWord[] = [];
  for (const block of (data.blocks ?? []) as unknown as Block[]) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        const text = line.text.trim();
        if (text) lines.push(text);
        for (const w of line.words) if (w.text.trim()) words.push({ text: w.text.trim(), confidence: w.confidence, box: w.bbox });
      }
    }
  }
  const confidence = words.length ? words.reduce((sum, w) => sum + w.confidence, 0) / words.length : 0;
  return { words, lines, confidence };
}

/** Stops the recognizer (a worker's job is done). */
export async function stopRecognizer(): Promise<void> {
  const r = recognizer;
  recognizer = null;
  if (r) await (await r).terminate();
}
