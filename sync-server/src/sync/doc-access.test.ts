/**
 * Server-side writes (SyncHandle.update) go the way socket updates go: committed before the call
 * resolves, then seen live by the sockets on the document; concurrent changes run one at a time;
 * a change that changes nothing stores nothing.
 */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../testing/test-db';
import { eventually, startTestServer } from './testing/harness';
import { TestClient } from './testing/test-client';

const WS = 'ws1';

describe.each(testDatabases())('server-side document access on $name', (d) => {
  it('a server-side change is committed when update resolves and a connected client sees it live', async () => {
    const { db, drop } = await d.open();
    const server = await startTestServer(db);
    try {
      await server.auth.addUser('tok-a', 'alice', WS, 'viewer');
      const client = await TestClient.connect(server.appUrl(WS, 'tok-a'), { framing: 'app' });
      const doc = client.open('tbl1/shd1');
      await client.synced('tbl1/shd1');
      const ref = { workspaceId: WS, name: 'tbl1/shd1' };

      const answer = await server.sync.update(ref, (d2) => {
        d2.getMap('records').set('rec1', { c: 1, n: 1, v: {} });
        return 'done';
      });
      expect(answer).toBe('done');
      // Stored before update resolved.
      const stored = new Y.Doc();
      Y.applyUpdate(stored, (await server.sync.store.load(ref)).state);
      expect(stored.getMap('records').get('rec1')).toEqual({ c: 1, n: 1, v: {} });
      await eventually(() => expect(doc.getMap('records').get('rec1')).toEqual({ c: 1, n: 1, v: {} }));
      expect((await server.sync.read(ref)).getMap('records').size).toBe(1);
      client.close();
    } finally {
      await server.close();
      await drop();
    }
  });

  it('concurrent changes of one document each see the ones before; a no-op stores nothing', async () => {
    const { db, drop } = await d.open();
    const server = await startTestServer(db);
    try {
      const ref = { workspaceId: WS, name: 'counter' };
      const bump = () =>
        server.sync.update(ref, (doc) => {
          const m = doc.getMap<number>('m');
          const n = (m.get('n') ?? 0) + 1;
          m.set('n', n);
          return n;
        });
      const results = await Promise.all(Array.from({ length: 10 }, bump));
      expect([...results].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const before = (await server.sync.store.load(ref)).updateRows;
      await server.sync.update(ref, () => undefined);
      expect((await server.sync.store.load(ref)).updateRows).toBe(before);
      const doc = await server.sync.read(ref);
      expect(doc.getMap('m').get('n')).toBe(10);
      // Server writes share one client id: the state vector does not grow per write.
      expect(Y.decodeStateVector(Y.encodeStateVector(doc)).size).toBe(1);
    } finally {
      await server.close();
      await drop();
    }
  });
});
