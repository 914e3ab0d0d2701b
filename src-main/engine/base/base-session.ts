/**
 * One open base: its SQLite file, docs, projection and the write path.
 *
 * Every change runs in `write(origin, fn)`: one SQLite transaction in which Yjs transactions change
 * docs, their updates are appended to doc_updates, and the touched records are re-projected. If
 * anything throws, SQLite rolls back and every doc changed in memory is dropped (reloaded from the
 * file on next use), so memory and file never disagree. A process killed mid-write loses exactly
 * that write: WAL makes the commit atomic.
 */
import type Database from 'better-sqlite3';
import { openSqlite } from '../db/sqlite';
import * as Y from 'yjs';
import { openBaseFile, type OpenOptions } from '../db/base-file';
import { DocStore, type CapturedUpdate } from '../docs/doc-store';
import { checkUpdate } from '../../../src-shared/sync/yjs-updates';
import { Projector, SEARCH_STEP_ROWS } from '../projection/projector';
import type { RowBatch } from '../projection/row-batch';
import { projectionTable } from '../projection/projection-names';
import { SCHEMA_DOC_ID, listShards, readSchema, addShard } from '../../../src-shared/docs/schema-doc';
import {
  cellsMap, parseShardDocId, recordReader, recordIdOfCellKey, recordIds, recordsMap, shardDocId,
} from '../../../src-shared/docs/table-doc';
import type { TxOrigin } from '../../../src-shared/docs/origin';
import type { BaseSchema, TableSchema } from '../../../src-shared/schema/schema.types';
import { EngineError } from '../../../src-shared/errors';
import { newId } from '../../../src-shared/ids';
import { viewIndexedFields } from './view-indexes';
import { registerSearchFunctions } from '../query/search-match';
import { logger } from '../logger';

const log = logger.child({ module: 'base-session' });

/** Records per shard doc: a write loads at most this many records' worth of Yjs state. */
export const SHARD_CAPACITY = 10_000;
/** Time close() may spend finishing the search index. */
const CLOSE_SEARCH_BUDGET_MS = 5_000;
/** Index pages merged per background step (a few milliseconds of work). */
const SEARCH_MERGE_PAGES = 200;

/** The base format from which rows carry the text of their attachments' readings (migration 0004). */
const ATTACHMENT_TEXT_FORMAT = 5;

export interface SessionOptions extends OpenOptions {
  actor: string;
  now?: () => number;
}

export interface Writer {
  readonly origin: TxOrigin;
  readonly now: number;
  readonly schemaDoc: Y.Doc;
  /** Runs a Yjs transaction on `doc` with this write's origin. */
  transact(doc: Y.Doc, fn: () => void): void;
  shardDoc(tableId: string, shardId: string): Y.Doc;
  /** Reserves room for up to `wanted` new records in one shard (created when needed). */
  allocateShard(tableId: string, wanted: number): { shardId: string; count: number };
  /** Forces a full re-projection of a table at the end of the write. */
  reproject(tableId: string): void;
  /** Persists and projects what was written so far (for long imports), keeping the transaction open. */
  flush(): void;
  /** After flush(): drops the table's shard docs from memory (they reload, uncommitted state included). */
  release(tableId: string): void;
  /** Leaves the search indexing of rows written from now on to the background (bulk writes). */
  deferSearch(tableId: string): void;
  /**
   * Adds a new shard built outside this session (a bulk import's worker): lists it in the schema,
   * stores `update` as its doc's first update without loading it, and projects its records from
   * `bases`, which must be exactly what the update holds.
   */
  /** Adds a new shard doc from its update, with its records' rows projected beforehand (see Projector.insertRows, also for `firstRid`). */
  appendShard(tableId: string, shardId: string, update: Uint8Array, ids: readonly string[], rows: RowBatch, firstRid?: number): void;
  history(row: HistoryRow): void;
}

export interface HistoryRow {
  tableId: string;
  recordId: string;
  fieldId: string | null;
  kind: 'set' | 'create' | 'delete';
  oldValue: unknown;
  newValue: unknown;
}

export class BaseSession {
  readonly file: string;
  readonly db: Database.Database;
  /** A second, read-only connection: queries see committed data only, even during a long import. */
  readonly readDb: Database.Database;
  readonly docs: DocStore;
  readonly projector: Projector;
  readonly actor: string;
  readonly formatVersion: number;
  readonly migrated: boolean;
  private readonly clock: () => number;
  private schemaCache: BaseSchema | null = null;
  private schemaDirty = false;
  private readonly touched = new Map<string, Set<string>>();
  private writing: { origin: TxOrigin; forced: Set<string>; history: HistoryRow[]; now: number } | null = null;
  /** Fill of shards this session writes new records to: tableId → shardId → count. */
  private readonly shardFill = new Map<string, Map<string, number>>();
  private closed = false;
  /**
   * Why people may not change this base, or null: set while it syncs with a server where this
   * person is a viewer or commenter (the server would refuse the change anyway). Remote updates and
   * migrations still write.
   */
  readOnly: string | null = null;
  private readonly listeners = new Set<(e: ChangeEvent) => void>();
  private readonly updateListeners = new Set<(u: CapturedUpdate) => void>();

  constructor(file: string, options: SessionOptions) {
    const clock = options.now ?? Date.now;
    const opened = openBaseFile(file, { ...options, createdBy: options.actor, createdAt: clock() });
    this.file = opened.path;
    this.db = opened.db;
    this.formatVersion = opened.formatVersion;
    this.migrated = opened.migrated;
    this.actor = options.actor;
    this.clock = clock;
    this.readDb = openSqlite(this.file, { readonly: true, fileMustExist: true });
    this.readDb.pragma('busy_timeout = 5000');
    registerSearchFunctions(this.readDb);
    registerSearchFunctions(this.db);
    this.docs = new DocStore(this.db);
    this.projector = new Projector(this.db);
    this.docs.onLoad((docId, doc) => this.observe(docId, doc));
    this.docs.get(SCHEMA_DOC_ID);
    // Bases made before rows carried their search text (format < 3): project them again.
    if (this.projector.hasOutdatedTables()) this.rebuild();
    // Bases whose drawings were read before their text was searchable (format < 5): the tables
    // with attachment fields are projected again, so their rows carry that text.
    else if (opened.migratedFrom < ATTACHMENT_TEXT_FORMAT && this.formatVersion >= ATTACHMENT_TEXT_FORMAT) this.reprojectAttachmentTables();
  }

  get schemaDoc(): Y.Doc {
    return this.docs.get(SCHEMA_DOC_ID);
  }

  now(): number {
    return this.clock();
  }

  private observe(docId: string, doc: Y.Doc): void {
    if (docId === SCHEMA_DOC_ID) {
      doc.getMap('tables').observeDeep(() => {
        this.schemaDirty = true;
        this.schemaCache = null;
      });
      return;
    }
    if (!parseShardDocId(docId)) return;
    const touch = (rid: string): void => {
      let set = this.touched.get(docId);
      if (!set) this.touched.set(docId, (set = new Set()));
      set.add(rid);
    };
    recordsMap(doc).observe((e) => e.keysChanged.forEach((k) => touch(k)));
    cellsMap(doc).observe((e) => e.keysChanged.forEach((k) => touch(recordIdOfCellKey(k))));
  }

  schema(): BaseSchema {
    this.assertOpen();
    if (!this.schemaCache) this.schemaCache = readSchema(this.schemaDoc);
    return this.schemaCache;
  }

  table(ref: string): TableSchema {
    const tables = this.schema().tables;
    const t = tables.find((x) => x.id === ref) ?? tables.find((x) => x.name === ref) ?? tables.find((x) => x.name.toLowerCase() === ref.toLowerCase());
    if (!t) throw new EngineError('NOT_FOUND', `No table '${ref}' in this base.`);
    return t;
  }

  onDidChange(listener: (e: ChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get isWriting(): boolean {
    return this.writing !== null;
  }

  write<T>(origin: TxOrigin, fn: (w: Writer) => T): T {
    const run = this.beginWrite(origin);
    try {
      const result = this.db.transaction(() => {
        const value = fn(run.writer);
        run.writer.flush();
        return value;
      })();
      this.endWrite(run, true);
      return result;
    } catch (e) {
      this.endWrite(run, false);
      throw e;
    }
  }

  /**
   * A write whose function awaits (a streaming import). The SQLite transaction stays open across
   * awaits; callers must serialize writes (the engine's per-base lock) so nothing else writes meanwhile.
   */
  async writeAsync<T>(origin: TxOrigin, fn: (w: Writer) => Promise<T>): Promise<T> {
    const run = this.beginWrite(origin);
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const value = await fn(run.writer);
      run.writer.flush();
      this.db.exec('COMMIT');
      this.endWrite(run, true);
      return value;
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.endWrite(run, false);
      throw e;
    }
  }

  private beginWrite(origin: TxOrigin): WriteRun {
    this.assertOpen();
    if (this.readOnly !== null && (origin.kind === 'local' || origin.kind === 'import')) throw new EngineError('READ_ONLY', this.readOnly);
    if (this.writing) throw new Error('BaseSession: a write is already in progress');
    const state = { origin, forced: new Set<string>(), history: [] as HistoryRow[], now: this.clock() };
    this.writing = state;
    this.docs.startCapture();
    const run: WriteRun = { changedTables: new Set<string>(), schemaChanged: false, updates: [], writer: null as unknown as Writer };
    run.writer = {
      origin,
      now: state.now,
      schemaDoc: this.schemaDoc,
      transact: (doc, f) => doc.transact(f, origin),
      shardDoc: (tableId, shardId) => this.docs.get(shardDocId(tableId, shardId)),
      allocateShard: (tableId, n) => this.allocateShard(run.writer, tableId, n),
      reproject: (tableId) => state.forced.add(tableId),
      flush: () => {
        const r = this.flush(state, run.updates);
        r.tables.forEach((t) => run.changedTables.add(t));
        run.schemaChanged ||= r.schema;
      },
      history: (row) => state.history.push(row),
      deferSearch: (tableId) => this.projector.deferSearch(tableId),
      appendShard: (tableId, shardId, update, ids, rows, firstRid) => this.appendShard(run, state, tableId, shardId, update, ids, rows, firstRid),
      release: (tableId) => {
        for (const id of this.docs.loadedIds()) if (id.startsWith(tableId + '/')) this.docs.evict(id);
      },
    };
    return run;
  }

  private endWrite(run: WriteRun, committed: boolean): void {
    this.docs.stopCapture();
    this.writing = null;
    if (!committed) {
      this.discardMemoryState();
      return;
    }
    if (run.schemaChanged || run.changedTables.size > 0) this.emit({ schema: run.schemaChanged, tables: [...run.changedTables] });
    for (const u of run.updates) for (const l of this.updateListeners) l(u);
  }

  /**
   * Committed changes made here (every origin but `remote`), one Yjs update per doc transaction:
   * what a sync client sends to its peers.
   */
  onDidCommitUpdate(listener: (u: CapturedUpdate) => void): () => void {
    this.updateListeners.add(listener);
    return () => this.updateListeners.delete(listener);
  }

  /** Persist captured updates, reconcile the projection, project touched records. */
  private flush(state: { origin: TxOrigin; forced: Set<string>; history: HistoryRow[]; now: number }, sink: CapturedUpdate[]): { tables: Set<string>; schema: boolean } {
    const captured = this.docs.takeCaptured();
    // Read-only: what changes no doc (re-projecting a drawing's text) may run; a change may not.
    if (this.readOnly !== null && captured.length > 0 && state.origin.kind !== 'migration') throw new EngineError('READ_ONLY', this.readOnly);
    this.docs.persist(captured, state.now);
    if (this.updateListeners.size > 0) for (const u of captured) sink.push(u);
    const changed = new Set<string>();
    const schemaChanged = this.schemaDirty;
    const schema = this.schema();
    const byId = new Map(schema.tables.map((t) => [t.id, t]));
    const full = new Set(state.forced);
    if (this.schemaDirty) {
      this.schemaDirty = false;
      for (const id of this.projector.reconcile(schema.tables, state.origin.kind !== 'remote')) full.add(id);
      for (const t of schema.tables) this.projector.syncIndexes(t, viewIndexedFields(t));
      for (const t of schema.tables) changed.add(t.id);
    }
    state.forced.clear();
    for (const tableId of full) {
      const table = byId.get(tableId);
      if (table) {
        this.reprojectTable(table);
        changed.add(tableId);
      }
    }
    for (const [docId, ids] of this.touched) {
      const parsed = parseShardDocId(docId)!;
      const table = byId.get(parsed.tableId);
      if (!table || full.has(table.id)) continue;
      changed.add(table.id);
      const read = recordReader(this.docs.get(docId), table.fields.map((f) => f.id));
      for (const rid of ids) {
        const rec = read(rid);
        if (rec) this.projector.upsert(table, rid, parsed.shardId, rec);
        else this.projector.delete(table, rid, parsed.shardId);
      }
    }
    this.touched.clear();
    this.projector.flushSearch();
    if (state.history.length > 0) {
      const ins = this.db.prepare(
        'INSERT INTO cell_history (table_id, record_id, field_id, kind, actor, origin, at, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      for (const h of state.history) {
        ins.run(h.tableId, h.recordId, h.fieldId, h.kind, state.origin.actor, state.origin.kind, state.now, jsonOrNull(h.oldValue), jsonOrNull(h.newValue));
      }
      state.history.length = 0;
    }
    return { tables: changed, schema: schemaChanged };
  }

  /** Recomputes a table's projection from its shard docs, one shard in memory at a time. */
  reprojectTable(table: TableSchema): void {
    this.projector.clear(table.id);
    const fieldIds = table.fields.map((f) => f.id);
    for (const docId of this.shardDocIds(table.id)) {
      const wasLoaded = this.docs.isLoaded(docId);
      const doc = this.docs.get(docId);
      const { shardId } = parseShardDocId(docId)!;
      const read = recordReader(doc, fieldIds);
      for (const rid of recordIds(doc)) {
        const rec = read(rid);
        if (rec) this.projector.upsert(table, rid, shardId, rec, true);
      }
      this.touched.delete(docId);
      // Docs loaded only for this pass hold nothing unsaved (flush persisted first): let them go,
      // so re-projecting a large table keeps one shard in memory at a time.
      if (!wasLoaded) this.docs.evict(docId);
    }
  }

  /** Shard docs of a table: those the schema lists and any stored (synced before the schema said so). */
  shardDocIds(tableId: string): string[] {
    const ids = new Set(listShards(this.schemaDoc, tableId).map((s) => shardDocId(tableId, s)));
    for (const id of this.docs.storedDocIds()) if (id.startsWith(tableId + '/')) ids.add(id);
    for (const id of this.docs.loadedIds()) if (id.startsWith(tableId + '/')) ids.add(id);
    return [...ids].sort();
  }

  private fillOf(tableId: string): Map<string, number> {
    let fill = this.shardFill.get(tableId);
    if (!fill) {
      fill = new Map();
      if (this.projector.tableExists(tableId)) {
        const rows = this.db.prepare(`SELECT shard, count(*) AS n FROM ${projectionTable(tableId)} GROUP BY shard`).all() as Array<{ shard: string; n: number }>;
        for (const r of rows) fill.set(r.shard, r.n);
      }
      this.shardFill.set(tableId, fill);
    }
    return fill;
  }

  private appendShard(
    run: WriteRun,
    state: { origin: TxOrigin; now: number },
    tableId: string,
    shardId: string,
    update: Uint8Array,
    ids: readonly string[],
    rows: RowBatch,
    firstRid?: number,
  ): void {
    const docId = shardDocId(tableId, shardId);
    if (this.docs.isLoaded(docId) || this.docs.hasStored(docId)) {
      throw new Error(`BaseSession.appendShard: shard ${shardId} already exists`);
    }
    if (ids.length > SHARD_CAPACITY) throw new Error('BaseSession.appendShard: more records than a shard holds');
    // Schema changes first (the shard's listing), so the projection's tables are in place.
    run.writer.transact(this.schemaDoc, () => addShard(this.schemaDoc, tableId, shardId, state.now));
    run.writer.flush();
    const table = this.table(tableId);
    const captured: CapturedUpdate = { docId, update, origin: state.origin };
    this.docs.persist([captured], state.now);
    if (this.updateListeners.size > 0) run.updates.push(captured);
    this.projector.insertRows(table, shardId, ids, rows, firstRid);
    this.fillOf(tableId).set(shardId, ids.length);
    run.changedTables.add(tableId);
  }

  private allocateShard(w: Writer, tableId: string, wanted: number): { shardId: string; count: number } {
    const fill = this.fillOf(tableId);
    for (const [shardId, n] of fill) {
      if (n < SHARD_CAPACITY) {
        const count = Math.min(wanted, SHARD_CAPACITY - n);
        fill.set(shardId, n + count);
        return { shardId, count };
      }
    }
    const shardId = newId('shd');
    w.transact(this.schemaDoc, () => addShard(this.schemaDoc, tableId, shardId, w.now));
    const count = Math.min(wanted, SHARD_CAPACITY);
    fill.set(shardId, count);
    return { shardId, count };
  }

  private discardMemoryState(): void {
    this.projector.discardPending();
    for (const id of this.docs.loadedIds()) this.docs.evict(id);
    this.touched.clear();
    this.shardFill.clear();
    this.schemaCache = null;
    this.schemaDirty = false;
    this.docs.get(SCHEMA_DOC_ID);
  }

  /** Applies an update received from a sync peer, stored as received. */
  applyRemote(docId: string, update: Uint8Array, actor = 'remote'): void {
    this.applyRemoteBatch([{ docId, update }], actor);
  }

  /**
   * Applies updates received from a sync peer in one write (one transaction, one projection pass).
   * Updates that add nothing (a server's step 2 repeats every deletion; a batch the server merged
   * carries this replica's own changes back) are neither applied nor stored. A malformed one fails
   * the whole write.
   */
  applyRemoteBatch(items: ReadonlyArray<{ docId: string; update: Uint8Array }>, actor = 'remote'): number {
    if (items.length === 0) return 0;
    const origin: TxOrigin = { kind: 'remote', actor };
    return this.write(origin, (w) => {
      const kept: CapturedUpdate[] = [];
      for (const { docId, update } of items) {
        const doc = this.docs.get(docId);
        const check = checkUpdate(doc, update);
        if (!check.ok) throw new Error(`${check.reason} for ${docId}`);
        if (!check.news) continue;
        Y.applyUpdate(doc, update, origin);
        kept.push({ docId, update, origin });
      }
      this.docs.persist(kept, w.now);
      return kept.length;
    });
  }

  /** A value kept in the base file's `meta` table (format, ids, the sync link). */
  metaValue(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  /** Sets (or with null removes) a `meta` value; not a change of the base's content, so outside any write. */
  setMetaValue(key: string, value: string | null): void {
    if (value === null) this.db.prepare('DELETE FROM meta WHERE key = ?').run(key);
    else this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** Folds update logs into snapshots where they have grown. Runs outside writes. */
  compact(all = false): number {
    if (this.writing) return 0;
    const ids = all ? this.docs.storedDocIds() : this.docs.docsNeedingCompaction();
    for (const id of ids) this.docs.compact(id, this.clock());
    return ids.length;
  }

  /** Unloads shard docs idle for `idleMs`. */
  unloadIdle(idleMs: number): number {
    if (this.writing) return 0;
    return this.docs.unloadIdle(idleMs, new Set([SCHEMA_DOC_ID]));
  }

  /**
   * One step of background search-index work (a few milliseconds): indexes part of a table's
   * backlog, or merges part of an index built in bulk. Returns true while work remains.
   * Runs outside writes; the engine calls it under the base's write lock.
   */
  searchStep(): boolean {
    if (this.writing || this.closed) return false;
    const backlog = this.projector.backlogTables();
    const unmerged = this.projector.unmergedTables();
    if (backlog.length === 0 && unmerged.length === 0) return false;
    try {
      this.db.transaction(() => {
        if (backlog.length > 0) this.projector.indexBacklog(backlog[0]!, SEARCH_STEP_ROWS);
        else this.projector.mergeStep(unmerged[0]!, SEARCH_MERGE_PAGES);
      })();
    } catch (e) {
      this.projector.discardPending();
      throw e;
    }
    return true;
  }

  /** Does background search-index work now, for at most `budgetMs`; true when all of it is done. */
  finishSearch(budgetMs = Number.POSITIVE_INFINITY): boolean {
    const until = performance.now() + budgetMs;
    while (this.searchStep()) {
      if (performance.now() > until) return false;
    }
    return true;
  }

  /** Projects again the tables with an attachment field, if any drawing was ever read here. */
  private reprojectAttachmentTables(): void {
    if (!this.db.prepare('SELECT 1 FROM extractions LIMIT 1').get()) return;
    const tables = this.schema().tables.filter((t) => t.fields.some((f) => f.type === 'attachment'));
    if (tables.length === 0) return;
    this.write({ kind: 'migration', actor: 'system' }, (w) => {
      for (const t of tables) w.reproject(t.id);
    });
  }

  /** Drops the projection and recomputes it from the docs. */
  rebuild(): void {
    this.write({ kind: 'migration', actor: 'system' }, (w) => {
      const schema = this.schema();
      for (const id of this.projector.projectedTableIds()) this.projector.dropTable(id);
      this.schemaDirty = true;
      for (const t of schema.tables) w.reproject(t.id);
    });
  }

  close(): void {
    if (this.closed) return;
    // Leave the search index complete if that is quick (the next process may only run one query);
    // what is left resumes on the next open, and searches are exact meanwhile. A failure here must
    // not keep the base open.
    try {
      this.finishSearch(CLOSE_SEARCH_BUDGET_MS);
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'search indexing at close failed; it resumes on the next open');
    }
    this.compact();
    this.docs.destroy();
    this.readDb.close();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private assertOpen(): void {
    if (this.closed) throw new EngineError('BASE_CLOSED', 'This base has been closed.');
  }

  private emit(e: ChangeEvent): void {
    for (const l of this.listeners) l(e);
  }
}

interface WriteRun {
  writer: Writer;
  /** Updates persisted by this write, handed to update listeners once it commits. */
  updates: CapturedUpdate[];
  changedTables: Set<string>;
  schemaChanged: boolean;
}

export interface ChangeEvent {
  schema: boolean;
  tables: string[];
}

function jsonOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : JSON.stringify(v);
}
