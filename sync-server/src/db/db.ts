/**
 * The sync server's database: PostgreSQL through `pg` when DATABASE_URL is set, else an embedded
 * PGlite in the data folder (the same SQL, so the first start needs nothing installed). One small
 * interface for both: queries with $1… parameters, transactions, and LISTEN/NOTIFY (how several
 * server processes on one PostgreSQL hear each other's writes; PGlite's is in-process only).
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import pg from 'pg';

export type Row = Record<string, unknown>;

/** What can run a statement: the database, or a transaction of it. */
export interface Queryable {
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs SQL of several statements, without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** Calls `listener` with each NOTIFY payload on `channel`; the returned function stops it. */
  listen(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  /**
   * Called after the listening connection was lost and listens again (PostgreSQL): notifications
   * sent in between were missed, so a listener catches up (re-reads) here.
   */
  onListenRestored(listener: () => void): () => void;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** postgres://… ; absent: embedded PGlite in `dataDir`. */
  databaseUrl?: string | undefined;
  /** The server's data folder (PGlite keeps its files in `pgdata/` inside it). */
  dataDir: string;
  /** Pool size for PostgreSQL. */
  maxConnections?: number;
  /** PostgreSQL: the schema to work in (tests give each run its own); default `public`. */
  schema?: string;
  /** PGlite in memory instead of in `dataDir` (tests). */
  memory?: boolean;
}

const CHANNEL_RE = /^[a-z_][a-z0-9_]{0,62}$/;

function checkChannel(channel: string): void {
  if (!CHANNEL_RE.test(channel)) throw new Error(`Not a channel name: ${JSON.stringify(channel)}`);
}

export async function openDb(options: OpenDbOptions): Promise<Db> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.maxConnections ?? 10, options.schema);
  return openPglite(options.memory ? null : path.join(options.dataDir, 'pgdata'));
}

/** PostgreSQL's type id of bytea. */
const BYTEA_OID = 17;

/**
 * bytea to and from PGlite's text form (`\x` + hex) with Node's native hex codec. PGlite's own
 * codec makes a string per byte: it was most of the sync server's CPU under load (every update
 * is a bytea parameter, every load reads them back).
 */
const BYTEA_CODEC = {
  serializers: {
    [BYTEA_OID]: (v: unknown): string => {
      if (!(v instanceof Uint8Array)) throw new Error('Invalid input for bytea type');
      return `\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
    },
  },
  parsers: {
    [BYTEA_OID]: (text: string): Uint8Array => {
      const b = Buffer.from(text.slice(2), 'hex');
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    },
  },
};

async function openPglite(dir: string | null): Promise<Db> {
  if (dir) fs.mkdirSync(dir, { recursive: true });
  const db = dir ? await PGlite.create(dir, BYTEA_CODEC) : await PGlite.create(BYTEA_CODEC);
  const wrap = (q: PGlite | Transaction): Queryable => ({
    async query<T extends Row>(sql: string, params: readonly unknown[] = []) {
      return (await q.query<T>(sql, params as unknown[])).rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  });
  const base = wrap(db);
  return {
    kind: 'pglite',
    query: base.query,
    exec: base.exec,
    tx: (fn) => db.transaction((t) => fn(wrap(t))),
    async listen(channel, listener) {
      checkChannel(channel);
      const stop = await db.listen(channel, listener);
      return async () => stop();
    },
    async notify(channel, payload) {
      checkChannel(channel);
      await db.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    // In-process: its LISTEN is never lost.
    onListenRestored: () => () => undefined,
    close: () => db.close(),
  };
}

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

async function openPostgres(url: string, max: number, schema?: string): Promise<Db> {
  if (schema !== undefined && !SCHEMA_RE.test(schema)) throw new Error(`Not a schema name: ${JSON.stringify(schema)}`);
  const pool = new pg.Pool({ connectionString: url, max, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  // A pool's idle client that loses its connection must not take the process down.
  pool.on('error', () => undefined);
  // Fail at start, with the reason, when the database cannot be reached.
  const probe = await pool.connect();
  probe.release();
  let listener: pg.PoolClient | null = null;
  let closed = false;
  const handlers = new Map<string, Set<(payload: string) => void>>();
  // The connection that LISTENs: when it is lost (a restart of PostgreSQL, a network cut), a new one
  // takes its place and listens on every channel again, retrying with backoff; notifications sent
  // meanwhile are lost, which is why listeners re-read what they need (fan-out reads by seq).
  const lost = (client: pg.PoolClient): void => {
    if (listener !== client) return;
    listener = null;
    client.release(true);
    if (closed || handlers.size === 0) return;
    const retry = (delay: number): void => {
      setTimeout(() => {
        if (closed || listener) return;
        listenClient()
          .then(async (c) => {
            for (const channel of handlers.keys()) await c.query(`LISTEN ${channel}`);
            for (const l of reconnectListeners) l();
          })
          .catch(() => retry(Math.min(delay * 2, 10_000)));
      }, delay).unref();
    };
    retry(100);
  };
  const reconnectListeners = new Set<() => void>();
  const listenClient = async (): Promise<pg.PoolClient> => {
    if (listener) return listener;
    const client = await pool.connect();
    client.on('notification', (n) => {
      for (const h of handlers.get(n.channel) ?? []) h(n.payload ?? '');
    });
    client.on('error', () => lost(client));
    client.on('end', () => lost(client));
    listener = client;
    return client;
  };
  return {
    kind: 'postgres',
    async query<T extends Row>(sql: string, params: readonly unknown[] = []) {
      return (await pool.query<T>(sql, params as unknown[])).rows;
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn({
          async query<T extends Row>(sql: string, params: readonly unknown[] = []) {
            return (await client.query<T>(sql, params as unknown[])).rows;
          },
          async exec(sql: string) {
            await client.query(sql);
          },
        });
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async listen(channel, handler) {
      checkChannel(channel);
      const client = await listenClient();
      let set = handlers.get(channel);
      if (!set) {
        handlers.set(channel, (set = new Set()));
        await client.query(`LISTEN ${channel}`);
      }
      set.add(handler);
      return async () => {
        set.delete(handler);
        if (set.size === 0) {
          handlers.delete(channel);
          await client.query(`UNLISTEN ${channel}`).catch(() => undefined);
        }
      };
    },
    async notify(channel, payload) {
      checkChannel(channel);
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    onListenRestored(listener) {
      reconnectListeners.add(listener);
      return () => void reconnectListeners.delete(listener);
    },
    async close() {
      closed = true;
      listener?.release();
      listener = null;
      await pool.end();
    },
  };
}
