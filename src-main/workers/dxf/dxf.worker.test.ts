/** The DXF worker through the extraction pool, in a real worker thread. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../pool';
import { corpusAvailable, corpusPath } from '../testing/corpus';
import type { DxfExtraction } from './dxf-extract';
import type { DxfJob } from './dxf.worker';

const pool = new WorkerPool<DxfJob, DxfExtraction>({ url: new URL('./dxf.worker.ts', import.meta.url), size: 1, timeMs: 20_000, heapMb: 256 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baseplate-dxf-'));
const tmp = { file: (name: string): string => path.join(dir, name) };
afterAll(async () => {
  await pool.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('DXF worker', () => {
  it.runIf(corpusAvailable())('extracts a corpus drawing in a worker thread', async () => {
    const x = await pool.run({ path: corpusPath('dxf/Ceco.NET-Architecture-Tm-53.dxf') });
    expect(x.dxf.version).toBe('AC1015');
    expect(x.dimensions.map((d) => d.text)).toEqual(['4.30', '5.05', '4.10', 'R1.08', '2.04', '1.10']);
  });

  it('reads a file in the Windows code page, and fails a file that is not DXF or is missing, naming it', async () => {
    const latin = tmp.file('alt.dxf');
    const dxf = '  0\nSECTION\n  2\nHEADER\n  9\n$ACADVER\n  1\nAC1015\n  0\nENDSEC\n  0\nSECTION\n  2\nENTITIES\n  0\nTEXT\n  8\n0\n 10\n0\n 20\n0\n 40\n2.5\n  1\nMaße %%c8\n  0\nENDSEC\n  0\nEOF\n';
    fs.writeFileSync(latin, Buffer.from(dxf, 'latin1'));
    expect((await pool.run({ path: latin })).text).toEqual(['Maße ⌀8']);
    const notDxf = tmp.file('notes.dxf');
    fs.writeFileSync(notDxf, 'hello');
    await expect(pool.run({ path: notDxf })).rejects.toMatchObject({ code: 'EXTRACTION_FAILED', message: 'notes.dxf: not a DXF file (a DXF file starts with a SECTION).' });
    await expect(pool.run({ path: tmp.file('gone.dxf') })).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: 'gone.dxf: no such file.' });
  });
});
