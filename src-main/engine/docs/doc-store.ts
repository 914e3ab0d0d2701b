/**
 * Loads Yjs documents from a base file and records their updates.
 *
 * A doc's state on disk is its snapshot (if any) plus every row of doc_updates after the snapshot's
 * lastUpdateId. Each loaded doc has an 'update' listener that hands local updates to the open write
 * (see base-writer.ts), which appends them in the same SQLite transaction as the projection.
 * Remote updates are stored exactly as received instead, so updates whose dependencies have not
 * arrived yet are kept too.
 *
 * Docs other than the schema doc are unloaded when idle; compaction folds a doc's update rows into
 * its snapshot, without loading it when it is not loaded (Y.mergeUpdates).
 */
import * as Y from 'yjs';
import type Database from 'better-sqlite3';
import type { TxOrigin } from '../../../src-shared/docs/origin';

export interface CapturedUpdate {
  docId: string;
  update: Uint8Array;
  origin: TxOrigin;
}

interface Loaded {
  doc: Y.Doc;
  lastUsed: number;
}

/** Row count after which a doc's update log is folded into its snapshot. */
export const COMPACT_AFTER_UPDATES = 500;

export class DocStore {
  private readonly loaded = new Map<string, Loaded>();
  private capture: CapturedUpdate[] | null = null;
  /** Updates appended since the last compaction, per doc (approximate; recomputed on open). */
  private readonly pendingCounts = new Map<string, number>();
  private readonly onLoadHooks: Array<(docId: string, doc: Y.Doc) => void> = [];
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      snapshot: db.prepare<[string], { data: Buffer; lastUpdateId: number }>(
        'SELECT data, last_update_id AS lastUpdateId FROM doc_snapshots WHERE doc_id = ?',
      ),
      updatesAfter: db.prepare<[string, number], { id: number; data: Buffer }>(
        'SELECT id, data FROM doc_updates WHERE doc_id = ? AND id > ? ORDER BY id',
      ),
      insert: db.prepare<[string, Uint8Array, string, string, number]>(
        'INSERT INTO doc_updates (doc_id, data, origin, actor, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      upsertSnapshot: db.prepare<[string, Uint8Array, number, number]>(
        `INSERT INTO doc_snapshots (doc_id, data, last_update_id, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(doc_id) DO UPDATE SET data = excluded.data, last_update_id = excluded.last_update_id, created_at = excluded.created_at`,
      ),
      deleteUpTo: db.prepare<[string, number]>('DELETE FROM doc_updates WHERE doc_id = ? AND id <= ?'),
      counts: db.prepare<[], { docId: string; n: number }>('SELECT doc_id AS docId, count(*) AS n FROM doc_updates GROUP BY doc_id'),
      hasStored: db.prepare<[string, string], { one: number }>(
        'SELECT 1 AS one FROM doc_snapshots WHERE doc_id = ? UNION ALL SELECT 1 FROM doc_updates WHERE doc_id = ? LIMIT 1',
      ),
      docIds: db.prepare<[], { docId: string }>(
        'SELECT doc_id AS docId FROM doc_snapshots UNION SELECT DISTINCT doc_id FROM doc_updates',
      ),
    };
    for (const { docId, n } of this.stmts.counts.all()) this.pendingCounts.set(docId, n);
  }

  /** Called for every doc as it loads (the engine attaches its observers here). */
  onLoad(hook: (docId: string, doc: Y.Doc) => void): void {
    this.onLoadHooks.push(hook);
  }

  isLoaded(docId: string): boolean {
    return this.loaded.has(docId);
  }

  loadedIds(): string[] {
    return [...this.loaded.keys()];
  }

  /** Whether the base file holds anything of this doc (index lookups, no scan). */
  hasStored(docId: string): boolean {
    return this.stmts.hasStored.get(docId, docId) !== undefined;
  }

  /** Every doc id stored in the base file. */
  storedDocIds(): string[] {
    return this.stmts.docIds.all().map((r) => r.docId);
  }

  get(docId: string): Y.Doc {
    const hit = this.loaded.get(docId);
    if (hit) {
      hit.lastUsed = Date.now();
      return hit.doc;
    }
    const doc = new Y.Doc({ gc: true });
    const parts = this.readStored(docId);
    if (parts.length > 0) Y.applyUpdate(doc, parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts), LOAD_ORIGIN);
    doc.on('update', (update: Uint8Array, origin: unknown) => this.onUpdate(docId, update, origin));
    this.loaded.set(docId, { doc, lastUsed: Date.now() });
    for (const hook of this.onLoadHooks) hook(docId, doc);
    return doc;
  }

  /** The stored state of a doc as one update, without loading it. */
  encodeStored(docId: string): Uint8Array {
    const hit = this.loaded.get(docId);
    if (hit) return Y.encodeStateAsUpdate(hit.doc);
    const parts = this.readStored(docId);
    return parts.length === 0 ? Y.encodeStateAsUpdate(new Y.Doc()) : Y.mergeUpdates(parts);
  }

  private readStored(docId: string): Uint8Array[] {
    const parts: Uint8Array[] = [];
    const snap = this.stmts.snapshot.get(docId);
    if (snap) parts.push(snap.data);
    for (const row of this.stmts.updatesAfter.iterate(docId, snap?.lastUpdateId ?? 0)) parts.push(row.data);
    return parts;
  }

  /** Drops a doc from memory; the next get() reloads it from the file. */
  evict(docId: string): void {
    const hit = this.loaded.get(docId);
    if (!hit) return;
    this.loaded.delete(docId);
    hit.doc.destroy();
  }

  /** Unloads docs not used for `idleMs`, except those listed. */
  unloadIdle(idleMs: number, keep: ReadonlySet<string>): number {
    const cutoff = Date.now() - idleMs;
    let n = 0;
    for (const [id, l] of this.loaded) {
      if (!keep.has(id) && l.lastUsed <= cutoff) {
        this.evict(id);
        n++;
      }
    }
    return n;
  }

  startCapture(): void {
    if (this.capture) throw new Error('DocStore: capture already active');
    this.capture = [];
  }

  /** Ends capture and returns what was captured since startCapture (or the last take). */
  takeCaptured(): CapturedUpdate[] {
    const c = this.capture ?? [];
    if (this.capture) this.capture = [];
    return c;
  }

  stopCapture(): void {
    this.capture = null;
  }

  private onUpdate(docId: string, update: Uint8Array, origin: unknown): void {
    if (origin === LOAD_ORIGIN) return;
    const o = origin as TxOrigin | null;
    // Remote updates are persisted as received by applyRemote(); everything else is captured here.
    if (o && o.kind === 'remote') return;
    if (!this.capture) {
      throw new Error(`DocStore: doc ${docId} changed outside a write (origin ${JSON.stringify(origin)})`);
    }
    if (!o || typeof o.kind !== 'string') throw new Error(`DocStore: doc ${docId} changed with an untyped origin`);
    this.capture.push({ docId, update, origin: o });
  }

  /** Appends captured or received updates. Must run inside the caller's SQLite transaction. */
  persist(updates: readonly CapturedUpdate[], now: number): Set<string> {
    const docs = new Set<string>();
    for (const u of updates) {
      this.stmts.insert.run(u.docId, u.update, u.origin.kind, u.origin.actor, now);
      this.pendingCounts.set(u.docId, (this.pendingCounts.get(u.docId) ?? 0) + 1);
      docs.add(u.docId);
    }
    return docs;
  }

  needsCompaction(docId: string): boolean {
    return (this.pendingCounts.get(docId) ?? 0) >= COMPACT_AFTER_UPDATES;
  }

  docsNeedingCompaction(): string[] {
    return [...this.pendingCounts].filter(([, n]) => n >= COMPACT_AFTER_UPDATES).map(([id]) => id);
  }

  /**
   * Folds a doc's update rows into its snapshot, in one SQLite transaction. Safe at any moment:
   * a crash leaves either the old snapshot and rows or the new snapshot.
   */
  compact(docId: string, now: number): void {
    this.db.transaction(() => {
      const snap = this.stmts.snapshot.get(docId);
      const rows = this.stmts.updatesAfter.all(docId, snap?.lastUpdateId ?? 0);
      if (rows.length === 0) return;
      const lastId = rows[rows.length - 1]!.id;
      const hit = this.loaded.get(docId);
      // A loaded doc already holds every stored update (writes go through it), so its state is exact
      // and garbage-collected; otherwise merge the stored parts without loading.
      const data = hit
        ? Y.encodeStateAsUpdate(hit.doc)
        : Y.mergeUpdates([...(snap ? [snap.data] : []), ...rows.map((r) => r.data)]);
      this.stmts.upsertSnapshot.run(docId, data, lastId, now);
      this.stmts.deleteUpTo.run(docId, lastId);
    })();
    this.pendingCounts.set(docId, 0);
  }

  destroy(): void {
    for (const id of [...this.loaded.keys()]) this.evict(id);
  }
}

/** Origin of the applyUpdate that loads a doc from disk: not a change, never persisted. */
const LOAD_ORIGIN: TxOrigin = Object.freeze({ kind: 'migration', actor: 'load' }) as TxOrigin;
