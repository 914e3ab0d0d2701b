/**
 * Team sync with the server in processes of its own: killed with SIGKILL in the middle of a burst
 * of edits and restarted, nothing is lost; and (on PostgreSQL) three app engines on two server
 * processes sharing one database see each other's edits and presence live.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { testDatabases } from '../../sync-server/src/testing/test-db';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp, eventually, waitForState, cell, type App } from './sync-engines.support';

const CHILD = path.join(import.meta.dirname, 'sync-server-child.ts');
const PASSWORD = 'correct horse battery';

interface ServerProcess {
  url: string;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in 30 s: ${stderr}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`the server exited (${code}): ${stderr}`)));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A fresh database for the servers: a PostgreSQL schema of its own when DATABASE_URL is set, else PGlite in a folder. */
async function freshDatabase(dataDir: string): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const postgres = testDatabases().find((d) => d.name === 'postgres');
  if (!postgres) return { env: { DATA_DIR: dataDir }, drop: async () => undefined };
  const opened = await postgres.open();
  return { env: { DATA_DIR: dataDir, DATABASE_URL: opened.url!, SYNC_DB_SCHEMA: opened.schema! }, drop: () => opened.drop() };
}

async function api<T>(server: string, method: string, p: string, body?: unknown, token?: string): Promise<T> {
  const res = await fetch(server + p, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

describe(`team sync with server processes (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const app = (name: string): App => {
    const a = startApp(name);
    cleanups.push(() => a.close());
    return a;
  };
  const tempDir = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-sync-proc-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
  };

  /** Ann publishes Parts (Name) to a new workspace and invites Bob (and others) as editors; each clones it. */
  async function team(servers: { ann: string; others: Array<{ name: string; server: string }> }) {
    const ann = app('ann');
    await ann.client['sync.signIn']({ server: servers.ann, email: 'ann@example.com', password: PASSWORD, register: true, name: 'Ann' });
    const base = await ann.client['base.create']({ path: ann.file('Parts.baseplate') });
    const table = await ann.client['table.create']({ base: base.base, name: 'Parts', fields: [{ name: 'Name', type: 'singleLineText' }] });
    const field = table.fields[0]!.id;
    const ws = await ann.client['sync.createWorkspace']({ server: servers.ann, name: 'Plant 2' });
    await ann.client['sync.publish']({ base: base.base, server: servers.ann, workspace: ws.id });
    await waitForState(ann, base.base, 'synced');
    const { accessToken } = await api<{ accessToken: string }>(servers.ann, 'POST', '/api/v1/auth/login', { email: 'ann@example.com', password: PASSWORD });
    const others: Array<{ app: App; base: string }> = [];
    for (const o of servers.others) {
      const a = app(o.name);
      await a.client['sync.signIn']({ server: o.server, email: `${o.name}@example.com`, password: PASSWORD, register: true, name: o.name });
      const inv = await api<{ token: string }>(servers.ann, 'POST', `/api/v1/workspaces/${ws.id}/invitations`, { role: 'editor' }, accessToken);
      const login = await api<{ accessToken: string }>(o.server, 'POST', '/api/v1/auth/login', { email: `${o.name}@example.com`, password: PASSWORD });
      await api(o.server, 'POST', '/api/v1/invitations/accept', { token: inv.token }, login.accessToken);
      const copy = await a.client['sync.clone']({ server: o.server, workspace: ws.id, remoteBase: base.baseId, path: a.file('Parts.baseplate') });
      others.push({ app: a, base: copy.base });
    }
    return { ann, annBase: base.base, field, others };
  }

  it('loses no edit when the server is killed (SIGKILL) in the middle of a burst and restarted', async () => {
    const dir = tempDir();
    const db = await freshDatabase(dir);
    cleanups.push(() => db.drop());
    const port = String(await freePort());
    const env = { ...db.env, PORT: port, TOKEN_SECRET: crypto.randomBytes(32).toString('base64url') };
    let server = await startServer(env);
    cleanups.push(() => server.stop());
    const { ann, annBase, field, others } = await team({ ann: server.url, others: [{ name: 'bob', server: server.url }] });
    const bob = others[0]!;

    // 300 separate changes on each side; the server dies a third of the way through Ann's.
    const annIds: string[] = [];
    const bobIds: string[] = [];
    const burst = async (who: App, base: string, ids: string[], killAt: number | null) => {
      for (let i = 0; i < 300; i++) {
        if (i === killAt) void server.kill();
        ids.push(...(await who.client['records.create']({ base, table: 'Parts', records: [{ [field]: `${who.name} ${i}` }] })).ids);
      }
    };
    await Promise.all([burst(ann, annBase, annIds, 100), burst(bob.app, bob.base, bobIds, null)]);
    await server.kill();
    server = await startServer(env);

    await waitForState(ann, annBase, 'synced', 30_000);
    await waitForState(bob.app, bob.base, 'synced', 30_000);
    for (const side of [{ app: ann, base: annBase }, bob]) {
      await eventually(`${side.app.name} to hold all 600 records`, async () => (await side.app.client['records.count']({ base: side.base, table: 'Parts' })).count === 600, 15_000);
    }
    expect(await cell(bob.app, bob.base, 'Parts', annIds[299]!, field)).toBe('ann 299');
    expect(await cell(ann, annBase, 'Parts', bobIds[150]!, field)).toBe('bob 150');
  });

  it.skipIf(!process.env.DATABASE_URL)('three app engines on two server processes sharing one PostgreSQL see each other live', async () => {
    const dir = tempDir();
    const db = await freshDatabase(dir);
    cleanups.push(() => db.drop());
    const secret = crypto.randomBytes(32).toString('base64url');
    const first = await startServer({ ...db.env, PORT: '0', TOKEN_SECRET: secret });
    cleanups.push(() => first.stop());
    const second = await startServer({ ...db.env, DATA_DIR: path.join(dir, 'second'), PORT: '0', TOKEN_SECRET: secret });
    cleanups.push(() => second.stop());
    const { ann, annBase, field, others } = await team({ ann: first.url, others: [{ name: 'bob', server: second.url }, { name: 'cat', server: second.url }] });
    const [bob, cat] = others as [{ app: App; base: string }, { app: App; base: string }];

    const t0 = performance.now();
    const { ids } = await ann.client['records.create']({ base: annBase, table: 'Parts', records: [{ [field]: 'from Ann via process 1' }] });
    for (const o of others) await eventually(`${o.app.name} to see Ann's record`, async () => (await cell(o.app, o.base, 'Parts', ids[0]!, field)) === 'from Ann via process 1');
    expect(performance.now() - t0).toBeLessThan(1000);

    await bob.app.client['records.update']({ base: bob.base, table: 'Parts', updates: [{ id: ids[0]!, fields: { [field]: 'edited by Bob via process 2' } }] });
    await eventually('Ann to see Bob\'s edit', async () => (await cell(ann, annBase, 'Parts', ids[0]!, field)) === 'edited by Bob via process 2');
    await eventually('Cat to see Bob\'s edit', async () => (await cell(cat.app, cat.base, 'Parts', ids[0]!, field)) === 'edited by Bob via process 2');

    const tableId = (await cat.app.client['schema.get']({ base: cat.base })).tables[0]!.id;
    await cat.app.client['sync.presence']({ base: cat.base, table: tableId, cell: { record: ids[0]!, field } });
    await eventually('Ann to see Cat\'s selected cell', async () => (await ann.client['sync.peers']({ base: annBase })).some((p) => p.user.name === 'cat' && p.cell?.record === ids[0]));
  });
});
