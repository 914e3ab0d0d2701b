/**
 * Drawings through the extraction pool, in real worker threads: corpus files and drawings written
 * here (a DXF with a title block as attributes, a feature control frame, a tolerance and a thread).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../pool';
import { corpusAvailable, corpusPath } from '../testing/corpus';
import type { FileExtraction } from './file-extraction';
import type { ExtractJob } from './extract.worker';

const pool = new WorkerPool<ExtractJob, FileExtraction>({ url: new URL('./extract.worker.ts', import.meta.url), size: 2, timeMs: 30_000, heapMb: 512 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baseplate-extract-'));
const file = (name: string): string => path.join(dir, name);
afterAll(async () => {
  await pool.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A small DXF writer: groups as (code, value) pairs. */
function dxf(sections: Array<[string, Array<[number, string | number]>]>): string {
  const lines: string[] = [];
  for (const [name, groups] of sections) {
    lines.push('0', 'SECTION', '2', name);
    for (const [code, value] of groups) lines.push(String(code), String(value));
    lines.push('0', 'ENDSEC');
  }
  lines.push('0', 'EOF');
  return lines.join('\n') + '\n';
}

describe('extraction worker', () => {
  it.runIf(corpusAvailable())('extracts corpus drawings, DXF and PDF, side by side', async () => {
    const [ceco, gripper] = await Promise.all([pool.run({ path: corpusPath('dxf/Ceco.NET-Architecture-Tm-53.dxf') }), pool.run({ path: corpusPath('pdf/Gripper.PDF') })]);
    expect(ceco).toMatchObject({ kind: 'dxf', dxf: { version: 'AC1015', units: 'meters' } });
    expect(ceco.dimensions[3]).toEqual({ text: 'R1.08', kind: 'radius', value: 1.08, unit: 'm', tolerance: null });
    expect(gripper).toMatchObject({ kind: 'pdf', pages: 1, titleBlock: { drawingNumber: 'UR10_29.20', material: 'PLA' }, surfaceFinish: ['Ra 12'] });
    expect(gripper.dimensions).toContainEqual({ text: '70.50 ±0.05', kind: 'linear', value: 70.5, unit: 'mm', tolerance: { type: 'symmetric', upper: 0.05, lower: -0.05 } });
    // Tolerance stacks and limits the PDF writes in pieces come back whole (the manifest's list; ⌀ is a drawn symbol there).
    const texts = gripper.dimensions.map((d) => d.text);
    expect(texts).toEqual(expect.arrayContaining(['4x 6.60 +0.40/-0.10', '35.36 +0.03/-0.03', '16.00/15.50', '8.20/8.00', '6.15/6.00', 'R1.00 ±0.10']));
    expect(gripper.dimensions.find((d) => d.text.startsWith('4x'))).toMatchObject({ value: 6.6, tolerance: { type: 'deviation', upper: 0.4, lower: -0.1 } });
    expect(gripper.dimensions.find((d) => d.text === '16.00/15.50')).toMatchObject({ value: 15.75, tolerance: { type: 'limits', upper: 16, lower: 15.5 } });
    // No stray pieces left over as dimensions of their own.
    expect(texts.filter((t) => ['0.40', '0.10', '0.03', '15.50', '8.00', '6.00'].includes(t))).toEqual([]);
  });

  it.runIf(corpusAvailable())('reads a scanned drawing by OCR, offline: words with boxes and confidence, dimensions among them', async () => {
    const x = await pool.run({ path: corpusPath('img/Candle_holder.jpg') });
    expect(x.kind).toBe('image');
    expect(x.ocr!.words.length).toBeGreaterThan(30);
    for (const w of x.ocr!.words) {
      expect(w.confidence).toBeGreaterThanOrEqual(0);
      expect(w.box.x1).toBeGreaterThan(w.box.x0);
    }
    expect(x.text).toContain('UNLESS OTHERWISE SPECIFIED,');
    // Of the labels the manifest lists, these come through (⌀ and ± as OCR misreads them, put right).
    expect(x.dimensions).toEqual(
      expect.arrayContaining([
        { text: '⌀21,5±0,1', kind: 'diameter', value: 21.5, unit: 'mm', tolerance: { type: 'symmetric', upper: 0.1, lower: -0.1 } },
        { text: '(25,5)', kind: 'linear', value: 25.5, unit: 'mm', tolerance: { type: 'reference' } },
        { text: '⌀38 H12', kind: 'diameter', value: 38, unit: 'mm', tolerance: { type: 'fit', fit: 'H12' } },
      ]),
    );
  }, 60_000);

  it('reads a written DXF: title block attributes, a feature control frame, a toleranced dimension and a thread', async () => {
    const written = file('bracket.dxf');
    fs.writeFileSync(
      written,
      dxf([
        ['HEADER', [[9, '$ACADVER'], [1, 'AC1015'], [9, '$INSUNITS'], [70, 4]]],
        ['BLOCKS', [[0, 'BLOCK'], [8, '0'], [2, 'TB'], [70, 2], [10, 0], [20, 0], [30, 0], [0, 'TEXT'], [8, '0'], [10, 0], [20, 5], [40, 2.5], [1, 'DRAWING NO.'], [0, 'ENDBLK'], [8, '0']]],
        [
          'ENTITIES',
          [
            [0, 'INSERT'], [8, 'TITLE'], [66, 1], [2, 'TB'], [10, 100], [20, 10], [30, 0],
            [0, 'ATTRIB'], [8, 'TITLE'], [10, 100], [20, 10], [40, 3.5], [1, 'BR-2041'], [2, 'DWG_NO'], [70, 0],
            [0, 'ATTRIB'], [8, 'TITLE'], [10, 100], [20, 4], [40, 3.5], [1, 'S235JR'], [2, 'MATERIAL'], [70, 0],
            [0, 'SEQEND'], [8, 'TITLE'],
            [0, 'TOLERANCE'], [8, '0'], [3, 'Standard'], [10, 40], [20, 40], [30, 0], [1, '{\\Fgdt;j}%%v{\\Fgdt;n}0.05{\\Fgdt;m}%%vA%%vB'],
            [0, 'MTEXT'], [8, '0'], [10, 10], [20, 60], [30, 0], [40, 2.5], [1, '4 x M8x1.25-6H THRU, Ra 3,2'],
            [0, 'DIMENSION'], [8, '0'], [2, '*D1'], [10, 0], [20, 0], [30, 0], [70, 0], [42, 25], [1, '<> ±0.1'],
          ],
        ],
      ]),
    );
    const x = await pool.run({ path: written });
    expect(x.titleBlock).toMatchObject({ drawingNumber: 'BR-2041', material: 'S235JR' });
    expect(x.gdt).toEqual([{ text: '⌖ | ⌀0.05Ⓜ | A | B', characteristic: 'position', tolerance: '⌀0.05Ⓜ', datums: ['A', 'B'] }]);
    // No $DIMDEC in the file: AutoCAD's default of 4 decimals.
    expect(x.dimensions).toEqual([{ text: '25.0000 ±0.1', kind: 'linear', value: 25, unit: 'mm', tolerance: { type: 'symmetric', upper: 0.1, lower: -0.1 } }]);
    expect(x.threads).toEqual([{ text: '4 x M8x1.25-6H', designation: 'M8x1.25-6H', count: 4 }]);
    expect(x.surfaceFinish).toEqual(['Ra 3.2']);
    expect(x.text).toEqual(['4 x M8x1.25-6H THRU, Ra 3,2', 'DRAWING NO.', 'BR-2041', 'S235JR']);
  });

  it('reads a file in the Windows code page, and fails what is not a drawing, naming it', async () => {
    const latin = file('alt.dxf');
    fs.writeFileSync(latin, Buffer.from(dxf([['ENTITIES', [[0, 'TEXT'], [8, '0'], [10, 0], [20, 0], [40, 2.5], [1, 'Maße %%c8']]]]), 'latin1'));
    expect((await pool.run({ path: latin })).text).toEqual(['Maße ⌀8']);
    fs.writeFileSync(file('notes.dxf'), 'hello');
    await expect(pool.run({ path: file('notes.dxf') })).rejects.toMatchObject({ code: 'EXTRACTION_FAILED', message: 'notes.dxf: not a drawing this version reads (DXF, PDF, PNG, JPEG or TIFF).' });
    fs.writeFileSync(file('broken.pdf'), '%PDF-1.7\nnothing more');
    await expect(pool.run({ path: file('broken.pdf') })).rejects.toMatchObject({ code: 'EXTRACTION_FAILED', message: expect.stringMatching(/^broken\.pdf: the PDF could not be read/) });
    await expect(pool.run({ path: file('gone.dxf') })).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: 'gone.dxf: no such file.' });
  });

  it('refuses a picture too large to decode by the size its header gives, before decoding it', async () => {
    // A PNG header claiming 20,000 × 20,000 pixels (400 megapixels), and nothing more.
    const head = Buffer.alloc(33);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]).copy(head);
    head.writeUInt32BE(20_000, 16);
    head.writeUInt32BE(20_000, 20);
    fs.writeFileSync(file('huge.png'), head);
    await expect(pool.run({ path: file('huge.png') })).rejects.toMatchObject({
      code: 'EXTRACTION_FAILED',
      message: 'huge.png: 20000 × 20000 pixels is more than a picture may be (200 megapixels); scan it at a lower resolution.',
    });
  });
});
