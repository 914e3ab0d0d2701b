/**
 * The search index after bulk writes: an import writes rows first and leaves their indexing to the
 * background; searches find the same records before, during and after; the index ends complete
 * and consistent; a base whose projection predates stored search text is upgraded on open.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BaseSession } from './base/base-session';
import { WriteLock, type BaseContext } from './base/base-context';
import { checkBase } from './base/base-check';
import { UndoStack } from './undo/undo-stack';
import { importCsv } from './transfer/csv-import.service';
import { countRecords, queryPage } from './records/records-query.service';
import { createRecords, updateRecords, deleteRecords } from './records/records.service';
import { makeTempDir } from './testing/temp-dir';
import { inProcessClient } from './testing/engine-client';
import { SEARCH_STEP_ROWS } from './projection/projector';
import { projectionTable, searchTable } from './projection/projection-names';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => tmp.cleanup());

const ROWS = SEARCH_STEP_ROWS * 2 + 500;
const WORDS = ['bolt', 'flange', 'gasket', 'washer', 'bracket'];

/** Rows whose searchable words are known: row i holds WORDS[i % 5], "m<i % 7>" and "n<i>". */
function writeCsv(): string {
  const lines = ['Part,Note,Qty'];
  for (let i = 0; i < ROWS; i++) lines.push(`P-${i},${WORDS[i % 5]} m${i % 7} n${i},${i}`);
  const file = tmp.file('parts.csv');
  fs.writeFileSync(file, lines.join('\n'));
  return file;
}

function expectedCount(word: string, m?: number): number {
  let n = 0;
  for (let i = 0; i < ROWS; i++) if (WORDS[i % 5]!.startsWith(word) && (m === undefined || i % 7 === m)) n++;
  return n;
}

function open(file: string, create: boolean): BaseContext {
  const session = new BaseSession(file, { create, actor: 'ada' });
  return { handle: 'b1', session, undo: new UndoStack(), lock: new WriteLock() };
}

const SEARCHES: Array<[string, number]> = [
  ['bolt', expectedCount('bolt')],
  ['FLAN', expectedCount('flange')],
  ['gasket m3', expectedCount('gasket', 3)],
  ['zzz', 0],
];

function expectSearches(ctx: BaseContext): void {
  for (const [search, count] of SEARCHES) expect(countRecords(ctx, { table: 'Parts', search }), search).toBe(count);
}

describe('search index after a bulk import', () => {
  it('is searchable at once, indexed in steps, and ends consistent', async () => {
    const ctx = open(tmp.file('a.base'), true);
    try {
      await importCsv(ctx, { path: writeCsv(), table: 'Parts' });
      const table = ctx.session.table('Parts');
      expect(ctx.session.projector.backlogTables()).toEqual([table.id]);
      // Nothing is indexed yet, yet every search finds what it should.
      const fts = searchTable(table.id);
      expect(ctx.session.db.prepare(`SELECT count(*) AS n FROM ${fts} WHERE ${fts} MATCH 'bolt*'`).get()).toEqual({ n: 0 });
      expectSearches(ctx);

      // Edits during the backlog: a row above the mark changes, one is added, one deleted.
      const first = queryPage(ctx, { table: 'Parts', search: 'bolt', sorts: [{ field: 'Qty', direction: 'asc' }], limit: 1, keys: 'name' }).records[0]!;
      updateRecords(ctx, 'Parts', [{ id: first.id, fields: { Note: 'pump m9' } }]);
      const [added] = createRecords(ctx, 'Parts', [{ Part: 'X', Note: 'bolt m9' }]);
      const victim = queryPage(ctx, { table: 'Parts', search: 'washer', limit: 1, keys: 'id' }).records[0]!;
      deleteRecords(ctx, 'Parts', [victim.id]);
      const after = (word: string): number => countRecords(ctx, { table: 'Parts', search: word });
      const expectAfterEdits = (): void => {
        expect(after('bolt')).toBe(expectedCount('bolt'));
        expect(after('pump')).toBe(1);
        expect(after('washer')).toBe(expectedCount('washer') - 1);
        expect(after('m9')).toBe(2);
        expect(queryPage(ctx, { table: 'Parts', search: 'bolt m9', keys: 'id' }).records.map((r) => r.id)).toEqual([added]);
      };
      expectAfterEdits();

      // One step indexes part of the backlog; searches stay exact in between.
      expect(ctx.session.searchStep()).toBe(true);
      expect(ctx.session.projector.backlogTables()).toEqual([table.id]);
      expectAfterEdits();
      let steps = 1;
      while (ctx.session.searchStep()) steps++;
      expect(steps).toBeGreaterThanOrEqual(3);
      expect(ctx.session.projector.backlogTables()).toEqual([]);
      expect(ctx.session.db.prepare(`SELECT count(*) AS n FROM ${fts} WHERE ${fts} MATCH 'bolt*'`).get()).toEqual({ n: expectedCount('bolt') });
      expectAfterEdits();
      expect(checkBase(ctx.session).problems).toEqual([]);
    } finally {
      ctx.session.close();
    }
  });

  it('a base closed (or killed) with a backlog reopens with it and completes it', async () => {
    const file = tmp.file('b.base');
    let ctx = open(file, true);
    await importCsv(ctx, { path: writeCsv(), table: 'Parts' });
    ctx.session.searchStep();
    // A kill here: no close. The backlog mark is committed with the rows.
    const copy = tmp.file('killed.base');
    ctx.session.db.exec(`VACUUM INTO '${copy}'`);
    ctx.session.close();
    expect(ctx.session.projector.backlogTables()).toEqual([]);

    ctx = open(copy, false);
    try {
      expect(ctx.session.projector.backlogTables()).toHaveLength(1);
      expectSearches(ctx);
      ctx.session.finishSearch();
      expect(ctx.session.projector.backlogTables()).toEqual([]);
      expectSearches(ctx);
      expect(checkBase(ctx.session).problems).toEqual([]);
    } finally {
      ctx.session.close();
    }
  });

  it('the engine builds the index in the background and reports a healthy base', async () => {
    const { engine, client } = inProcessClient({ actor: 'ada' });
    try {
      const { base } = await client['base.create']({ path: tmp.file('c.base') });
      await client['csv.import']({ base, path: writeCsv(), table: 'Parts' });
      for (const [search, count] of SEARCHES) expect((await client['records.count']({ base, table: 'Parts', search })).count).toBe(count);
      const session = engine.context(base).session;
      const deadline = Date.now() + 20_000;
      while (session.projector.backlogTables().length > 0 || session.projector.unmergedTables().length > 0) {
        if (Date.now() > deadline) throw new Error('background indexing did not finish in 20 s');
        await new Promise((r) => setTimeout(r, 10));
      }
      for (const [search, count] of SEARCHES) expect((await client['records.count']({ base, table: 'Parts', search })).count).toBe(count);
      expect((await client['base.check']({ base })).ok).toBe(true);
    } finally {
      engine.close();
    }
  });
});

describe('bases whose projection predates stored search text', () => {
  it('are projected again on open, and search works', async () => {
    const file = tmp.file('old.base');
    const ctx = open(file, true);
    await importCsv(ctx, { path: writeCsv(), table: 'Parts' });
    const tableId = ctx.session.table('Parts').id;
    ctx.session.close();

    // Turn the projection into the earlier shape: a contentless index, no search_text column.
    const db = new Database(file);
    db.exec(`DROP TABLE ${searchTable(tableId)}`);
    db.exec(`ALTER TABLE ${projectionTable(tableId)} DROP COLUMN search_text`);
    db.exec(`CREATE VIRTUAL TABLE ${searchTable(tableId)} USING fts5(body, content='', contentless_delete=1)`);
    db.close();

    const reopened = open(file, false);
    try {
      expect(reopened.session.projector.hasOutdatedTables()).toBe(false);
      expectSearches(reopened);
      reopened.session.finishSearch();
      expectSearches(reopened);
      expect(checkBase(reopened.session).problems).toEqual([]);
    } finally {
      reopened.session.close();
    }
  });
});
