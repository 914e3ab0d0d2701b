import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineClient } from '../../src-shared/api/engine.contract';
import { makeTempDir } from './testing/temp-dir';
import { inProcessClient } from './testing/engine-client';
import type { Engine } from './engine';

let tmp: ReturnType<typeof makeTempDir>;
let engine: Engine;
let api: EngineClient;
let base: string;

beforeEach(async () => {
  tmp = makeTempDir();
  ({ engine, client: api } = inProcessClient({ actor: 'ada' }));
  base = (await api['base.create']({ path: tmp.file('c.base') })).base;
});
afterEach(() => {
  engine.close();
  tmp.cleanup();
});

function csv(name: string, text: string | Buffer): string {
  const p = tmp.file(name);
  fs.writeFileSync(p, text);
  return p;
}

const PARTS = [
  'Part,Qty,Price,Due,Status,Email',
  ...Array.from({ length: 30 }, (_, i) =>
    [`P-${i}`, String(i * 3), `$${(i * 1.25).toFixed(2)}`, `2024-01-${String((i % 28) + 1).padStart(2, '0')}`, ['Open', 'Done', 'Hold'][i % 3], `p${i}@example.com`].join(','),
  ),
].join('\n');

describe('CSV import', () => {
  it('previews with inferred types over the whole file', async () => {
    const p = await api['csv.preview']({ base, path: csv('parts.csv', PARTS), rows: 3 });
    expect(p.header).toEqual(['Part', 'Qty', 'Price', 'Due', 'Status', 'Email']);
    expect(p.rows).toHaveLength(3);
    expect(p.rowCount).toBe(30);
    expect(p.columns.map((c) => c.type)).toEqual(['singleLineText', 'number', 'currency', 'date', 'singleSelect', 'email']);
  });

  it('imports into a new table with typed fields, and undo removes the import', async () => {
    const r = await api['csv.import']({ base, path: csv('parts.csv', PARTS), table: 'Parts' });
    expect(r.imported).toBe(30);
    expect(r.table.fields.map((f) => f.type)).toEqual(['singleLineText', 'number', 'currency', 'date', 'singleSelect', 'email']);
    const page = await api['records.query']({ base, table: 'Parts', keys: 'name', filter: { and: [{ field: 'Status', op: '=', value: 'Hold' }, { field: 'Qty', op: '>', value: 50 }] }, sorts: [{ field: 'Qty', direction: 'asc' }] });
    expect(page.records.map((x) => x.fields.Part)).toEqual(['P-17', 'P-20', 'P-23', 'P-26', 'P-29']);
    expect(page.records[0]!.fields).toMatchObject({ Qty: 51, Price: 21.25, Due: '2024-01-18', Email: 'p17@example.com' });
    await api['undo.undo']({ base });
    await expect(api['records.count']({ base, table: 'Parts' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a malformed row fails the import naming row and column, and nothing is committed', async () => {
    await api['table.create']({ base, name: 'Parts', fields: [{ name: 'Part', type: 'singleLineText' }] });
    await api['records.create']({ base, table: 'Parts', records: [{ Part: 'existing' }] });
    const bad = PARTS.split('\n');
    bad[25] = 'P-x,7,"$1.00,2024-01-01,Open,a@b.c';
    await expect(api['csv.import']({ base, path: csv('bad.csv', bad.join('\n')), table: 'Parts' })).rejects.toMatchObject({ code: 'CSV_MALFORMED', message: expect.stringMatching(/row 26/i) });
    const extra = PARTS.split('\n');
    extra[12] = 'P-y,1,$1.00,2024-01-01,Open,a@b.c,surplus';
    await expect(api['csv.import']({ base, path: csv('extra.csv', extra.join('\n')), table: 'New' })).rejects.toMatchObject({ code: 'CSV_MALFORMED', message: expect.stringMatching(/row 13/i) });
    const schema = await api['schema.get']({ base });
    expect(schema.tables.map((t) => t.name)).toEqual(['Parts']);
    expect(schema.tables[0]!.fields.map((f) => f.name)).toEqual(['Part']);
    expect((await api['records.count']({ base, table: 'Parts' })).count).toBe(1);
  });

  it('a value that does not fit a chosen column type names row and column', async () => {
    const text = 'Name,Qty\na,1\nb,2\nc,three\n';
    await expect(
      api['csv.import']({ base, path: csv('q.csv', text), table: 'Q', columns: [{ name: 'Name', type: 'singleLineText' }, { name: 'Qty', type: 'number' }] }),
    ).rejects.toThrow(/Row 4, column 'Qty': 'three' is not a number/);
    expect((await api['schema.get']({ base })).tables).toHaveLength(0);
  });

  it('reads UTF-16 and Latin-1 files and semicolon-delimited ones', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Name;Größe\nWelle;⌀12\n', 'utf16le')]);
    await api['csv.import']({ base, path: csv('u16.csv', utf16), table: 'U' });
    const latin = Buffer.from('Name,Note\nFlansch,"90° ± 0,5"\n', 'latin1');
    await api['csv.import']({ base, path: csv('l1.csv', latin), table: 'L' });
    expect((await api['records.query']({ base, table: 'U', keys: 'name' })).records[0]!.fields).toEqual({ Name: 'Welle', Größe: '⌀12' });
    expect((await api['records.query']({ base, table: 'L', keys: 'name' })).records[0]!.fields).toEqual({ Name: 'Flansch', Note: '90° ± 0,5' });
  });

  it('importing into an existing table appends and matches columns by name', async () => {
    await api['csv.import']({ base, path: csv('a.csv', 'Name,Qty\na,1\n'), table: 'T' });
    await api['csv.import']({ base, path: csv('b.csv', 'qty,Name,Extra\n2,b,x\n'), table: 'T' });
    const page = await api['records.query']({ base, table: 'T', keys: 'name', sorts: [{ field: 'Name', direction: 'asc' }] });
    expect(page.records.map((r) => r.fields)).toEqual([{ Name: 'a', Qty: 1 }, { Name: 'b', Qty: 2, Extra: 'x' }]);
  });
});

describe('CSV export', () => {
  it('honours the view’s filter, sorts, field order and hidden fields, and round-trips', async () => {
    await api['csv.import']({ base, path: csv('parts.csv', PARTS), table: 'Parts' });
    await api['view.create']({
      base, table: 'Parts', name: 'Open',
      filter: { and: [{ field: 'Status', op: '=', value: 'Open' }, { field: 'Qty', op: '<', value: 20 }] },
      sorts: [{ field: 'Qty', direction: 'desc' }],
      fieldOrder: ['Part', 'Price', 'Qty'],
      hidden: ['Email', 'Due'],
    });
    const out = tmp.file('out.csv');
    const r = await api['csv.export']({ base, table: 'Parts', view: 'Open', path: out });
    expect(r.rows).toBe(3);
    expect(fs.readFileSync(out, 'utf8')).toBe('Part,Price,Qty,Status\r\nP-6,$7.50,18,Open\r\nP-3,$3.75,9,Open\r\nP-0,$0.00,0,Open\r\n');
    await api['csv.import']({ base, path: out, table: 'Back' });
    const back = await api['records.query']({ base, table: 'Back', keys: 'name', sorts: [{ field: 'Qty', direction: 'desc' }] });
    expect(back.records.map((x) => x.fields.Price)).toEqual([7.5, 3.75, 0]);
  });
});
