/**
 * Where documents live: per document (workspace id + name) a row in `docs`, its updates appended to
 * `doc_updates` as they arrive, and a snapshot in `doc_snapshots` that compaction rewrites
 * (migration 002_docs.sql).
 *
 * Contracts:
 * - `append` resolves only after its transaction committed: a caller acknowledges after it.
 * - `load` reads the snapshot and every update row in one statement, so it sees one consistent
 *   state even while another process compacts.
 * - `compact` merges the snapshot with the update rows its DELETE removed, in the transaction that
 *   writes the new snapshot, so an update committed concurrently is either merged or still a row:
 *   never lost. Compactions of one document take turns (a row lock that appends do not take).
 */
import type { Db, Queryable } from '../db/db';
import { DEFAULT_LIMITS } from './types';
import { checkUpdate, compactState, mergeAll } from './updates';

export interface DocRef {
  workspaceId: string;
  name: string;
}

export type AppendResult =
  | { ok: true; docId: string; seqs: number[] }
  | { ok: false; code: 'update-too-large' | 'update-malformed'; message: string };

export interface AppendOptions {
  /** Runs inside the append's transaction after the insert (fan-out's NOTIFY, sent on commit). */
  inTransaction?: (q: Queryable, docId: string, seqs: number[]) => Promise<void>;
  /** The caller already checked each update with `checkUpdate`. */
  checked?: boolean;
}

export interface LoadedDoc {
  docId: string;
  /** Snapshot and updates merged into one update (an empty document: an empty update). */
  state: Uint8Array;
  /** Update rows not yet compacted. */
  updateRows: number;
  /** Rows that did not decode and were left out (logged by the caller; never expected). */
  skipped: number;
}

export interface CompactResult {
  /** Update rows merged into the snapshot (and deleted). */
  merged: number;
  /** The snapshot's through_seq afterwards; null when the document has none. */
  throughSeq: number | null;
}

const EMPTY_UPDATE = new Uint8Array([0, 0]);
const MAX_CACHED_IDS = 100_000;

export class DocStore {
  private readonly ids = new Map<string, string>();
  private readonly maxUpdateBytes: number;

  constructor(
    private readonly db: Db,
    options: { maxUpdateBytes?: number } = {},
  ) {
    this.maxUpdateBytes = options.maxUpdateBytes ?? DEFAULT_LIMITS.maxUpdateBytes;
  }

  /** The document's row id, creating the row on first use. */
  async docId(ref: DocRef): Promise<string> {
    const key = `${ref.workspaceId}\u0000${ref.name}`;
    const known = this.ids.get(key);
    if (known) return known;
    const select = () => this.db.query<{ id: string }>('SELECT id::text AS id FROM docs WHERE workspace_id = $1 AND name = $2', [ref.workspaceId, ref.name]);
    let rows = await select();
    if (rows.length === 0) {
      rows = await this.db.query<{ id: string }>('INSERT INTO docs (workspace_id, name) VALUES ($1, $2) ON CONFLICT (workspace_id, name) DO NOTHING RETURNING id::text AS id', [ref.workspaceId, ref.name]);
      // Another process created it between our two statements.
      if (rows.length === 0) rows = await select();
    }
    const id = rows[0]?.id;
    if (!id) throw new Error('The document row could not be created.');
    // Ids never change; the cache only needs a bound.
    if (this.ids.size >= MAX_CACHED_IDS) this.ids.clear();
    this.ids.set(key, id);
    return id;
  }

  /** Appends one update; resolves after commit. */
  append(ref: DocRef, update: Uint8Array, options: AppendOptions = {}): Promise<AppendResult> {
    return this.appendMany(ref, [update], options);
  }

  /** Appends updates in one transaction (in order); resolves after commit. All or none. */
  async appendMany(ref: DocRef, updates: Uint8Array[], options: AppendOptions = {}): Promise<AppendResult> {
    for (const u of updates) {
      if (u.byteLength > this.maxUpdateBytes) {
        return { ok: false, code: 'update-too-large', message: `An update of ${u.byteLength} bytes is over the limit of ${this.maxUpdateBytes} bytes; split the change into smaller ones.` };
      }
      if (!options.checked) {
        const check = checkUpdate(null, u);
        if (!check.ok) return { ok: false, code: 'update-malformed', message: `Refused ${check.reason}.` };
      }
    }
    const docId = await this.docId(ref);
    if (updates.length === 0) return { ok: true, docId, seqs: [] };
    const values = updates.map((_, i) => `($1, $${i + 2})`).join(', ');
    const sql = `INSERT INTO doc_updates (doc_id, update) VALUES ${values} RETURNING seq::text AS seq`;
    const inTransaction = options.inTransaction;
    // One statement commits on its own: a transaction only when something must commit with it.
    const seqs = inTransaction
      ? await this.db.tx(async (q) => {
          const out = (await q.query<{ seq: string }>(sql, [docId, ...updates])).map((r) => Number(r.seq));
          await inTransaction(q, docId, out);
          return out;
        })
      : (await this.db.query<{ seq: string }>(sql, [docId, ...updates])).map((r) => Number(r.seq));
    return { ok: true, docId, seqs };
  }

  /** The document's state: the latest snapshot merged with every update row. */
  async load(ref: DocRef): Promise<LoadedDoc> {
    const docId = await this.docId(ref);
    const rows = await this.db.query<{ kind: number; data: Uint8Array }>(
      `SELECT 0 AS kind, snapshot AS data FROM doc_snapshots WHERE doc_id = $1
       UNION ALL
       SELECT 1 AS kind, update AS data FROM doc_updates WHERE doc_id = $1`,
      [docId],
    );
    const parts = rows.map((r) => r.data);
    const updateRows = rows.filter((r) => r.kind === 1).length;
    if (parts.length === 0) return { docId, state: EMPTY_UPDATE, updateRows, skipped: 0 };
    try {
      return { docId, state: mergeAll(parts), updateRows, skipped: 0 };
    } catch {
      // A row that does not decode (appends check, so never expected): keep the rest readable.
      const good = parts.filter((p) => checkUpdate(null, p).ok);
      return { docId, state: good.length > 0 ? mergeAll(good) : EMPTY_UPDATE, updateRows, skipped: parts.length - good.length };
    }
  }

  /**
   * The updates `seqs` of a document, for a process that heard of them through NOTIFY. Rows a
   * compaction has deleted since are in the snapshot: then the snapshot comes back as well.
   */
  async readUpdates(docId: string, seqs: number[]): Promise<Uint8Array[]> {
    if (seqs.length === 0) return [];
    const rows = await this.db.query<{ data: Uint8Array }>(
      `WITH u AS (SELECT update FROM doc_updates WHERE doc_id = $1 AND seq = ANY (string_to_array($2, ',')::bigint[]))
       SELECT update AS data FROM u
       UNION ALL
       SELECT snapshot AS data FROM doc_snapshots WHERE doc_id = $1 AND (SELECT count(*) FROM u) < $3`,
      [docId, seqs.join(','), seqs.length],
    );
    return rows.map((r) => r.data);
  }

  /** Update rows not yet compacted. */
  async updateRows(ref: DocRef): Promise<number> {
    const docId = await this.docId(ref);
    const rows = await this.db.query<{ n: string }>('SELECT count(*)::text AS n FROM doc_updates WHERE doc_id = $1', [docId]);
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Merges the snapshot and the update rows (those with seq ≤ `throughSeq` when given) into a new
   * snapshot and deletes those rows, in one transaction.
   */
  async compact(ref: DocRef, options: { throughSeq?: number } = {}): Promise<CompactResult> {
    const docId = await this.docId(ref);
    return this.db.tx(async (q) => {
      // Compactions of this document take turns; appends only take KEY SHARE, so they go on.
      await q.query('SELECT id FROM docs WHERE id = $1 FOR NO KEY UPDATE', [docId]);
      const snap = await q.query<{ snapshot: Uint8Array; through: string }>('SELECT snapshot, through_seq::text AS through FROM doc_snapshots WHERE doc_id = $1', [docId]);
      const old = snap[0];
      const bound = options.throughSeq === undefined ? '' : ' AND seq <= $2';
      const params = options.throughSeq === undefined ? [docId] : [docId, options.throughSeq];
      // The rows merged are exactly the rows this DELETE removed: one committed after it started
      // stays for the next compaction.
      const rows = await q.query<{ seq: string; update: Uint8Array }>(`DELETE FROM doc_updates WHERE doc_id = $1${bound} RETURNING seq::text AS seq, update`, params);
      const oldThrough = old ? Number(old.through) : null;
      if (rows.length === 0) return { merged: 0, throughSeq: oldThrough };
      const parts = old ? [old.snapshot, ...rows.map((r) => r.update)] : rows.map((r) => r.update);
      // Throws (rolling everything back) when a part does not apply: nothing is dropped.
      const snapshot = compactState(parts);
      const through = rows.reduce((m, r) => Math.max(m, Number(r.seq)), oldThrough ?? 0);
      await q.query(
        `INSERT INTO doc_snapshots (doc_id, snapshot, through_seq) VALUES ($1, $2, $3)
         ON CONFLICT (doc_id) DO UPDATE SET snapshot = EXCLUDED.snapshot, through_seq = EXCLUDED.through_seq, updated_at = now()`,
        [docId, snapshot, through],
      );
      return { merged: rows.length, throughSeq: through };
    });
  }
}
