import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { ShardWriter } from './shard-update';
import { cellsMap, createRecord, layoutKey, layoutsMap, readRecord, recordIds, recordReader, recordsMap, setCell, type PackedRecordBase } from './table-doc';
import type { CellValue } from '../schema/schema.types';

const FIELDS = ['fldAAAAAAAAAAAAAA', 'fldBBBBBBBBBBBBBB', 'fldCCCCCCCCCCCCCC', 'fldDDDDDDDDDDDDDD', 'fldEEEEEEEEEEEEEE'];
const KEY = layoutKey(FIELDS);

const NUMBERS = [0, -0, 1, -1, 63, 64, -64, 127, 128, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 53, 1.5, 0.1, -3.25e-7, 1e300, Number.MIN_VALUE];

type Cells = Array<CellValue | null | undefined>;

/** Records as cells in field order (some empty), and the packed record each should become. */
function sample(count: number): { ids: string[]; cells: Cells[]; bases: PackedRecordBase[] } {
  const ids: string[] = [];
  const cells: Cells[] = [];
  const bases: PackedRecordBase[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(`rec${String(i).padStart(14, '0')}`);
    const row: Cells = i % 3 === 0 ? [null, undefined, null, null, null] : [`text ${i} déjà`, i % 5 === 0 ? null : i * 1.5, i % 2 === 0, ['a', 'b'], { x: null }];
    // Every kind of value lib0 encodes differently: integers in and out of 31 bits, -0, floats that
    // are and are not exact in 32 bits, unicode, long strings (the buffer grows), nesting.
    if (i >= 20 && i < 20 + NUMBERS.length) row[1] = NUMBERS[i - 20]!;
    if (i === 7) row[0] = 'x'.repeat(100_000) + '☃';
    if (i === 8) row[4] = { ключ: ['', { n: [1, -2.5, null, true] }], e: {} };
    if (i === 10) row[3] = ['🙂 emoji', 'a'.repeat(300)];
    if (i === 11) row[0] = 'lone \ud800 and \udc00, a pair 🙂, end \ud83d';
    cells.push(row);
    bases.push({ c: 1_700_000_000_000 + i, n: i + 1, l: KEY, a: row.map((v) => v ?? null) });
  }
  return { ids, cells, bases };
}

function encodeNewShard(clientId: number, ids: string[], cells: Cells[], bases: PackedRecordBase[]): Uint8Array {
  const w = new ShardWriter(clientId, FIELDS);
  ids.forEach((id, i) => w.add(id, bases[i]!.c, bases[i]!.n, cells[i]!));
  expect(w.size).toBe(ids.length);
  return w.finish();
}

describe('ShardWriter', () => {
  it('gives byte for byte the update Yjs emits for the layout and then the records set in a fresh doc', () => {
    const { ids, cells, bases } = sample(300);
    const doc = new Y.Doc();
    doc.clientID = 123456789;
    let emitted: Uint8Array | null = null;
    doc.on('update', (u: Uint8Array) => (emitted = u));
    doc.transact(() => {
      layoutsMap(doc).set(KEY, FIELDS);
      ids.forEach((id, i) => recordsMap(doc).set(id, bases[i]!));
    });
    const mine = encodeNewShard(123456789, ids, cells, bases);
    expect(Buffer.from(mine).equals(Buffer.from(emitted!))).toBe(true);
    expect(Buffer.from(mine).equals(Buffer.from(Y.encodeStateAsUpdate(doc)))).toBe(true);
  });

  it('stores the field ids once, not once per record', () => {
    const { ids, cells, bases } = sample(1000);
    const bytes = encodeNewShard(1, ids, cells, bases).length;
    const unpacked = new Y.Doc();
    unpacked.transact(() =>
      ids.forEach((id, i) => {
        const v: Record<string, CellValue> = {};
        cells[i]!.forEach((value, k) => {
          if (value != null) v[FIELDS[k]!] = value;
        });
        createRecord(unpacked, id, { c: bases[i]!.c, n: bases[i]!.n, v });
      }),
    );
    // Saved: a key per non-empty cell; spent: the layout reference and a byte per empty cell, per record.
    const idBytes = cells.reduce((sum, row) => sum + row.filter((v) => v != null).length * (FIELDS[0]!.length + 1), 0);
    const perRecordCost = `la${KEY}`.length + 4 + 2 + FIELDS.length;
    expect(Y.encodeStateAsUpdate(unpacked).length - bytes).toBeGreaterThanOrEqual(idBytes - perRecordCost * ids.length);
  });

  it('loads into a doc holding exactly those records, which then edits and merges like any other', () => {
    const { ids, cells, bases } = sample(50);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, encodeNewShard(42, ids, cells, bases));
    expect([...recordIds(doc)].sort()).toEqual([...ids].sort());
    const rec = readRecord(doc, ids[4]!, ['fldAAAAAAAAAAAAAA', 'fldBBBBBBBBBBBBBB', 'fldCCCCCCCCCCCCCC', 'fldDDDDDDDDDDDDDD', 'fldEEEEEEEEEEEEEE'])!;
    expect(rec).toEqual({
      createdAt: bases[4]!.c,
      autonumber: 5,
      values: { fldAAAAAAAAAAAAAA: 'text 4 déjà', fldBBBBBBBBBBBBBB: 6, fldCCCCCCCCCCCCCC: true, fldDDDDDDDDDDDDDD: ['a', 'b'], fldEEEEEEEEEEEEEE: { x: null } },
      editedAt: {},
    });
    expect(readRecord(doc, ids[3]!, FIELDS)!.values).toEqual(Object.fromEntries(FIELDS.map((f) => [f, null])));
    // A replica that edits a cell converges with one that received only the shard.
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    setCell(doc, ids[4]!, 'fldAAAAAAAAAAAAAA', 'edited', 1);
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(other)));
    expect(readRecord(other, ids[4]!, ['fldAAAAAAAAAAAAAA'])!.values.fldAAAAAAAAAAAAAA).toBe('edited');
  });

  it('an empty shard holds its layout and no records', () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, new ShardWriter(7, FIELDS).finish());
    expect([...recordIds(doc)]).toEqual([]);
    expect(layoutsMap(doc).get(KEY)).toEqual(FIELDS);
  });

  it('refuses a row with fewer cells than the layout, and a value that is not JSON', () => {
    const w = new ShardWriter(1, FIELDS);
    expect(() => w.add('recA', 1, 1, ['x'])).toThrow('fewer cells');
    expect(() => w.add('recB', 1, 1, [new Date() as unknown as CellValue, null, null, null, null])).toThrow('not plain JSON');
  });
});

describe('reading packed and unpacked records', () => {
  it('reads both shapes in one doc, fields missing from a layout as empty, overrides over either', () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, encodeNewShard(3, ['recPacked'], [['p', 2, true, null, null]], [{ c: 10, n: 1, l: KEY, a: [] }]));
    createRecord(doc, 'recById', { c: 20, n: 2, v: { fldAAAAAAAAAAAAAA: 'v', fldZZZZZZZZZZZZZZ: 9 } });
    const fields = ['fldAAAAAAAAAAAAAA', 'fldBBBBBBBBBBBBBB', 'fldZZZZZZZZZZZZZZ'];
    const read = recordReader(doc, fields);
    expect(read('recPacked')).toEqual({ createdAt: 10, autonumber: 1, values: { fldAAAAAAAAAAAAAA: 'p', fldBBBBBBBBBBBBBB: 2, fldZZZZZZZZZZZZZZ: null }, editedAt: {} });
    expect(read('recById')!.values).toEqual({ fldAAAAAAAAAAAAAA: 'v', fldBBBBBBBBBBBBBB: null, fldZZZZZZZZZZZZZZ: 9 });
    setCell(doc, 'recPacked', 'fldBBBBBBBBBBBBBB', 3, 99);
    expect(recordReader(doc, fields)('recPacked')).toMatchObject({ values: { fldBBBBBBBBBBBBBB: 3 }, editedAt: { fldBBBBBBBBBBBBBB: 99 } });
    expect(cellsMap(doc).size).toBe(1);
  });

  it('reads a record whose layout is unknown, or whose shape is neither, as empty rather than failing', () => {
    const doc = new Y.Doc();
    recordsMap(doc).set('recLost', { c: 1, n: 1, l: 'Lnope', a: ['x'] });
    recordsMap(doc).set('recOdd', { c: 2, n: 2 } as unknown as PackedRecordBase);
    const read = recordReader(doc, FIELDS);
    expect(Object.values(read('recLost')!.values).every((v) => v === null)).toBe(true);
    expect(Object.values(read('recOdd')!.values).every((v) => v === null)).toBe(true);
  });

  it('names a layout by its content: same ids, same key; other ids or order, another key', () => {
    expect(layoutKey([...FIELDS])).toBe(KEY);
    expect(layoutKey([...FIELDS].reverse())).not.toBe(KEY);
    expect(layoutKey(FIELDS.slice(1))).not.toBe(KEY);
    expect(layoutKey(['fldAB', 'fldC'])).not.toBe(layoutKey(['fldA', 'fldBC']));
    expect(KEY).toMatch(/^L[0-9a-z]{14}$/);
  });
});
