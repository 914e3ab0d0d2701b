/**
 * Live sync over real sockets on 127.0.0.1, on PGlite (and PostgreSQL with DATABASE_URL): clients
 * on app sockets and a stock y-websocket client converge, with presence; offline edits on both
 * sides merge on reconnect; updates are acknowledged after commit; documents leave memory when
 * idle and are compacted when their rows pile up.
 */
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { describe, expect, it } from 'vitest';
import type { Db } from '../db/db';
import { testDatabases } from '../testing/test-db';
import { CloseCode } from './close-codes';
import type { DocRef } from './doc-store';
import { eventually, startTestServer, type TestServer } from './testing/harness';
import { TestClient } from './testing/test-client';

const WS = 'ws1';

async function serverState(server: TestServer, name: string): Promise<Y.Doc> {
  const ref: DocRef = { workspaceId: WS, name };
  const doc = new Y.Doc();
  Y.applyUpdate(doc, (await server.sync.store.load(ref)).state);
  return doc;
}

describe.each(testDatabases())('sync on $name', (d) => {
  it('two app clients on one socket each converge on several documents, acknowledged after commit', async () => {
    const { db, drop } = await d.open();
    const server = await startTestServer(db);
    try {
      await server.auth.addUser('tok-a', 'alice', WS, 'editor');
      await server.auth.addUser('tok-b', 'bob', WS, 'owner');
      const a = await TestClient.connect(server.appUrl(WS, 'tok-a'), { framing: 'app' });
      const b = await TestClient.connect(server.appUrl(WS, 'tok-b'), { framing: 'app' });
      const names = ['schema', 'tbl1/s1', 'tbl1/s2'];
      const aDocs = names.map((n) => a.open(n));
      const bDocs = names.map((n) => b.open(n));
      await Promise.all(names.map((n) => Promise.all([a.synced(n), b.synced(n)])));
      aDocs.forEach((doc, i) => doc.getMap('records').set(`a${i}`, { v: i }));
      bDocs.forEach((doc, i) => doc.getMap('records').set(`b${i}`, { v: i }));
      aDocs[1]?.getText('notes').insert(0, 'hello ');
      await Promise.all(names.map((n) => Promise.all([a.allAcked(n), b.allAcked(n)])));
      // Acknowledged means stored: the database has every change.
      for (const [i, n] of names.entries()) {
        expect((await serverState(server, n)).getMap('records').toJSON()).toEqual({ [`a${i}`]: { v: i }, [`b${i}`]: { v: i } });
      }
      await eventually(() => {
        for (let i = 0; i < names.length; i++) {
          expect(aDocs[i]?.getMap('records').toJSON()).toEqual(bDocs[i]?.getMap('records').toJSON());
        }
        expect(bDocs[1]?.getText('notes').toString()).toBe('hello ');
      });
      expect(server.sync.stats()).toEqual({ connections: 2, docs: 3 });
      a.close();
      b.close();
    } finally {
      await server.close();
      await drop();
    }
  });

  it('a stock y-websocket client and an app client converge on a document, with presence', async () => {
    const { db, drop } = await d.open();
    const server = await startTestServer(db);
    const stockDoc = new Y.Doc();
    let provider: WebsocketProvider | null = null;
    try {
      await server.auth.addUser('tok-a', 'alice', WS, 'editor');
      await server.auth.addUser('tok-s', 'stock', WS, 'editor');
      const app = await TestClient.connect(server.appUrl(WS, 'tok-a'), { framing: 'app' });
      const appDoc = app.open('tbl1/s1');
      appDoc.getMap('records').set('from-app', 1);
      // The room name carries the workspace: ws://…/sync/<workspaceId>/<docName>.
      provider = new WebsocketProvider(server.base, `${WS}/tbl1/s1`, stockDoc, {
        params: { token: 'tok-s' },
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        disableBc: true,
      });
      provider.awareness.setLocalStateField('user', { name: 'Stock' });
      stockDoc.getMap('records').set('from-stock', 2);
      await eventually(() => {
        expect(stockDoc.getMap('records').toJSON()).toEqual({ 'from-app': 1, 'from-stock': 2 });
        expect(appDoc.getMap('records').toJSON()).toEqual({ 'from-app': 1, 'from-stock': 2 });
      });
      expect(provider.synced).toBe(true);
      const awareness = app.docs.get('tbl1/s1')?.awareness;
      // Presence carries the sender's authenticated id, whatever the client put there.
      await eventually(() => expect([...(awareness?.getStates().values() ?? [])]).toContainEqual({ user: { name: 'Stock', id: 'stock' } }));
      // The stock client leaves: its presence goes with it.
      provider.destroy();
      provider = null;
      await eventually(() => expect([...(awareness?.getStates().values() ?? [])]).not.toContainEqual({ user: { name: 'Stock' } }));
      app.close();
    } finally {
      provider?.destroy();
      await server.close();
      await drop();
    }
  });

  it('offline edits on both sides merge on reconnect without loss', async () => {
    const { db, drop } = await d.open();
    const server = await startTestServer(db);
    try {
      await server.auth.addUser('tok-a', 'alice', WS, 'editor');
      await server.auth.addUser('tok-b', 'bob', WS, 'editor');
      const docA = new Y.Doc();
      const docB = new Y.Doc();
      let a = await TestClient.connect(server.appUrl(WS, 'tok-a'), { framing: 'app' });
      let b = await TestClient.connect(server.appUrl(WS, 'tok-b'), { framing: 'app' });
      a.open('t/1', docA).getMap('cells').set('r1.f1', 'base');
      b.open('t/1', docB);
      await eventually(() => expect(docB.getMap('cells').get('r1.f1')).toBe('base'));
      await a.allAcked('t/1');
      await b.allAcked('t/1');
      a.close();
      b.close();
      await Promise.all([a.closed, b.closed]);
      // Both work offline: different cells, the same cell, a deletion, text in one place.
      for (let i = 0; i < 50; i++) docA.getMap('cells').set(`a${i}`, i);
      for (let i = 0; i < 50; i++) docB.getMap('cells').set(`b${i}`, i);
      docA.getMap('cells').set('same', 'from-a');
      docB.getMap('cells').set('same', 'from-b');
      docB.getMap('cells').delete('r1.f1');
      docA.getText('notes').insert(0, 'A-text ');
      docB.getText('notes').insert(0, 'B-text ');
      a = await TestClient.connect(server.appUrl(WS, 'tok-a'), { framing: 'app' });
      b = await TestClient.connect(server.appUrl(WS, 'tok-b'), { framing: 'app' });
      a.open('t/1', docA);
      b.open('t/1', docB);
      await eventually(() => {
        expect(docA.getMap('cells').toJSON()).toEqual(docB.getMap('cells').toJSON());
        expect(docA.getText('notes').toString()).toBe(docB.getText('notes').toString());
      });
      const cells = docA.getMap('cells').toJSON();
      for (let i = 0; i < 50; i++) expect([cells[`a${i}`], cells[`b${i}`]]).toEqual([i, i]);
      expect(['from-a', 'from-b']).toContain(cells.same);
      expect(cells['r1.f1']).toBeUndefined();
      expect(docA.getText('notes').toString()).toMatch(/^(A-text B-text |B-text A-text )$/);
      await a.allAcked('t/1');
      await b.allAcked('t/1');
      expect((await serverState(server, 't/1')).getMap('cells').toJSON()).toEqual(cells);
      a.close();
      b.close();
    } finally {
      await server.close();
      await drop();
    }
  });

  it('an update that cannot be stored is neither applied nor forwarded; its sender is closed with 1011 and resends on reconnect', async () => {
    const { db, drop } = await d.open();
    let failing = false;
    // The database refuses statements and transactions (a full disk, a lost connection) while `failing`.
    const flaky: Db = {
      ...db,
      tx: (fn) => (failing ? Promise.reject(new Error('could not write')) : db.tx(fn)),
      query: (sql, params) => (failing ? Promise.reject(new Error('could not write')) : db.query(sql, params)),
    };
    const server = await startTestServer(flaky);
    try {
      await server.auth.addUser('tok-a', 'alice', WS, 'editor');
      await server.auth.addUser('tok-b', 'bob', WS, 'editor');
      const docA = new Y.Doc();
      const a = await TestClient.connect(server.appUrl(WS, 'tok-a'), { framing: 'app' });
      const b = await TestClient.connect(server.appUrl(WS, 'tok-b'), { framing: 'app' });
      a.open('d', docA);
      const docB = b.open('d');
      await Promise.all([a.synced('d'), b.synced('d')]);
      await a.allAcked('d');
      failing = true;
      docA.getMap('m').set('lost-for-now', 1);
      expect(await a.closed).toEqual({ code: CloseCode.storeFailed, reason: 'could not store an update; reconnect to send it again' });
      // B's socket carries everything up to a fresh round trip; the update was not among it.
      failing = false;
      docB.getMap('m').set('tick', 1);
      await b.allAcked('d');
      expect(docB.getMap('m').toJSON()).toEqual({ tick: 1 });
      expect((await serverState(server, 'd')).getMap('m').toJSON()).toEqual({ tick: 1 });
      const again = await TestClient.connect(server.appUrl(WS, 'tok-a'), { framing: 'app' });
      again.open('d', docA);
      await again.synced('d');
      await again.allAcked('d');
      expect((await serverState(server, 'd')).getMap('m').toJSON()).toEqual({ tick: 1, 'lost-for-now': 1 });
      await eventually(() => expect(docB.getMap('m').toJSON()).toEqual({ tick: 1, 'lost-for-now': 1 }));
      again.close();
      b.close();
    } finally {
      await server.close();
      await drop();
    }
  });

  it('compacts a busy document and unloads documents nobody has open', async () => {
    const { db, drop } = await d.open();
    const server = await startTestServer(db, { limits: { compactAfterUpdates: 20, idleUnloadMs: 200 } });
    try {
      await server.auth.addUser('tok-a', 'alice', WS, 'editor');
      const a = await TestClient.connect(server.appUrl(WS, 'tok-a'), { framing: 'app' });
      const doc = a.open('busy');
      await a.synced('busy');
      for (let i = 0; i < 100; i++) {
        doc.getMap('m').set(`k${i}`, i);
        if (i % 10 === 0) await a.allAcked('busy');
      }
      await a.allAcked('busy');
      // Compaction runs in the background once a document has more than 20 rows.
      await eventually(async () => expect(await server.sync.store.updateRows({ workspaceId: WS, name: 'busy' })).toBeLessThanOrEqual(20));
      const snapshots = await db.query('SELECT through_seq FROM doc_snapshots');
      expect(snapshots).toHaveLength(1);
      expect((await serverState(server, 'busy')).getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON());
      expect(server.sync.stats().docs).toBe(1);
      a.close();
      await a.closed;
      await eventually(() => expect(server.sync.stats()).toEqual({ connections: 0, docs: 0 }));
      // Loaded again on next use, with everything.
      const b = await TestClient.connect(server.appUrl(WS, 'tok-a'), { framing: 'app' });
      const again = b.open('busy');
      await b.synced('busy');
      expect(again.getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON());
      b.close();
    } finally {
      await server.close();
      await drop();
    }
  });
});
