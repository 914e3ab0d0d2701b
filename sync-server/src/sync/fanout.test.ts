/**
 * More than one server on one database: a client on server A and a client on server B editing the
 * same document converge within a second, presence included. In one process, two attachSync on
 * two HTTP servers (PGlite: one shared instance; PostgreSQL: two connection pools); with
 * DATABASE_URL, also two server processes.
 */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { openDb } from '../db/db';
import { testDatabases } from '../testing/test-db';
import { startChildServer } from './testing/child-server';
import { startTestServer } from './testing/harness';
import { TestClient } from './testing/test-client';

const WS = 'ws1';

/** Edits on each side in turn; each must reach the other side within `withinMs`. */
async function expectLiveConvergence(a: TestClient, b: TestClient, withinMs: number): Promise<number[]> {
  const docA = a.open('tbl1/s1');
  const docB = b.open('tbl1/s1');
  await Promise.all([a.synced('tbl1/s1'), b.synced('tbl1/s1')]);
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const [from, to] = i % 2 === 0 ? [docA, docB] : [docB, docA];
    const t0 = performance.now();
    from.getMap('cells').set(`k${i}`, i);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`edit ${i} did not arrive within ${withinMs} ms`)), withinMs);
      const check = () => {
        if (to.getMap('cells').get(`k${i}`) !== i) return;
        clearTimeout(timer);
        to.off('update', check);
        resolve();
      };
      to.on('update', check);
      check();
    });
    times.push(performance.now() - t0);
  }
  // Concurrent edits of one cell from both sides settle on one value on both.
  docA.getMap('cells').set('same', 'a');
  docB.getMap('cells').set('same', 'b');
  const deadline = Date.now() + withinMs;
  // Converged: both have every change (equal state vectors), not just equal-looking maps.
  const same = () => Buffer.from(Y.encodeStateVector(docA)).equals(Y.encodeStateVector(docB)) && docA.getMap('cells').get('same') === docB.getMap('cells').get('same');
  while (Date.now() < deadline && !same()) await new Promise((r) => setTimeout(r, 10));
  expect(docA.getMap('cells').toJSON()).toEqual(docB.getMap('cells').toJSON());
  expect(Y.encodeStateVector(docA)).toEqual(Y.encodeStateVector(docB));
  return times;
}

describe.each(testDatabases())('fan-out on $name', (d) => {
  it('two servers in one process on one database: clients on each converge within a second, with presence', async () => {
    const { db, url, schema, drop } = await d.open();
    // PostgreSQL: a second pool, as a second process would have. PGlite: the same instance.
    const db2 = url ? await openDb({ dataDir: '', databaseUrl: url, schema }) : db;
    const one = await startTestServer(db, { fanout: true });
    const two = await startTestServer(db2, { fanout: true });
    try {
      await one.auth.addUser('tok-a', 'alice', WS, 'editor');
      await one.auth.addUser('tok-b', 'bob', WS, 'editor');
      const a = await TestClient.connect(one.appUrl(WS, 'tok-a'), { framing: 'app' });
      const b = await TestClient.connect(two.appUrl(WS, 'tok-b'), { framing: 'app' });
      const times = await expectLiveConvergence(a, b, 1000);
      expect(Math.max(...times)).toBeLessThan(1000);
      a.docs.get('tbl1/s1')?.awareness.setLocalStateField('cell', 'r1.f1');
      await expect.poll(() => [...(b.docs.get('tbl1/s1')?.awareness.getStates().values() ?? [])], { timeout: 1000 }).toContainEqual({ cell: 'r1.f1' });
      a.close();
      b.close();
    } finally {
      await one.close();
      await two.close();
      if (db2 !== db) await db2.close();
      await drop();
    }
  });

  it.runIf(d.name === 'postgres')('two server processes on one PostgreSQL: clients on each converge within a second', async () => {
    const { url, schema, drop } = await d.open();
    const users: Array<[string, string, string, 'editor']> = [
      ['tok-a', 'alice', WS, 'editor'],
      ['tok-b', 'bob', WS, 'editor'],
    ];
    const p1 = await startChildServer({ databaseUrl: url, schema, users });
    const p2 = await startChildServer({ databaseUrl: url, schema, users }).catch(async (e: unknown) => {
      await p1.kill();
      throw e;
    });
    try {
      const a = await TestClient.connect(p1.appUrl(WS, 'tok-a'), { framing: 'app' });
      const b = await TestClient.connect(p2.appUrl(WS, 'tok-b'), { framing: 'app' });
      await expectLiveConvergence(a, b, 1000);
      a.close();
      b.close();
    } finally {
      await p1.stop();
      await p2.stop();
      await drop();
    }
  });

  it.runIf(d.name === 'postgres')('catches up on what it missed while its listening connection was cut', async () => {
    const { db, drop } = await d.open();
    const one = await startTestServer(db, { fanout: true });
    try {
      await one.auth.addUser('tok-b', 'bob', WS, 'editor');
      const b = await TestClient.connect(one.appUrl(WS, 'tok-b'), { framing: 'app' });
      const docB = b.open('tbl1/s1');
      await b.synced('tbl1/s1');
      // An update committed with no notice (as one sent while the connection was down would be lost).
      const other = new Y.Doc();
      other.getMap('cells').set('missed', 'found');
      const docId = await one.sync.store.docId({ workspaceId: WS, name: 'tbl1/s1' });
      await db.query('INSERT INTO doc_updates (doc_id, update) VALUES ($1, $2)', [docId, Buffer.from(Y.encodeStateAsUpdate(other))]);
      await new Promise((r) => setTimeout(r, 200));
      expect(docB.getMap('cells').get('missed')).toBeUndefined();
      // The listening connection is cut, as a restart of PostgreSQL would; once back, it catches up.
      await db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN bp_doc'");
      await expect.poll(() => docB.getMap('cells').get('missed'), { timeout: 10_000 }).toBe('found');
      b.close();
    } finally {
      await one.close();
      await drop();
    }
  });
});
