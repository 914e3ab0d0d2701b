/**
 * A sync server for the sync benchmark, in a process of its own (started by sync.bench.ts with
 * `node --import tsx`). One JSON argument:
 *   {"kind":"ours","users":N,"seed":bool,"dataDir":"…"}   our server (attachSync, default limits)
 *       over PGlite in dataDir, or PostgreSQL in a schema of its own when DATABASE_URL is set
 *       (created here, dropped on exit); N users (token-<i>, editors of the bench workspace),
 *       each authenticated against the database when its socket opens
 *   {"kind":"stock","seed":bool}                          @y/websocket-server 0.1.1 as its
 *       server.js runs it (setupWSConnection, documents in memory, one room per socket)
 * With seed, the 100k-record table (sync-data.ts) is stored beforehand: ours appends each shard's
 * update to its store (nothing loaded in memory: a client's first request loads it); the stock
 * server gets a persistence whose bindState applies the same update when a room is first opened.
 *
 * Prints `{"port":…}` once it listens on 127.0.0.1; stops when its stdin closes (the parent ended
 * or died) or on SIGTERM. On SIGUSR2 it prints `{"cpuMs":…}`: its CPU time so far (user + system),
 * which the parent reads before and after a measurement.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import crypto from 'node:crypto';
import pg from 'pg';
import * as Y from 'yjs';
import { WebSocketServer } from 'ws';
import { setPersistence, setupWSConnection } from '@y/websocket-server/utils';
import { openDb, type Db } from '../../sync-server/src/db/db';
import { attachSync } from '../../sync-server/src/sync/attach-sync';
import { DocStore } from '../../sync-server/src/sync/doc-store';
import { migrateDocs, TableAuthenticator } from '../../sync-server/src/sync/testing/table-authenticator';
import { buildShards, tokenOf, WORKSPACE } from './sync-data';

export type ServerChildConfig = { kind: 'ours'; users: number; seed: boolean; dataDir: string } | { kind: 'stock'; seed: boolean };

const config = JSON.parse(process.argv[2] ?? '{}') as ServerChildConfig;
const LIFETIME_MS = 15 * 60_000;

const server = http.createServer((_req, res) => {
  res.statusCode = 404;
  res.end();
});
let shutdown: () => Promise<void> = async () => undefined;

if (config.kind === 'ours') {
  const url = process.env.DATABASE_URL || undefined;
  const schema = url ? `bench_${crypto.randomBytes(5).toString('hex')}` : undefined;
  if (url) await adminQuery(url, `CREATE SCHEMA ${schema}`);
  const db: Db = await openDb({ dataDir: config.dataDir, databaseUrl: url, schema });
  await migrateDocs(db);
  const auth = await TableAuthenticator.create(db);
  for (let i = 0; i < config.users; i++) await auth.addUser(tokenOf(i), `user-${i}`, WORKSPACE, 'editor');
  if (config.seed) {
    const store = new DocStore(db);
    for (const [name, update] of buildShards()) {
      const r = await store.append({ workspaceId: WORKSPACE, name }, update);
      if (!r.ok) throw new Error(`seeding ${name}: ${r.message}`);
    }
  }
  const sync = await attachSync(server, { db, auth });
  shutdown = async () => {
    await sync.close();
    await db.close();
    if (url) await adminQuery(url, `DROP SCHEMA ${schema} CASCADE`);
  };
} else {
  if (config.seed) {
    const seeds = new Map(buildShards());
    setPersistence({
      provider: null,
      bindState: (name, doc) => {
        const update = seeds.get(name);
        if (update) Y.applyUpdate(doc, update);
      },
      writeState: async () => undefined,
    });
  }
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => setupWSConnection(ws, req, { docName: decodeURIComponent((req.url ?? '/').slice(1).split('?')[0] ?? '') }));
  });
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  server.closeAllConnections();
  try {
    await shutdown();
  } finally {
    process.exit(0);
  }
}
process.stdin.on('end', () => void stop());
process.stdin.resume();
process.on('SIGTERM', () => void stop());
process.on('SIGUSR2', () => {
  const cpu = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
});
setTimeout(() => process.exit(1), LIFETIME_MS).unref();

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
