/**
 * PDF pages as PNG images, in the worker: pdf.js (legacy build) draws a page onto a canvas from
 * its own Node canvas factory (@napi-rs/canvas, the version pdfjs-dist depends on, so the canvas,
 * its Path2D and its images all come from one native library), on a white background. A render
 * that takes longer than its time limit is cancelled and fails alone, with its page named.
 */
import type { PageViewport } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy, PDFPageProxy } from '../pdf/pdf-document';

/** Longest side of a thumbnail, px. */
export const THUMBNAIL_SIZE = 512;

/** Resolution pages without a text layer are rendered at for OCR, dots per inch. */
export const OCR_DPI = 300;

/**
 * Pixels a page is rendered with for OCR at most: an A2 sheet at 300 dpi (4961 × 7016 px, 35 Mpx)
 * is about the limit; larger sheets are rendered at less than 300 dpi so that the canvas (4 bytes a
 * pixel) and the recognizer's copies of it stay within a few hundred MB.
 */
export const MAX_OCR_PIXELS = 36e6;

/** A page render longer than this is cancelled (a pathological page must not use up the job's time). */
export const RENDER_TIMEOUT_MS = 20_000;

export interface RenderedPage {
  png: Buffer;
  width: number;
  height: number;
  /** Pixels per PDF point. */
  scale: number;
  /** Maps PDF user space to the image's pixels (and back: `convertToPdfPoint`). */
  viewport: PageViewport;
}

/** What pdf.js's Node canvas factory makes: a @napi-rs/canvas canvas and its 2D context. */
interface NodeCanvas {
  width: number;
  height: number;
  encode(format: 'png'): Promise<Buffer>;
}
type RenderParameters = Parameters<PDFPageProxy['render']>[0];
interface CanvasFactory {
  create(width: number, height: number): { canvas: NodeCanvas; context: unknown };
  destroy(entry: { canvas: NodeCanvas | null; context: unknown }): void;
}

/** The scale at which the page's longest side is `pixels` long. */
export function scaleForLongestSide(page: PDFPageProxy, pixels: number): number {
  const { width, height } = page.getViewport({ scale: 1 });
  return pixels / Math.max(width, height);
}

/** The scale for OCR: `OCR_DPI`, or less for a sheet that would exceed `MAX_OCR_PIXELS`. */
export function ocrScale(page: PDFPageProxy): number {
  const { width, height } = page.getViewport({ scale: 1 });
  const dpi = OCR_DPI / 72;
  return Math.min(dpi, Math.sqrt(MAX_OCR_PIXELS / (width * height)));
}

/** Renders one page at `scale` (pixels per point) and encodes it as PNG. */
export async function renderPage(doc: PDFDocumentProxy, page: PDFPageProxy, scale: number, timeoutMs = RENDER_TIMEOUT_MS): Promise<RenderedPage> {
  const viewport = page.getViewport({ scale });
  const width = Math.max(1, Math.round(viewport.width));
  const height = Math.max(1, Math.round(viewport.height));
  const factory = doc.canvasFactory as CanvasFactory;
  const entry = factory.create(width, height);
  try {
    // A @napi-rs/canvas canvas and context; pdf.js types them as the DOM's.
    const task = page.render({
      canvas: entry.canvas as unknown as RenderParameters['canvas'],
      canvasContext: entry.context as RenderParameters['canvasContext'],
      viewport,
      background: 'white',
    });
    // pdf.js in Node goes on from one slice of drawing to the next in microtasks, so no timer would
    // run before the page is done: each next slice waits for the event loop instead.
    task.onContinue = (next: () => void): void => void setImmediate(next);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      task.cancel();
    }, timeoutMs);
    try {
      await task.promise;
    } catch (e) {
      if (timedOut) throw new Error(`rendering took longer than ${timeoutMs / 1000} s`, { cause: e });
      throw e;
    } finally {
      clearTimeout(timer);
    }
    return { png: await entry.canvas.encode('png'), width, height, scale, viewport };
  } finally {
    factory.destroy(entry);
  }
}
