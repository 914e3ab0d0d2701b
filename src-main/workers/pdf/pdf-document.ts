/**
 * Opening a PDF with pdf.js (the legacy build, which runs in Node), the same way for reading text
 * and for rendering pages. Nothing is fetched: the standard fonts, cMaps, WASM decoders (JPEG 2000,
 * JBIG2) and ICC profiles come from the installed pdfjs-dist package as file paths; eval is off;
 * system fonts are not used. Pages render onto pdf.js's own Node canvas (@napi-rs/canvas, through
 * its NodeCanvasFactory), so every canvas pdf.js makes for a page comes from one library.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

export type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

const requireModule = createRequire(import.meta.url);

let assets: { standardFontDataUrl: string; cMapUrl: string; wasmUrl: string; iccUrl: string } | null = null;

/** pdf.js wants folder "URLs" ending in `/`; a file path so ended is read with fs. */
function pdfjsAssets(): NonNullable<typeof assets> {
  if (assets) return assets;
  const root = path.dirname(requireModule.resolve('pdfjs-dist/package.json'));
  const folder = (name: string): string => `${path.join(root, name)}/`;
  assets = { standardFontDataUrl: folder('standard_fonts'), cMapUrl: folder('cmaps'), wasmUrl: folder('wasm'), iccUrl: folder('iccs') };
  return assets;
}

/** Opens a PDF; `bytes` is handed to pdf.js and cannot be used afterwards. */
export async function openPdf(bytes: Uint8Array): Promise<PDFDocumentProxy> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjs.getDocument({
    data: bytes,
    ...pdfjsAssets(),
    cMapPacked: true,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  }).promise;
}

/** The pdf.js operator codes (`OPS`), for reading a page's operator list. */
export async function pdfOps(): Promise<Record<string, number>> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjs.OPS as unknown as Record<string, number>;
}
