/**
 * Bulk CSV imports (BULK_IMPORT_MIN_ROWS rows and more) run their parsing and shard building in a
 * worker thread. They must give what the in-process import gives: the same records and values, a
 * projection equal to a rebuild from the docs, undo and redo, rows and columns named in errors,
 * nothing committed on failure or cancel, and shards that later edits load and change normally.
 */
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BaseSession } from './base/base-session';
import { WriteLock, type BaseContext } from './base/base-context';
import { checkBase } from './base/base-check';
import { UndoStack } from './undo/undo-stack';
import { BULK_IMPORT_MIN_ROWS, importCsv } from './transfer/csv-import.service';
import { countRecords, getRecord, queryPage } from './records/records-query.service';
import { updateRecords } from './records/records.service';
import { createField } from './schema/fields.service';
import { projectionTable } from './projection/projection-names';
import { makeTempDir } from './testing/temp-dir';
import { EngineError } from '../../src-shared/errors';

let tmp: ReturnType<typeof makeTempDir>;
let ctx: BaseContext;
beforeEach(() => {
  tmp = makeTempDir();
  const session = new BaseSession(tmp.file('bulk.base'), { create: true, actor: 'ada' });
  ctx = { handle: 'b1', session, undo: new UndoStack(), lock: new WriteLock() };
});
afterEach(() => {
  if (!ctx.session.isClosed) ctx.session.close();
  tmp.cleanup();
});

const ROWS = 12_500; // a full shard and a partial one
const STATUS = ['Open', 'Done', 'Hold'];

function row(i: number): string {
  const due = i % 11 === 0 ? '' : `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`;
  return [`P-${i}`, String(i * 2), (i * 0.25).toFixed(2), due, STATUS[i % 3], i % 2 === 0 ? 'yes' : 'no', `"note ${i}, with comma"`].join(',');
}

function writeCsv(name: string, rows: number, edit?: (i: number, line: string) => string): string {
  const lines = ['Part,Qty,Price,Due,Status,Active,Note'];
  for (let i = 0; i < rows; i++) lines.push(edit ? edit(i, row(i)) : row(i));
  const file = tmp.file(name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function docRows(): number {
  return (ctx.session.db.prepare('SELECT count(*) AS n FROM doc_updates').get() as { n: number }).n;
}

describe('bulk CSV import through the worker', () => {
  it('imports every row with the values and types the in-process import gives', async () => {
    expect(ROWS).toBeGreaterThan(BULK_IMPORT_MIN_ROWS);
    const result = await importCsv(ctx, { path: writeCsv('parts.csv', ROWS), table: 'Parts' });
    expect(result.imported).toBe(ROWS);
    expect(result.table.fields.map((f) => [f.name, f.type])).toEqual([
      ['Part', 'singleLineText'], ['Qty', 'number'], ['Price', 'number'], ['Due', 'date'], ['Status', 'singleSelect'], ['Active', 'checkbox'], ['Note', 'singleLineText'],
    ]);
    expect(countRecords(ctx, { table: 'Parts' })).toBe(ROWS);
    // Two shards: a full one and the rest.
    const shards = ctx.session.db.prepare(`SELECT shard, count(*) AS n FROM ${projectionTable(result.table.id)} GROUP BY shard ORDER BY n DESC`).all();
    expect(shards.map((s) => (s as { n: number }).n)).toEqual([10_000, ROWS - 10_000]);
    for (const i of [0, 11, 9_999, 10_000, ROWS - 1]) {
      const page = queryPage(ctx, { table: 'Parts', filter: { and: [{ field: 'Part', op: '=', value: `P-${i}` }] }, keys: 'name' });
      expect(page.records).toHaveLength(1);
      const fields = page.records[0]!.fields;
      expect(fields).toMatchObject({ Part: `P-${i}`, Qty: i * 2, Price: i * 0.25, Status: STATUS[i % 3], Note: `note ${i}, with comma` });
      expect(fields.Active ?? false).toBe(i % 2 === 0);
      if (i % 11 === 0) expect(fields.Due).toBeUndefined();
      else expect(fields.Due).toBe(`2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`);
    }
    // Autonumbers run 1..ROWS in file order.
    const last = queryPage(ctx, { table: 'Parts', sorts: [{ field: 'Qty', direction: 'desc' }], limit: 1, keys: 'id' }).records[0]!;
    const n = ctx.session.db.prepare(`SELECT n FROM ${projectionTable(result.table.id)} WHERE id = ?`).get(last.id) as { n: number };
    expect(n.n).toBe(ROWS);
    expect(countRecords(ctx, { table: 'Parts', search: 'note 12499' })).toBe(1);

    // The projection is what the docs say, row by row, and the search index completes consistently.
    expect(checkBase(ctx.session).problems).toEqual([]);
    ctx.session.finishSearch();
    expect(checkBase(ctx.session).problems).toEqual([]);
  });

  it('shards written by the worker load for later edits, and survive reopen and rebuild', async () => {
    const file = ctx.session.file;
    await importCsv(ctx, { path: writeCsv('parts.csv', ROWS), table: 'Parts' });
    const target = queryPage(ctx, { table: 'Parts', filter: { and: [{ field: 'Part', op: '=', value: 'P-10001' }] }, keys: 'id' }).records[0]!;
    updateRecords(ctx, 'Parts', [{ id: target.id, fields: { Qty: -1, Note: 'edited after import' } }]);
    expect(getRecord(ctx, 'Parts', target.id, 'name').fields).toMatchObject({ Qty: -1, Note: 'edited after import' });
    ctx.session.close();

    const session = new BaseSession(file, { actor: 'ada' });
    ctx = { handle: 'b2', session, undo: new UndoStack(), lock: new WriteLock() };
    expect(getRecord(ctx, 'Parts', target.id, 'name').fields).toMatchObject({ Part: 'P-10001', Qty: -1, Note: 'edited after import' });
    const before = queryPage(ctx, { table: 'Parts', sorts: [{ field: 'Qty', direction: 'asc' }], limit: 50, keys: 'name' });
    session.rebuild();
    session.finishSearch();
    expect(queryPage(ctx, { table: 'Parts', sorts: [{ field: 'Qty', direction: 'asc' }], limit: 50, keys: 'name' })).toEqual(before);
    expect(checkBase(session).problems).toEqual([]);
  });

  it('appends to an existing table: autonumbers continue, new shards are added', async () => {
    await importCsv(ctx, { path: writeCsv('a.csv', 20), table: 'Parts' });
    const result = await importCsv(ctx, { path: writeCsv('b.csv', ROWS), table: 'Parts' });
    expect(result.imported).toBe(ROWS);
    expect(countRecords(ctx, { table: 'Parts' })).toBe(ROWS + 20);
    const max = ctx.session.db.prepare(`SELECT max(n) AS n, count(DISTINCT n) AS d FROM ${projectionTable(result.table.id)}`).get() as { n: number; d: number };
    expect(max).toEqual({ n: ROWS + 20, d: ROWS + 20 });
    expect(checkBase(ctx.session).problems).toEqual([]);
  });

  it('projects fields no column goes to (computed or not) as a rebuild from the docs would', async () => {
    await importCsv(ctx, { path: writeCsv('a.csv', 20), table: 'Parts' });
    createField(ctx, 'Parts', { name: 'No.', type: 'autonumber' });
    createField(ctx, 'Parts', { name: 'Created', type: 'createdTime' });
    createField(ctx, 'Parts', { name: 'Modified', type: 'lastModifiedTime' });
    createField(ctx, 'Parts', { name: 'Owner', type: 'singleLineText' });
    // A file with a computed column (skipped: its values can't be set) and without Note.
    const file = tmp.file('more.csv');
    const lines = ['Part,No.,Qty,Status'];
    for (let i = 0; i < ROWS; i++) lines.push(`Q-${i},${i},${i},${STATUS[i % 3]}`);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const result = await importCsv(ctx, { path: file, table: 'Parts' });
    expect(result.imported).toBe(ROWS);
    const rec = queryPage(ctx, { table: 'Parts', filter: { and: [{ field: 'Part', op: '=', value: 'Q-5' }] }, keys: 'name' }).records[0]!;
    expect(rec.fields).toMatchObject({ Part: 'Q-5', Qty: 5, Status: 'Hold', 'No.': 26 });
    expect(rec.fields.Created).toBe(rec.fields.Modified);
    expect(rec.fields.Owner).toBeUndefined();
    expect(rec.fields.Note).toBeUndefined();
    expect(checkBase(ctx.session).problems).toEqual([]);
  });

  it('undo removes the imported table; redo brings back the same records', async () => {
    await importCsv(ctx, { path: writeCsv('parts.csv', ROWS), table: 'Parts' });
    const ids = queryPage(ctx, { table: 'Parts', limit: 100_000, keys: 'id' }).records.map((r) => r.id).sort();
    ctx.undo.undo(ctx.session);
    expect(ctx.session.schema().tables).toEqual([]);
    ctx.undo.redo(ctx.session);
    expect(queryPage(ctx, { table: 'Parts', limit: 100_000, keys: 'id' }).records.map((r) => r.id).sort()).toEqual(ids);
    expect(checkBase(ctx.session).problems).toEqual([]);
  });

  it('a value that does not fit its column fails the import naming row and column; nothing is committed', async () => {
    // Inferred as a number column from a full pass, then given a plan that makes one row invalid.
    const file = writeCsv('bad.csv', ROWS, (i, line) => (i === 11_000 ? line.replace(`,${i * 2},`, ',lots,') : line));
    const updatesBefore = docRows();
    const columns = [
      { name: 'Part', type: 'singleLineText' as const },
      { name: 'Qty', type: 'number' as const },
      { name: 'Price', type: 'number' as const },
      { name: 'Due', type: 'date' as const },
      { name: 'Status', type: 'singleLineText' as const },
      { name: 'Active', type: 'checkbox' as const },
      { name: 'Note', type: 'longText' as const },
    ];
    const failure = await importCsv(ctx, { path: file, table: 'Parts', columns }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(EngineError);
    expect(failure).toMatchObject({ code: 'INVALID_VALUE', details: { row: 11_002, column: 'Qty' } });
    expect((failure as Error).message).toMatch(/Row 11002, column 'Qty'.*Nothing was imported/);
    expect(ctx.session.schema().tables).toEqual([]);
    expect(docRows()).toBe(updatesBefore);
    expect(checkBase(ctx.session).problems).toEqual([]);
  });

  it('cancelling stops the worker and commits nothing', async () => {
    const controller = new AbortController();
    let cancelledAt = 0;
    const failure = await importCsv(ctx, {
      path: writeCsv('parts.csv', ROWS * 2),
      table: 'Parts',
      signal: controller.signal,
      onProgress: (done, total, phase) => {
        if (phase === 'importing' && done > total / 3 && !controller.signal.aborted) {
          cancelledAt = done;
          controller.abort();
        }
      },
    }).catch((e: unknown) => e);
    expect(cancelledAt).toBeGreaterThan(0);
    expect(failure).toMatchObject({ code: 'CANCELLED' });
    expect(ctx.session.schema().tables).toEqual([]);
    expect(checkBase(ctx.session).problems).toEqual([]);
  });
});
