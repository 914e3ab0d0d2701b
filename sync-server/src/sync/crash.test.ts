/**
 * A server killed at any moment (SIGKILL, in a process of its own) restarts with every update it
 * acknowledged: a client streams updates to three documents, the server is killed mid-stream at a
 * random point, restarted on the same data (a PGlite folder, or PostgreSQL with DATABASE_URL), and
 * a new client finds everything acknowledged. The first client then reconnects and resends what
 * was not, so in the end nothing it wrote is missing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../testing/test-db';
import { startChildServer as startChild, type ChildServer, type ChildServerOptions } from './testing/child-server';
import { TestClient } from './testing/test-client';

const WS = 'ws1';
const DOCS = ['schema', 'tbl1/s1', 'tbl1/s2'];
const users: ChildServerOptions['users'] = [['tok-a', 'alice', WS, 'editor']];

describe.each(testDatabases())('crash on $name', (d) => {
  it('restarts after SIGKILL with every acknowledged update', async () => {
    const seed = Number(process.env.SYNC_TEST_SEED ?? Date.now() % 1_000_000);
    let state = seed;
    const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-sync-crash-'));
    const opened = d.name === 'postgres' ? await d.open() : null;
    const target: ChildServerOptions = opened ? { databaseUrl: opened.url, schema: opened.schema, users } : { dataDir: dir, users };
    const docs = DOCS.map(() => new Y.Doc());
    /** Per document, the keys written, in the order of the update messages that carried them. */
    const written = DOCS.map(() => new Map<string, number>());
    let next = 0;
    const started: ChildServer[] = [];
    const startChildServer = async (o: ChildServerOptions) => {
      const s = await startChild(o);
      started.push(s);
      return s;
    };
    try {
      for (let round = 0; round < 2; round++) {
        const server = await startChildServer(target);
        const client = await TestClient.connect(server.appUrl(WS, 'tok-a'), { framing: 'app' });
        DOCS.forEach((n, i) => client.open(n, docs[i]));
        await Promise.all(DOCS.map((n) => client.synced(n)));
        // Stream updates; kill the server once a random number of them were acknowledged.
        const killAfter = 40 + Math.floor(random() * 80);
        const acked = () => DOCS.reduce((s, n) => s + (client.docs.get(n)?.acked ?? 0), 0);
        const streamUntil = Date.now() + 20_000;
        while (acked() < killAfter) {
          if (Date.now() > streamUntil) throw new Error(`only ${acked()} of ${killAfter} updates acknowledged in 20 s`);
          const i = Math.floor(random() * DOCS.length);
          const key = `k${next++}`;
          docs[i]?.getMap('m').set(key, next);
          written[i]?.set(key, client.docs.get(DOCS[i] ?? '')?.sent ?? 0);
          if (random() < 0.3) await new Promise((r) => setTimeout(r, 1));
          else await new Promise((r) => setImmediate(r));
        }
        // Updates are still in flight when the process dies.
        for (let k = 0; k < 20; k++) docs[k % 3]?.getMap('m').set(`k${next++}`, next);
        await server.kill();
        await client.closed;
        const ackedAtKill = DOCS.map((n) => client.docs.get(n)?.acked ?? 0);
        client.terminate();

        const restarted = await startChildServer(target);
        const reader = await TestClient.connect(restarted.appUrl(WS, 'tok-a'), { framing: 'app' });
        const readerDocs = DOCS.map((n) => reader.open(n));
        await Promise.all(DOCS.map((n) => reader.synced(n)));
        DOCS.forEach((_, i) => {
          const have = readerDocs[i]?.getMap('m');
          const missing = [...(written[i] ?? [])].filter(([key, msg]) => msg <= (ackedAtKill[i] ?? 0) && !have?.has(key)).map(([key]) => key);
          expect(missing, `seed ${seed}, round ${round}, doc ${DOCS[i]}`).toEqual([]);
        });
        reader.close();
        // The writer reconnects: the handshake resends what the dead server never stored.
        const again = await TestClient.connect(restarted.appUrl(WS, 'tok-a'), { framing: 'app' });
        DOCS.forEach((n, i) => again.open(n, docs[i]));
        await Promise.all(DOCS.map((n) => again.synced(n).then(() => again.allAcked(n))));
        again.close();
        await again.closed;
        // Writes of the next round are counted from a new socket.
        written.forEach((w) => w.clear());
        await restarted.stop();
      }
      // Everything written in both rounds is stored.
      const final = await startChildServer(target);
      const check = await TestClient.connect(final.appUrl(WS, 'tok-a'), { framing: 'app' });
      const finalDocs = DOCS.map((n) => check.open(n));
      await Promise.all(DOCS.map((n) => check.synced(n)));
      DOCS.forEach((_, i) => expect(finalDocs[i]?.getMap('m').toJSON(), `seed ${seed}`).toEqual(docs[i]?.getMap('m').toJSON()));
      expect(DOCS.reduce((s, _, i) => s + (finalDocs[i]?.getMap('m').size ?? 0), 0)).toBe(next);
      check.close();
      await final.stop();
    } finally {
      // A failed run leaves no server process behind.
      await Promise.all(started.map((s) => s.kill()));
      fs.rmSync(dir, { recursive: true, force: true });
      await opened?.drop();
    }
  }, 120_000);
});
