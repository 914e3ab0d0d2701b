import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../engine/testing/temp-dir';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/baseplate.mjs');
let tmp: ReturnType<typeof makeTempDir>;

async function bp(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: tmp.dir, env: { ...process.env, BASEPLATE_LOG: 'silent' } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}
const lines = (s: string): unknown[] => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

beforeAll(() => {
  tmp = makeTempDir();
  fs.writeFileSync(tmp.file('parts.csv'), 'Name,Qty,Due,Ok\nBolt,4,2024-01-05,yes\nNut,12,2024-02-01,no\nWasher,7,,yes\n');
});
afterAll(() => tmp.cleanup());

describe('baseplate command', () => {
  it('creates a base, imports, inserts, updates, queries, exports, deletes and checks', async () => {
    expect((await bp('base', 'create', 'p.base')).code).toBe(0);
    expect(await bp('import', 'p.base', 'parts.csv', '--table', 'Parts')).toMatchObject({ code: 0 });
    const ins = await bp('insert', 'p.base', '--table', 'Parts', '--json', '{"Name":"Pin","Qty":1,"Due":"2024-03-01"}');
    expect(ins.code).toBe(0);
    const id = ins.stdout.trim();
    expect(id).toMatch(/^rec[0-9A-Za-z]{14}$/);
    expect((await bp('update', 'p.base', '--table', 'Parts', '--id', id, '--json', '{"Qty": 2}')).code).toBe(0);

    const q = await bp('query', 'p.base', '--table', 'Parts', '--filter', '{"and":[{"field":"Qty","op":"<","value":10}]}', '--sort', 'Qty:desc');
    expect(lines(q.stdout)).toEqual([
      { id: expect.any(String), fields: { Name: 'Washer', Qty: 7, Ok: true } },
      { id: expect.any(String), fields: { Name: 'Bolt', Qty: 4, Due: '2024-01-05', Ok: true } },
      { id, fields: { Name: 'Pin', Qty: 2, Due: '2024-03-01' } },
    ]);
    expect(lines((await bp('query', 'p.base', '--table', 'Parts', '--search', 'was', '--count')).stdout)).toEqual([{ count: 1 }]);
    expect(lines((await bp('query', 'p.base', '--table', 'Parts', '--sort', 'Name', '--limit', '1', '--offset', '1')).stdout)).toEqual([
      { id: expect.any(String), fields: { Name: 'Nut', Qty: 12, Due: '2024-02-01' } },
    ]);

    const exp = await bp('export', 'p.base', '--table', 'Parts');
    expect(exp.stdout.split('\r\n')[0]).toBe('Name,Qty,Due,Ok');
    expect(exp.stdout).toContain('Pin,2,2024-03-01,');

    expect((await bp('delete', 'p.base', '--table', 'Parts', '--id', id)).code).toBe(0);
    expect(lines((await bp('query', 'p.base', '--table', 'Parts', '--count')).stdout)).toEqual([{ count: 3 }]);
    const check = await bp('base', 'check', 'p.base');
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ ok: true, tables: [{ name: 'Parts', records: 3 }] });
    expect(JSON.parse((await bp('base', 'rebuild', 'p.base')).stdout)).toMatchObject({ tables: 1, records: 3 });
  });

  it('errors are one actionable line on stderr with a non-zero exit', async () => {
    const missing = await bp('query', 'nope.base', '--table', 'X');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^baseplate: No base at .*nope\.base/);

    fs.writeFileSync(tmp.file('notes.txt'), 'not a base');
    expect((await bp('query', 'notes.txt', '--table', 'X')).stderr).toMatch(/not a Baseplate base/);

    const usage = await bp('query', 'p.base');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--table is required/);

    const badJson = await bp('query', 'p.base', '--table', 'Parts', '--filter', '{oops');
    expect(badJson.code).toBe(1);
    expect(badJson.stderr).toMatch(/--filter is not valid JSON/);

    const badValue = await bp('insert', 'p.base', '--table', 'Parts', '--json', '{"Qty":"lots"}');
    expect(badValue.stderr).toMatch(/field 'Qty': 'lots' is not a number/);
  });

  it('--help lists the commands', async () => {
    const h = await bp('--help');
    expect(h.code).toBe(0);
    for (const cmd of ['base create', 'import', 'insert', 'update', 'delete', 'query', 'export', 'base rebuild', 'base check']) expect(h.stdout).toContain(cmd);
  });
});

describe('baseplate extract', () => {
  const corpus = path.resolve(__dirname, '../../../shared/corpus');
  it.runIf(fs.existsSync(corpus))('prints one JSON object per file in order, an error object for a file that fails, and exits with the number failed', async () => {
    fs.writeFileSync(tmp.file('notes.txt'), 'not a drawing');
    const r = await bp('extract', path.join(corpus, 'pdf/Adapterplatte.PDF'), 'notes.txt', path.join(corpus, 'dxf/acad_table_simple.dxf'), 'missing.pdf', '--json');
    expect(r.code).toBe(2);
    const [pdf, notes, dxf, missing] = lines(r.stdout) as Array<Record<string, unknown>>;
    expect(pdf).toMatchObject({
      file: path.join(corpus, 'pdf/Adapterplatte.PDF'),
      kind: 'pdf',
      pages: 1,
      titleBlock: { title: 'Stahl Adapterplatte', drawingNumber: null, scale: '1:2', sheet: '1 VON 1', format: 'A3', material: 'Stahl', generalTolerance: '+0.1/-0.1' },
      threads: [{ text: '4 x M8', designation: 'M8', count: 4 }],
      gdt: [],
      tables: [],
    });
    for (const key of ['text', 'dimensions', 'surfaceFinish']) expect(Array.isArray(pdf![key]), key).toBe(true);
    expect((pdf!.dimensions as Array<{ text: string }>).map((d) => d.text)).toEqual(expect.arrayContaining(['200,00', '175,00', '160,10', '39,90', '25,00', '0', 'R10,00', '20,00']));
    expect(notes).toEqual({ file: 'notes.txt', error: { code: 'EXTRACTION_FAILED', message: 'notes.txt: not a drawing this version reads (DXF, PDF, PNG, JPEG or TIFF).' } });
    expect(dxf).toMatchObject({ kind: 'dxf', tables: [{ rows: [['Title', '', ''], ['1', '2', '3'], ['4', '5', '6']] }], dxf: { version: 'AC1027', entityCounts: { ACAD_TABLE: 1 } } });
    expect(missing).toEqual({ file: 'missing.pdf', error: { code: 'FILE_NOT_FOUND', message: 'missing.pdf: no such file.' } });
  });

  it('asks for a file', async () => {
    expect(await bp('extract')).toMatchObject({ code: 2, stderr: expect.stringContaining('extract needs at least one FILE') });
  });
});
