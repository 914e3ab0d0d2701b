/**
 * Previews made in Node: PDF pages rendered by pdf.js onto @napi-rs/canvas as PNG thumbnails
 * (longest side 512 px, one a page up to the cap), image thumbnails (PNG, JPEG; TIFF through the
 * recognizer), and what happens when a page does not render or its thumbnail cannot be written.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCanvas, type Canvas } from '@napi-rs/canvas';
import { afterAll, describe, expect, it } from 'vitest';
import { extractPdf, MAX_THUMBNAIL_PAGES } from '../pdf/pdf-extract';
import { openPdf } from '../pdf/pdf-document';
import { fromPdf } from '../extract/file-extraction';
import { pngSize, writePdf, type TestLine } from '../pdf/test-pdfs';
import { imageThumbnail } from './image-thumbnail';
import { renderPage, scaleForLongestSide, THUMBNAIL_SIZE } from './page-render';
import { readImage } from '../ocr/image-read';
import { stopRecognizer } from '../ocr/ocr';
import { corpusAvailable, corpusPath } from '../testing/corpus';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'baseplate-render-'));
let n = 0;
const freshDir = (): string => fs.mkdtempSync(path.join(root, `out-${n++}-`));
afterAll(async () => {
  await stopRecognizer();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Mean brightness of a PNG (0 black – 255 white), to tell a drawn page from a blank one. */
async function darkPixels(png: Buffer): Promise<number> {
  const { loadImage } = await import('@napi-rs/canvas');
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const data = ctx.getImageData(0, 0, image.width, image.height).data;
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i]! < 128) dark++;
  return dark;
}

/** A minimal TIFF (uncompressed RGB, little-endian) of a canvas's pixels. */
function tiffOf(width: number, height: number, rgba: Uint8ClampedArray): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) [pixels[j], pixels[j + 1], pixels[j + 2]] = [rgba[i]!, rgba[i + 1]!, rgba[i + 2]!];
  const tags: Array<[number, number, number, number]> = [
    [256, 4, 1, width], [257, 4, 1, height], [258, 3, 3, 0], [259, 3, 1, 1], [262, 3, 1, 2],
    [273, 4, 1, 0], [277, 3, 1, 3], [278, 4, 1, height], [279, 4, 1, pixels.length],
  ];
  const ifd = 8;
  const bitsAt = ifd + 2 + tags.length * 12 + 4;
  const dataAt = bitsAt + 6;
  tags[2]![3] = bitsAt;
  tags[5]![3] = dataAt;
  const out = Buffer.alloc(dataAt + pixels.length);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(ifd, 4);
  out.writeUInt16LE(tags.length, ifd);
  tags.forEach(([tag, type, count, value], i) => {
    const at = ifd + 2 + i * 12;
    out.writeUInt16LE(tag, at);
    out.writeUInt16LE(type, at + 2);
    out.writeUInt32LE(count, at + 4);
    if (type === 3 && count === 1) out.writeUInt16LE(value, at + 8);
    else out.writeUInt32LE(value, at + 8);
  });
  for (let i = 0; i < 3; i++) out.writeUInt16LE(8, bitsAt + 2 * i);
  pixels.copy(out, dataAt);
  return out;
}

describe('PDF page thumbnails', () => {
  it('writes page-N.png for each page, longest side 512 px, portrait and landscape, with the drawing on it', async () => {
    const outDir = freshDir();
    const lines: TestLine[] = [{ x0: 50, y0: 50, x1: 1100, y1: 800, width: 4 }];
    const pdf = await writePdf([{ texts: [{ text: 'SHEET ONE', x: 60, y: 700, size: 40 }] }, { width: 1190.55, height: 841.89, lines }]);
    const x = fromPdf('two.pdf', await extractPdf(pdf, { outDir }));
    expect(x.previews).toEqual({ thumbnails: ['page-1.png', 'page-2.png'] });
    expect(fs.readdirSync(outDir).sort()).toEqual(['page-1.png', 'page-2.png']);
    const one = fs.readFileSync(path.join(outDir, 'page-1.png'));
    const two = fs.readFileSync(path.join(outDir, 'page-2.png'));
    expect(pngSize(one)).toEqual({ width: Math.round((595.28 * THUMBNAIL_SIZE) / 841.89), height: 512 });
    expect(pngSize(two)).toEqual({ width: 512, height: Math.round((841.89 * THUMBNAIL_SIZE) / 1190.55) });
    // Text in a standard font (from pdfjs-dist's own font files) and a line are drawn.
    expect(await darkPixels(one)).toBeGreaterThan(200);
    expect(await darkPixels(two)).toBeGreaterThan(200);
    expect(x.warnings).toBeUndefined();
  });

  it(`thumbnails the first ${MAX_THUMBNAIL_PAGES} pages of a longer document, and reads the text of all`, async () => {
    const outDir = freshDir();
    const pages = Array.from({ length: MAX_THUMBNAIL_PAGES + 2 }, (_, i) => ({ width: 200, height: 100, texts: [{ text: `PAGE ${i + 1} OF THE MANUAL`, x: 10, y: 50 }] }));
    const x = fromPdf('manual.pdf', await extractPdf(await writePdf(pages), { outDir }));
    expect(x.previews!.thumbnails).toHaveLength(MAX_THUMBNAIL_PAGES);
    expect(x.previews!.thumbnails.at(-1)).toBe(`page-${MAX_THUMBNAIL_PAGES}.png`);
    expect(x.text.at(-1)).toBe(`PAGE ${MAX_THUMBNAIL_PAGES + 2} OF THE MANUAL`);
    expect(x.textPages!.at(-1)).toBe(MAX_THUMBNAIL_PAGES + 2);
  });

  it('makes no previews without an outDir', async () => {
    const x = fromPdf('one.pdf', await extractPdf(await writePdf([{ texts: [{ text: 'NOTHING TO SEE', x: 60, y: 700 }] }])));
    expect(x.previews).toBeUndefined();
  });

  it('keeps the text of a page whose thumbnail cannot be written, and says which page failed and why', async () => {
    const notAFolder = path.join(root, 'a-file');
    fs.writeFileSync(notAFolder, 'x');
    const x = fromPdf('one.pdf', await extractPdf(await writePdf([{ texts: [{ text: 'DRAWING NO. BP-1', x: 60, y: 700 }] }]), { outDir: notAFolder }));
    expect(x.text).toEqual(['DRAWING NO. BP-1']);
    // The page keeps its place in the list (thumbnail N is page N+1), with no file.
    expect(x.previews).toEqual({ thumbnails: [''] });
    expect(x.warnings).toEqual([expect.stringMatching(/^page 1: no thumbnail \(.*ENOTDIR/)]);
  });

  it('stops making thumbnails when the file has used its thumbnail time, keeping the text of every page', async () => {
    const out = fs.mkdtempSync(path.join(root, 'budget-'));
    const pages = Array.from({ length: 3 }, (_, i) => ({ texts: [{ text: `SHEET ${i + 1}`, x: 60, y: 700 }] }));
    const x = fromPdf('three.pdf', await extractPdf(await writePdf(pages), { outDir: out, thumbnailBudgetMs: 0 }));
    expect(x.text).toEqual(['SHEET 1', 'SHEET 2', 'SHEET 3']);
    expect(x.previews).toEqual({ thumbnails: ['', '', ''] });
    expect(x.warnings).toEqual(['pages 1 and after: no thumbnails (the file\'s thumbnail time of 0 s was used up)']);
  });

  it('cancels a render that takes longer than its time limit, naming the limit', async () => {
    const lines: TestLine[] = Array.from({ length: 20_000 }, (_, i) => ({ x0: (i * 7) % 590, y0: (i * 13) % 840, x1: (i * 11) % 590, y1: (i * 17) % 840, width: 0.3 }));
    const doc = await openPdf(await writePdf([{ lines }]));
    try {
      const page = await doc.getPage(1);
      // Given the time, the page renders; then its drawing instructions are at hand, and rendering
      // it again is all drawing, which must still give way to the time limit.
      expect(pngSize((await renderPage(doc, page, scaleForLongestSide(page, 256))).png)).toMatchObject({ height: 256 });
      await expect(renderPage(doc, page, scaleForLongestSide(page, 2000), 5)).rejects.toThrow('rendering took longer than 0.005 s');
    } finally {
      await doc.destroy();
    }
  });
});

describe('image thumbnails', () => {
  const drawing = (width: number, height: number): Canvas => {
    const canvas = createCanvas(width, height);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = 'white';
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = 'black';
    ctx.fillRect(width / 4, height / 4, width / 2, height / 2);
    return canvas;
  };

  it('scales PNG and JPEG images to a longest side of 512 px, and leaves smaller ones their size', async () => {
    const big = drawing(2000, 1400);
    expect(pngSize(await imageThumbnail(await big.encode('png')))).toEqual({ width: 512, height: Math.round((1400 * 512) / 2000) });
    expect(pngSize(await imageThumbnail(await drawing(900, 1800).encode('jpeg')))).toEqual({ width: 256, height: 512 });
    expect(pngSize(await imageThumbnail(await drawing(300, 200).encode('png')))).toEqual({ width: 300, height: 200 });
    await expect(imageThumbnail(new Uint8Array([1, 2, 3, 4]))).rejects.toThrow();
  });

  it('writes thumb.png for a TIFF from the image the recognizer read (@napi-rs/canvas decodes no TIFF)', async () => {
    const canvas = drawing(1200, 800);
    const tiff = tiffOf(1200, 800, canvas.getContext('2d').getImageData(0, 0, 1200, 800).data);
    await expect(imageThumbnail(tiff)).rejects.toThrow();
    const outDir = freshDir();
    const read = await readImage(tiff, outDir);
    expect(read.thumbnails).toEqual(['thumb.png']);
    expect(read.warnings).toEqual([]);
    const thumb = fs.readFileSync(path.join(outDir, 'thumb.png'));
    expect(pngSize(thumb)).toEqual({ width: 512, height: Math.round((800 * 512) / 1200) });
    expect(await darkPixels(thumb)).toBeGreaterThan(10_000);
  }, 60_000);

  it.runIf(corpusAvailable())('writes thumb.png for the corpus scan (JPEG) beside its OCR', async () => {
    const outDir = freshDir();
    const read = await readImage(new Uint8Array(fs.readFileSync(corpusPath('img/Candle_holder.jpg'))), outDir);
    expect(read.thumbnails).toEqual(['thumb.png']);
    // The scan is 1653 × 2339 px.
    expect(pngSize(fs.readFileSync(path.join(outDir, 'thumb.png')))).toEqual({ width: Math.round((1653 * 512) / 2339), height: 512 });
    expect(read.ocr.lines).toContain('UNLESS OTHERWISE SPECIFIED,');
  }, 60_000);
});
