/**
 * Test support for multi-replica tests: a seeded PRNG, deterministic ids and clocks, replicas
 * (one BaseSession each) joined by a simulated network that delivers committed updates late, out of
 * order and duplicated, and snapshots of everything that must be equal between replicas (docs,
 * projections, search).
 *
 * Determinism: with `seedIds(rng)` every `newId` (records, fields, shards, choices…) and the Yjs
 * client id of every doc a replica loads come from the PRNG, and every replica's clock is a
 * `Clock`, so one seed replays one run exactly.
 */
import { vi } from 'vitest';
import * as Y from 'yjs';
import { BaseSession } from '../../src-main/engine/base/base-session';
import { WriteLock, type BaseContext } from '../../src-main/engine/base/base-context';
import { UndoStack } from '../../src-main/engine/undo/undo-stack';
import { projectionTable } from '../../src-main/engine/projection/projection-names';
import { countRecords, queryPage } from '../../src-main/engine/records/records-query.service';
import { SCHEMA_DOC_ID, readSchema, tablesMap } from '../../src-shared/docs/schema-doc';
import { cellsMap, parseShardDocId, recordsMap } from '../../src-shared/docs/table-doc';
import { EngineError } from '../../src-shared/errors';

// ---------------------------------------------------------------------------------------------
// PRNG

export interface Rng {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A new array, shuffled (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** Picks a key by weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
  uint32(): number;
}

/** mulberry32: small, fast, good enough for test schedules. */
export function makeRng(seed: number): Rng {
  let a = seed >>> 0;
  const uint32 = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => uint32() / 4294967296;
  const int = (n: number): number => Math.floor(next() * n);
  return {
    seed,
    next,
    int,
    range: (lo, hi) => lo + int(hi - lo + 1),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('rng.pick: empty list');
      return items[int(items.length)]!;
    },
    shuffle: <T>(items: readonly T[]): T[] => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
    weighted: <K extends string>(weights: Readonly<Record<K, number>>): K => {
      const entries = Object.entries(weights) as Array<[K, number]>;
      const total = entries.reduce((s, [, w]) => s + Math.max(0, w), 0);
      let x = next() * total;
      for (const [k, w] of entries) {
        if (w <= 0) continue;
        x -= w;
        if (x < 0) return k;
      }
      return entries.filter(([, w]) => w > 0).at(-1)![0];
    },
    uint32,
  };
}

/** A seed from the environment (`SEED=123 npx vitest …`) or the given default. */
export function seedFromEnv(fallback: number, name = 'SEED'): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`${name}=${v} is not an integer`);
  return n >>> 0;
}

/**
 * Makes `crypto.getRandomValues` (used by `newId`) draw from `rng`. Returns the undo. Yjs client ids
 * come from lib0, which bound the real function at import: `Network` sets them itself.
 */
export function seedIds(rng: Rng): () => void {
  const spy = vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
    if (array) {
      const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
    }
    return array;
  });
  return () => spy.mockRestore();
}

/** A shared test clock: advanced by the driver, read by every replica (plus its skew). */
export class Clock {
  /** Noon UTC, far from a day boundary, so skews never change "today". */
  now = Date.UTC(2024, 5, 12, 12, 0, 0);
  advance(ms: number): void {
    this.now += ms;
  }
}

// ---------------------------------------------------------------------------------------------
// Replicas and the network

export interface Msg {
  id: number;
  from: number;
  docId: string;
  update: Uint8Array;
}

export interface Replica {
  readonly index: number;
  readonly file: string;
  session: BaseSession;
  ctx: BaseContext;
  /** Messages from other replicas not delivered yet. */
  inbox: Msg[];
  /** Messages delivered (for duplicates). */
  delivered: Msg[];
}

export interface NetworkOptions {
  /** Path of replica i's base file. */
  file: (i: number) => string;
  count: number;
  clock: Clock;
  /** Per-replica clock offsets in ms (default 0). */
  skews?: number[];
  /** Source of Yjs client ids (default: Yjs' own random ones). */
  rng?: Rng;
}

/**
 * Replicas joined like clients of a relaying sync server: every committed local update of a replica
 * is queued for each other replica; `deliver*` applies queued updates in any order, any number of
 * times. A replica never receives its own updates.
 */
export class Network {
  readonly replicas: Replica[] = [];
  readonly log: Msg[] = [];
  /** Counts for the failure message and sanity checks. */
  readonly stats = { sent: 0, applied: 0, duplicates: 0, reopens: 0 };

  constructor(private readonly opts: NetworkOptions) {
    for (let i = 0; i < opts.count; i++) {
      const file = opts.file(i);
      const r: Replica = { index: i, file, session: null as unknown as BaseSession, ctx: null as unknown as BaseContext, inbox: [], delivered: [] };
      this.replicas.push(r);
      this.attach(r, true);
    }
  }

  private attach(r: Replica, create: boolean): void {
    const skew = this.opts.skews?.[r.index] ?? 0;
    const clock = this.opts.clock;
    const session = new BaseSession(r.file, { create, actor: `replica${r.index}`, now: () => clock.now + skew });
    const rng = this.opts.rng;
    if (rng) {
      // Each loaded doc is a new Yjs client, as in the engine; the id comes from the seeded PRNG.
      const assign = (doc: Y.Doc): void => {
        doc.clientID = rng.uint32();
      };
      session.docs.onLoad((_id, doc) => assign(doc));
      assign(session.schemaDoc);
    }
    session.onDidCommitUpdate((u) => {
      const msg: Msg = { id: this.log.length, from: r.index, docId: u.docId, update: u.update };
      this.log.push(msg);
      this.stats.sent++;
      for (const other of this.replicas) if (other !== r) other.inbox.push(msg);
    });
    r.session = session;
    r.ctx = { handle: `r${r.index}`, session, undo: new UndoStack(), lock: new WriteLock() };
  }

  /** Closes and reopens a replica's base file (a restart: its undo history is gone). */
  reopen(i: number): void {
    const r = this.replicas[i]!;
    r.session.close();
    this.attach(r, false);
    this.stats.reopens++;
  }

  apply(r: Replica, msg: Msg): void {
    try {
      r.session.applyRemote(msg.docId, msg.update, `replica${msg.from}`);
    } catch (e) {
      throw new Error(`replica ${r.index} failed to apply update #${msg.id} from replica ${msg.from} (doc ${msg.docId}): ${(e as Error).stack}`, { cause: e });
    }
    this.stats.applied++;
  }

  /**
   * Delivers to each replica (in random order) a random part of its inbox, shuffled, sometimes
   * re-delivering an update it already has. The rest stays queued for later rounds.
   */
  deliverSome(rng: Rng, opts: { fraction: number; duplicate: number; offline?: number }): void {
    for (const r of rng.shuffle(this.replicas)) {
      if (opts.offline !== undefined && rng.chance(opts.offline)) continue;
      const now: Msg[] = [];
      const later: Msg[] = [];
      for (const m of r.inbox) (rng.chance(opts.fraction) ? now : later).push(m);
      r.inbox = later;
      for (const m of rng.shuffle(now)) this.deliver(rng, r, m, opts.duplicate);
    }
  }

  /** Delivers every queued update everywhere, shuffled, with duplicates; until every inbox is empty. */
  deliverAll(rng: Rng, duplicate: number): void {
    for (const r of rng.shuffle(this.replicas)) {
      const all = rng.shuffle(r.inbox);
      r.inbox = [];
      for (const m of all) this.deliver(rng, r, m, duplicate);
    }
    if (this.replicas.some((r) => r.inbox.length > 0)) throw new Error('Network.deliverAll: delivering produced new updates');
  }

  private deliver(rng: Rng, r: Replica, m: Msg, duplicate: number): void {
    this.apply(r, m);
    r.delivered.push(m);
    if (rng.chance(duplicate)) {
      // The same update again, now or an older one: applying twice must change nothing.
      this.apply(r, rng.chance(0.5) ? m : rng.pick(r.delivered));
      this.stats.duplicates++;
    }
  }

  close(): void {
    for (const r of this.replicas) r.session.close();
  }
}

/** Runs `fn`; an EngineError (an expected refusal) is swallowed and reported as false. */
export function tryEngine(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (e instanceof EngineError) return false;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Snapshots

export interface DocSnap {
  stateVector: Record<string, number>;
  pending: boolean;
  content: unknown;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Uint8Array) return Array.from(value);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** A doc's stored state loaded into a fresh Y.Doc: state vector, pending state, content as JSON. */
export function docSnapshot(session: BaseSession, docId: string): DocSnap {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, session.docs.encodeStored(docId));
    const sv = Y.decodeStateVector(Y.encodeStateVector(doc));
    const stateVector: Record<string, number> = {};
    for (const [client, clock] of [...sv.entries()].sort((a, b) => a[0] - b[0])) stateVector[String(client)] = clock;
    const content =
      docId === SCHEMA_DOC_ID
        ? { schema: readSchema(doc), raw: sortKeys(tablesMap(doc).toJSON()) }
        : { records: sortKeys(recordsMap(doc).toJSON()), cells: sortKeys(cellsMap(doc).toJSON()) };
    return { stateVector, pending: doc.store.pendingStructs !== null || doc.store.pendingDs !== null, content };
  } finally {
    doc.destroy();
  }
}

export function storedDocIds(session: BaseSession): string[] {
  return [...session.docs.storedDocIds()].sort();
}

export interface ProjectionSnap {
  /** Column name and declared type, sorted. */
  columns: string[];
  indexes: string[];
  catalog: unknown[];
  /** Every row but the local `rid`, ordered by record id, keys sorted. */
  rows: Array<Record<string, unknown>>;
}

/** Every projection table of a base, by table id. */
export function projectionSnapshot(session: BaseSession): Record<string, ProjectionSnap> {
  const db = session.db;
  const out: Record<string, ProjectionSnap> = {};
  for (const tableId of [...session.projector.projectedTableIds()].sort()) {
    const p = projectionTable(tableId);
    const name = p.slice(1, -1);
    const columns = (db.prepare(`PRAGMA table_info(${p})`).all() as Array<{ name: string; type: string }>)
      .filter((c) => c.name !== 'rid')
      .map((c) => `${c.name} ${c.type}`)
      .sort();
    const indexes = (db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?").all(name) as Array<{ name: string; sql: string | null }>)
      .map((r) => `${r.name}: ${r.sql ?? ''}`)
      .sort();
    const catalog = db
      .prepare('SELECT field_id, sql_type, signature FROM projection_columns WHERE table_id = ? ORDER BY field_id')
      .raw()
      .all(tableId);
    const rows = (db.prepare(`SELECT * FROM ${p} ORDER BY id`).all() as Array<Record<string, unknown>>).map((row) => {
      const { rid: _rid, ...rest } = row;
      return sortKeys(rest) as Record<string, unknown>;
    });
    out[tableId] = { columns, indexes, catalog, rows };
  }
  return out;
}

/** Records each search term finds, per table: the count and the matching ids. */
export function searchSnapshot(ctx: BaseContext, terms: readonly string[]): Record<string, Record<string, { count: number; ids: string[] }>> {
  const out: Record<string, Record<string, { count: number; ids: string[] }>> = {};
  for (const t of ctx.session.schema().tables) {
    const perTerm: Record<string, { count: number; ids: string[] }> = {};
    for (const term of terms) {
      const count = countRecords(ctx, { table: t.id, search: term });
      const page = queryPage(ctx, { table: t.id, search: term, keys: 'id', limit: 100_000 });
      perTerm[term] = { count, ids: page.records.map((r) => r.id).sort() };
    }
    out[t.id] = perTerm;
  }
  return out;
}

/**
 * queryPage over every table (and each of its views), in a form that is equal between replicas:
 * the page order is compared through the sort keys (ties are broken by the local `rid`, which
 * differs between replicas by design), the records as a set.
 */
export function querySnapshot(ctx: BaseContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of ctx.session.schema().tables) {
    const runs: Record<string, unknown> = {};
    const specs: Array<{ name: string; view?: string; sorts?: Array<{ field: string; direction: 'asc' | 'desc' }> }> = [{ name: 'all' }];
    if (t.fields.length > 0) {
      specs.push({ name: 'sorted', sorts: t.fields.slice(0, 3).map((f, i) => ({ field: f.id, direction: i % 2 ? 'desc' : 'asc' })) });
    }
    for (const v of t.views) specs.push({ name: `view ${v.id}`, view: v.id });
    for (const s of specs) {
      try {
        const page = queryPage(ctx, { table: t.id, keys: 'id', limit: 100_000, ...(s.view ? { view: s.view } : {}), ...(s.sorts ? { sorts: s.sorts } : {}) });
        const view = s.view ? t.views.find((v) => v.id === s.view) : undefined;
        const keyFields = [...(view?.groups ?? []), ...(s.sorts ?? view?.sorts ?? [])].map((x) => x.field);
        runs[s.name] = {
          total: page.total,
          order: page.records.map((r) => JSON.stringify(keyFields.map((f) => r.fields[f] ?? null))),
          records: sortKeys([...page.records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))),
        };
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
        runs[s.name] = { error: e.code };
      }
    }
    out[t.id] = runs;
  }
  return out;
}

/** Shard doc ids of a table id among stored docs (used to describe failures). */
export function shardDocsOf(session: BaseSession, tableId: string): string[] {
  return storedDocIds(session).filter((id) => parseShardDocId(id)?.tableId === tableId);
}
