import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../testing/temp-dir';
import { BaseSession } from './base-session';
import { WriteLock, type BaseContext } from './base-context';
import { UndoStack } from '../undo/undo-stack';
import { COMPACT_AFTER_UPDATES } from '../docs/doc-store';
import { checkBase } from './base-check';
import * as tables from '../schema/tables.service';
import * as records from '../records/records.service';
import * as reads from '../records/records-query.service';
import { setCell } from '../../../src-shared/docs/table-doc';

let tmp: ReturnType<typeof makeTempDir>;
const open: BaseSession[] = [];
beforeEach(() => (tmp = makeTempDir()));
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  tmp.cleanup();
});

function session(name: string, create: boolean): BaseContext {
  const s = new BaseSession(tmp.file(name), { create, actor: 'test' });
  open.push(s);
  return { handle: name, session: s, undo: new UndoStack(), lock: new WriteLock() };
}

const updateRows = (ctx: BaseContext): number => (ctx.session.db.prepare('SELECT count(*) AS n FROM doc_updates').get() as { n: number }).n;

describe('base session', () => {
  it('compacts a grown update log into a snapshot and reopens to the same state', () => {
    const ctx = session('a.base', true);
    tables.createTable(ctx, 'T', [{ name: 'Name', type: 'singleLineText' }, { name: 'N', type: 'number' }]);
    const [id] = records.createRecords(ctx, 'T', [{ Name: 'x', N: 0 }]);
    for (let i = 1; i <= COMPACT_AFTER_UPDATES + 20; i++) records.updateRecords(ctx, 'T', [{ id: id!, fields: { N: i } }]);
    const before = updateRows(ctx);
    expect(ctx.session.compact()).toBeGreaterThan(0);
    expect(updateRows(ctx)).toBeLessThan(before - COMPACT_AFTER_UPDATES);
    expect((ctx.session.db.prepare('SELECT count(*) AS n FROM doc_snapshots').get() as { n: number }).n).toBeGreaterThan(0);
    ctx.session.close();
    open.pop();
    const again = session('a.base', false);
    expect(reads.getRecord(again, 'T', id!, 'name').fields.N).toBe(COMPACT_AFTER_UPDATES + 20);
    expect(checkBase(again.session).ok).toBe(true);
  });

  it('compacts docs that are not loaded without loading them', () => {
    const ctx = session('b.base', true);
    tables.createTable(ctx, 'T');
    const ids = records.createRecords(ctx, 'T', [{ Name: 'a' }, { Name: 'b' }]);
    ctx.session.unloadIdle(0);
    const shardDocs = ctx.session.docs.loadedIds().filter((d) => d.includes('/'));
    expect(shardDocs).toEqual([]);
    expect(ctx.session.compact(true)).toBeGreaterThan(0);
    expect(ctx.session.docs.loadedIds().filter((d) => d.includes('/'))).toEqual([]);
    expect(updateRows(ctx)).toBe(0);
    records.updateRecords(ctx, 'T', [{ id: ids[1]!, fields: { Name: 'b2' } }]);
    expect(reads.getRecord(ctx, 'T', ids[1]!, 'name').fields.Name).toBe('b2');
    expect(checkBase(ctx.session).ok).toBe(true);
  });

  it('a write that fails halfway leaves file and memory as they were', () => {
    const ctx = session('c.base', true);
    const t = tables.createTable(ctx, 'T');
    const [id] = records.createRecords(ctx, 'T', [{ Name: 'kept' }]);
    const shard = (ctx.session.db.prepare(`SELECT shard FROM "p_${t.id}"`).get() as { shard: string }).shard;
    expect(() =>
      ctx.session.write({ kind: 'local', actor: 'test' }, (w) => {
        const doc = w.shardDoc(t.id, shard);
        w.transact(doc, () => setCell(doc, id!, t.fields[0]!.id, 'lost', w.now));
        w.flush();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(reads.getRecord(ctx, 'T', id!, 'name').fields.Name).toBe('kept');
    // The in-memory doc was dropped too: the next write starts from the file's state.
    records.updateRecords(ctx, 'T', [{ id: id!, fields: { Name: 'next' } }]);
    expect(checkBase(ctx.session).ok).toBe(true);
    expect(reads.getRecord(ctx, 'T', id!, 'name').fields.Name).toBe('next');
  });

  it('a replica applying another’s updates ends with the same projection', () => {
    const a = session('r1.base', true);
    const b = session('r2.base', true);
    const outbox: Array<{ docId: string; update: Uint8Array }> = [];
    a.session.onDidCommitUpdate((u) => outbox.push(u));
    tables.createTable(a, 'T', [{ name: 'Name', type: 'singleLineText' }, { name: 'Qty', type: 'number' }]);
    const ids = records.createRecords(a, 'T', [{ Name: 'one', Qty: 1 }, { Name: 'two', Qty: 2 }]);
    records.updateRecords(a, 'T', [{ id: ids[0]!, fields: { Qty: 10 } }]);
    // Delivered in reverse: shard updates arrive before the schema that declares the table.
    for (const u of [...outbox].reverse()) b.session.applyRemote(u.docId, u.update);
    const rows = (ctx: BaseContext): unknown => reads.queryPage(ctx, { table: 'T', keys: 'name', sorts: [{ field: 'Name', direction: 'asc' }] }).records;
    expect(rows(b)).toEqual(rows(a));
    expect(checkBase(b.session).ok).toBe(true);
    // Remote changes never enter the receiving client's undo stack.
    expect(b.undo.state().canUndo).toBe(false);
  });
});
