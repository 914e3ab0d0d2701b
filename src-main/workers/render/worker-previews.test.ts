/**
 * Previews and OCR'd pages through the extraction pool, in real worker threads (the way the
 * engine reads a dropped drawing): a job with an `outDir` gets its PNG thumbnails written there and
 * listed in `previews`; a scanned PDF page is read by OCR inside the worker.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../pool';
import type { FileExtraction } from '../extract/file-extraction';
import type { ExtractJob } from '../extract/extract.worker';
import { pngSize, scanPng, writePdf } from '../pdf/test-pdfs';
import { corpusAvailable, corpusPath } from '../testing/corpus';

const pool = new WorkerPool<ExtractJob, FileExtraction>({ url: new URL('../extract/extract.worker.ts', import.meta.url), size: 1, timeMs: 60_000, heapMb: 512 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baseplate-previews-'));
afterAll(async () => {
  await pool.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
const outDir = (name: string): string => {
  const d = path.join(dir, name);
  fs.mkdirSync(d);
  return d;
};

describe('previews from the extraction worker', () => {
  it('writes a thumbnail per page of a PDF with a text page and a scanned page, and reads the scan by OCR', async () => {
    const scan = await scanPng([{ text: 'DRAWING NO.', x: 330, y: 740, size: 7 }, { text: 'BP-4711', x: 330, y: 760, size: 14 }, { text: 'Ø20 ±0,1', x: 200, y: 300, size: 12 }], { dpi: 200 });
    const file = path.join(dir, 'mixed.pdf');
    fs.writeFileSync(file, await writePdf([{ texts: [{ text: 'GENERAL NOTES: BREAK ALL SHARP EDGES', x: 60, y: 780 }] }, { image: scan }]));
    const out = outDir('mixed');
    const x = await pool.run({ path: file, outDir: out });
    expect(x).toMatchObject({ kind: 'pdf', pages: 2, ocrPages: [2], titleBlock: { drawingNumber: 'BP-4711' }, previews: { thumbnails: ['page-1.png', 'page-2.png'] } });
    expect(x.textPages).toEqual([1, ...x.text.slice(1).map(() => 2)]);
    expect(x.dimensions.map((d) => d.text)).toEqual(['⌀20±0,1']);
    for (const name of x.previews!.thumbnails) expect(pngSize(fs.readFileSync(path.join(out, name))).height).toBe(512);
    expect(x.warnings).toBeUndefined();
  }, 60_000);

  it('writes thumb.png for an image drawing', async () => {
    const file = path.join(dir, 'sheet.png');
    fs.writeFileSync(file, await scanPng([{ text: 'DRAWING NO. BP-4712', x: 60, y: 100, size: 14 }], { dpi: 100 }));
    const out = outDir('image');
    const x = await pool.run({ path: file, outDir: out });
    expect(x).toMatchObject({ kind: 'image', previews: { thumbnails: ['thumb.png'] } });
    expect(x.textPages).toBeUndefined();
    expect(pngSize(fs.readFileSync(path.join(out, 'thumb.png')))).toEqual({ width: 362, height: 512 });
  }, 60_000);

  it.runIf(corpusAvailable())('writes the Gripper’s page thumbnail beside its reading', async () => {
    const out = outDir('gripper');
    const x = await pool.run({ path: corpusPath('pdf/Gripper.PDF'), outDir: out });
    expect(x).toMatchObject({ kind: 'pdf', titleBlock: { drawingNumber: 'UR10_29.20' }, previews: { thumbnails: ['page-1.png'] }, tables: [] });
    expect(x.ocrPages).toBeUndefined();
    expect(fs.readdirSync(out)).toEqual(['page-1.png']);
  });
});
