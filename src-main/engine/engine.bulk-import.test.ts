/**
 * Bulk CSV imports (BULK_IMPORT_MIN_ROWS rows and more) run their parsing and shard building in a
 * worker thread. They must give what the in-process import gives: the same records and values, a
 * projection equal to a rebuild from the docs, undo and redo, rows and columns named in errors,
 * nothing committed on failure or cancel, and shards that later edits load and change normally.
 */
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BaseSession } from './base/base-session';
import { WriteLock, type BaseContext } from './base/base-context';
import { checkBase } from './base/base-check';
import { UndoStack } from './undo/undo-stack';
import { BULK_IMPORT_MIN_ROWS, importCsv, type SplitOptions } from './transfer/csv-import.service';
import { countRecords, getRecord, queryPage } from './records/records-query.service';
import { updateRecords } from './records/records.service';
import { createField } from './schema/fields.service';
import { ImportWorker } from './transfer/import-worker-client';
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

describe('bulk CSV import in parts', () => {
  const split = (cuts: number[], workerPerPart: boolean): SplitOptions => ({ minBytes: 0, cuts, workerPerPart });
  const inParts = (parts: number): SplitOptions => split(Array.from({ length: parts - 1 }, (_, k) => (k + 1) / parts), true);

  /** Every record of a table in its order (rid), by field name, autonumber included. */
  function recordsOf(table: string): Array<Record<string, unknown>> {
    const t = ctx.session.schema().tables.find((x) => x.name === table)!;
    const rows = ctx.session.db.prepare(`SELECT id, n FROM ${projectionTable(t.id)} ORDER BY rid`).all() as Array<{ id: string; n: number }>;
    return rows.map((r) => ({ n: r.n, ...getRecord(ctx, table, r.id, 'name').fields }));
  }

  // How each split fills shards: a worker per part, shards of its own (three of about a third);
  // one worker for all, as one pass (full shards, then the rest).
  const variants: Array<{ name: string; split: SplitOptions; shards: (sizes: number[]) => void }> = [
    {
      name: 'a worker per part',
      split: inParts(3),
      shards: (sizes) => {
        expect(sizes).toHaveLength(3);
        for (const n of sizes) expect(Math.abs(n - (ROWS * 2) / 3)).toBeLessThan(1000);
      },
    },
    {
      name: 'analyzed in parts, imported by one worker, as on two cores',
      split: split([0.6], false),
      shards: (sizes) => expect(sizes).toEqual([10_000, 10_000, 5_000]),
    },
  ];

  for (const v of variants) {
    it(`gives exactly what one pass gives: types, values, file order, autonumbers (${v.name})`, async () => {
      const file = writeCsv('parts.csv', ROWS * 2);
      const whole = await importCsv(ctx, { path: file, table: 'Whole', split: split([], false) });
      const analyze = vi.spyOn(ImportWorker.prototype, 'analyze');
      const result = await importCsv(ctx, { path: file, table: 'Split', split: v.split });
      // Workers inferred the types of the parts after the first, each ending between rows.
      expect(analyze).toHaveBeenCalledTimes(v.split.cuts.length);
      for (const r of analyze.mock.results) expect(await r.value).toMatchObject({ complete: true });
      analyze.mockRestore();
      expect(result.imported).toBe(ROWS * 2);
      expect(result.table.fields.map((f) => [f.name, f.type, f.type === 'singleSelect' ? null : f.options])).toEqual(
        whole.table.fields.map((f) => [f.name, f.type, f.type === 'singleSelect' ? null : f.options]),
      );
      const a = recordsOf('Whole');
      const b = recordsOf('Split');
      expect(b).toHaveLength(ROWS * 2);
      expect(b).toEqual(a);
      expect(b.map((r) => r.n)).toEqual(Array.from({ length: ROWS * 2 }, (_, i) => i + 1));
      const t = ctx.session.schema().tables.find((x) => x.name === 'Split')!;
      const sizes = (ctx.session.db.prepare(`SELECT count(*) AS n FROM ${projectionTable(t.id)} GROUP BY shard ORDER BY n DESC`).all() as Array<{ n: number }>).map((r) => r.n);
      v.shards(sizes);
      expect(checkBase(ctx.session).problems).toEqual([]);
      ctx.session.finishSearch();
      expect(countRecords(ctx, { table: 'Split', search: 'note 24999' })).toBe(1);
      expect(checkBase(ctx.session).problems).toEqual([]);
    });
  }

  it('reads the file as one part when a cut falls inside a quoted value with line breaks', async () => {
    // A note of many lines in the middle of the file: the cut at half the bytes lands inside it.
    const middle = Math.floor(ROWS / 2);
    const longNote = Array.from({ length: 20_000 }, (_, k) => `line ${k}`).join('\n');
    const file = writeCsv('quoted.csv', ROWS, (i, line) => (i === middle ? line.replace(/"note [^"]*"$/, `"${longNote}"`) : line));
    const size = fs.statSync(file).size;
    const noteStart = fs.readFileSync(file).indexOf('line 0');
    expect(noteStart).toBeLessThan(size / 2);
    expect(noteStart + longNote.length).toBeGreaterThan(size / 2);
    const result = await importCsv(ctx, { path: file, table: 'Parts', split: inParts(2) });
    expect(result.imported).toBe(ROWS);
    const rows = recordsOf('Parts');
    expect(rows[middle]).toMatchObject({ Part: `P-${middle}`, Note: longNote, n: middle + 1 });
    expect(rows[ROWS - 1]).toMatchObject({ Part: `P-${ROWS - 1}`, n: ROWS });
    expect(checkBase(ctx.session).problems).toEqual([]);
  });

  it('names the file row of a bad value in a later part, and commits nothing', async () => {
    // An existing table decides the types; row 20 000 (file line 20 002) does not fit Qty.
    await importCsv(ctx, { path: writeCsv('a.csv', 20), table: 'Parts' });
    const before = recordsOf('Parts');
    const updatesBefore = docRows();
    const file = writeCsv('bad.csv', ROWS * 2, (i, line) => (i === 20_000 ? line.replace(`,${i * 2},`, ',lots,') : line));
    const failure = await importCsv(ctx, { path: file, table: 'Parts', split: inParts(2) }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'INVALID_VALUE', details: { row: 20_002, column: 'Qty' } });
    expect(recordsOf('Parts')).toEqual(before);
    expect(docRows()).toBe(updatesBefore);
    expect(checkBase(ctx.session).problems).toEqual([]);
  });

  it('names the file row of a malformed row in a later part', async () => {
    const file = writeCsv('malformed.csv', ROWS * 2, (i, line) => (i === 21_000 ? line + ',extra' : line));
    const failure = await importCsv(ctx, { path: file, table: 'Parts', split: inParts(2) }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'CSV_MALFORMED', details: { row: 21_002 } });
    expect(ctx.session.schema().tables).toEqual([]);
  });

  it('cancelling stops every worker and commits nothing', async () => {
    const controller = new AbortController();
    let cancelled = false;
    const failure = await importCsv(ctx, {
      path: writeCsv('parts.csv', ROWS * 3),
      table: 'Parts',
      signal: controller.signal,
      split: inParts(3),
      onProgress: (done, total, phase) => {
        if (phase === 'importing' && done > total / 3 && !cancelled) {
          cancelled = true;
          controller.abort();
        }
      },
    }).catch((e: unknown) => e);
    expect(cancelled).toBe(true);
    expect(failure).toMatchObject({ code: 'CANCELLED' });
    expect(ctx.session.schema().tables).toEqual([]);
    expect(checkBase(ctx.session).problems).toEqual([]);
  });
});
