/**
 * A sync server for HTTP tests: real HTTP on 127.0.0.1 port 0, a real database (from
 * testDatabases()), a clock the test moves, cheap scrypt parameters. Opening PGlite takes about a
 * second, so a test file opens each database once (`useTestWorld` in a describe block) and every
 * test starts from empty tables and a server of its own configuration (`world.start(env)`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { TEST_SCRYPT } from '../accounts/passwords';
import type { LoginLimit } from '../accounts/login-limiter';
import type { RestRateLimit } from '../rest/rate-limit';
import { loadConfig } from '../config';
import type { Db } from '../db/db';
import { migrate } from '../db/migrate';
import { startSyncServer, syncOverWebSocket, type HttpTimeouts, type SyncServer } from '../server';
import type { TestDatabase } from './test-db';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as Authorization: Bearer. */
  token?: string;
  headers?: Record<string, string>;
}

export interface Registered {
  user: { id: string; email: string; name: string; isAdmin: boolean };
  accessToken: string;
  refreshToken: string;
}

export interface TestServer {
  srv: SyncServer;
  db: Db;
  /** The server's clock: `clock.now` in ms; move it with `clock.advance(ms)`. */
  clock: { now: number; advance(ms: number): void };
  dataDir: string;
  /** The server's TOKEN_SECRET (to build a RequestAuthenticator beside it in a test). */
  tokenSecret: string;
  api<T = Record<string, unknown>>(method: string, urlPath: string, opts?: RequestOptions): Promise<ApiResponse<T>>;
  /** Registers (and so signs in) someone; fails the test if the server refuses. */
  register(name: string, opts?: { email?: string; password?: string }): Promise<Registered>;
  close(): Promise<void>;
}

export const TEST_PASSWORD = 'correct horse battery';

export interface TestServerOptions {
  env?: Record<string, string>;
  loginLimit?: LoginLimit;
  sync?: boolean;
  restRateLimit?: RestRateLimit;
  timeouts?: Partial<HttpTimeouts>;
}

export async function startTestServer(db: Db, opts: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-sync-test-'));
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ...opts.env });
  const clock = {
    now: Date.now(),
    advance(ms: number) {
      clock.now += ms;
    },
  };
  const srv = await startSyncServer({
    config,
    db,
    clock: () => clock.now,
    scrypt: TEST_SCRYPT,
    ...(opts.loginLimit ? { loginLimit: opts.loginLimit } : {}),
    // Tests make requests faster than Airtable's 5/s unless they test the limit.
    restRateLimit: opts.restRateLimit ?? { perSecond: 1000, burst: 1000 },
    ...(opts.sync ? { attachSync: syncOverWebSocket } : {}),
    ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
  });

  const api = async <T>(method: string, urlPath: string, o: RequestOptions = {}): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined;
    if (o.body !== undefined) {
      body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${srv.url}${urlPath}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
  };

  return {
    srv,
    db,
    clock,
    dataDir,
    tokenSecret: config.secrets.TOKEN_SECRET,
    api,
    async register(name, o = {}) {
      const email = o.email ?? `${name.toLowerCase().replace(/\W+/g, '.')}@example.com`;
      const res = await api<Registered>('POST', '/api/v1/auth/register', { body: { email, password: o.password ?? TEST_PASSWORD, name } });
      if (res.status !== 201) throw new Error(`register ${email}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async close() {
      await srv.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The tables of the migrations, emptied before each test (CASCADE reaches tables that refer to them). */
const TABLES = ['workspace_blobs', 'blobs', 'blob_chunks', 'blob_uploads', 'bases', 'doc_updates', 'doc_snapshots', 'docs', 'audit_log', 'invitations', 'memberships', 'workspaces', 'api_tokens', 'login_failures', 'refresh_tokens', 'sessions', 'users'];

export interface TestWorld {
  /** The shared database of this describe block (PGlite or a PostgreSQL schema). */
  db(): Db;
  /** The database's connection details (PostgreSQL only), to open a second connection. */
  connection(): { url: string | undefined; schema: string | undefined };
  /** Empties the tables and starts a server; it is closed after the test. */
  start(opts?: TestServerOptions): Promise<TestServer>;
}

/** Call inside a `describe`: one database for the block, a clean start for each test. */
export function useTestWorld(d: TestDatabase): TestWorld {
  let opened: Awaited<ReturnType<TestDatabase['open']>> | null = null;
  const servers: TestServer[] = [];
  beforeAll(async () => {
    opened = await d.open();
    await migrate(opened.db);
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });
  afterAll(async () => {
    await opened?.drop();
  });
  const need = () => {
    if (!opened) throw new Error('useTestWorld: the database is not open (call it inside a describe block).');
    return opened;
  };
  return {
    db: () => need().db,
    connection: () => ({ url: need().url, schema: need().schema }),
    async start(opts = {}) {
      const { db } = need();
      await db.exec(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY CASCADE`);
      const server = await startTestServer(db, opts);
      servers.push(server);
      return server;
    },
  };
}
