/**
 * Who may do what on a sync socket, over real sockets on 127.0.0.1: upgrades refused before any
 * socket (401, 403, 400, 429, 503); a viewer's or commenter's update refused with the document
 * unchanged and nothing forwarded, presence still allowed; role changes and removal take effect on
 * open sockets at once; oversize, flooding, malformed and too-many-documents sockets closed with
 * their codes.
 */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../testing/test-db';
import { CloseCode } from './close-codes';
import { encodeMessage } from '../../../src-shared/sync/protocol';
import { eventually, startTestServer, type TestServer } from './testing/harness';
import { RefusedUpgrade, TestClient } from './testing/test-client';

const WS = 'ws1';

async function refusal(url: string, protocols?: string[]): Promise<number> {
  try {
    const c = await TestClient.connect(url, { framing: 'app', ...(protocols ? { protocols } : {}) });
    c.close();
    return 101;
  } catch (e) {
    if (e instanceof RefusedUpgrade) return e.status;
    throw e;
  }
}

async function serverMap(server: TestServer, name: string): Promise<Record<string, unknown>> {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, (await server.sync.store.load({ workspaceId: WS, name })).state);
  return doc.getMap('m').toJSON();
}

describe.each(testDatabases())('sync access on $name', (d) => {
  it('refuses an upgrade before any socket: 401 without or with a wrong token, 403 for a non-member, 400 for a bad path', async () => {
    const { db, drop } = await d.open();
    const server = await startTestServer(db);
    try {
      await server.auth.addUser('tok-a', 'alice', WS, 'viewer');
      await server.auth.addUser('tok-x', 'xavier');
      expect(await refusal(`${server.base}/${WS}`)).toBe(401);
      expect(await refusal(server.appUrl(WS, 'wrong'))).toBe(401);
      expect(await refusal(server.appUrl(WS, 'tok-x'))).toBe(403);
      expect(await refusal(server.roomUrl(WS, 'doc', 'tok-x'))).toBe(403);
      expect(await refusal(server.appUrl('not a workspace!', 'tok-a'))).toBe(400);
      expect(await refusal(`${server.base}/${WS}/%E0%A4%A?token=tok-a`)).toBe(400);
      // The token may come as a subprotocol (browsers cannot set headers); ours is selected.
      const viaProtocol = await TestClient.connect(`${server.base}/${WS}`, { framing: 'app', protocols: ['baseplate-sync', 'token.tok-a'] });
      expect(viaProtocol.ws.protocol).toBe('baseplate-sync');
      viaProtocol.close();
    } finally {
      await server.close();
      await drop();
    }
  });

  it("refuses a viewer's or commenter's update: the document is unchanged, nothing is forwarded, presence still goes through", async () => {
    const { db, drop } = await d.open();
    const server = await startTestServer(db);
    try {
      await server.auth.addUser('tok-e', 'ed', WS, 'editor');
      await server.auth.addUser('tok-v', 'vi', WS, 'viewer');
      await server.auth.addUser('tok-c', 'co', WS, 'commenter');
      const editor = await TestClient.connect(server.appUrl(WS, 'tok-e'), { framing: 'app' });
      const edDoc = editor.open('d');
      edDoc.getMap('m').set('x', 1);
      edDoc.getMap('m').set('gone', 1);
      edDoc.getMap('m').delete('gone');
      await editor.allAcked('d');
      let tick: Record<string, string> = {};
      for (const [token, role] of [['tok-v', 'viewer'], ['tok-c', 'commenter']] as const) {
        // App socket and room socket (what a stock y-websocket client speaks) alike.
        for (const framing of ['app', 'room'] as const) {
          const url = framing === 'app' ? server.appUrl(WS, token) : server.roomUrl(WS, 'd', token);
          const reader = await TestClient.connect(url, { framing });
          const doc = reader.open('d');
          await reader.synced('d');
          expect(doc.getMap('m').toJSON()).toEqual({ x: 1, ...tick });
          // Its sync step 2 repeated a deletion the server has: not a change, not refused.
          if (framing === 'app') await reader.allAcked('d');
          expect(reader.denied).toEqual([]);
          doc.getMap('m').set('x', 2);
          doc.getMap('m').set(`by-${role}`, true);
          await eventually(() => expect(reader.denied).toHaveLength(2));
          expect(reader.denied[0]).toBe(`A ${role} cannot change documents: this change to 'd' was not saved.`);
          if (framing === 'app') await reader.allAcked('d');
          reader.docs.get('d')?.awareness.setLocalStateField('cursor', { role, framing });
          // A round trip on the editor's socket: anything forwarded to it would have come first.
          tick = { tick: `${role}-${framing}` };
          edDoc.getMap('m').set('tick', tick.tick ?? '');
          await editor.allAcked('d');
          expect(edDoc.getMap('m').toJSON()).toEqual({ x: 1, ...tick });
          expect(await serverMap(server, 'd')).toEqual({ x: 1, ...tick });
          const states = () => [...(editor.docs.get('d')?.awareness.getStates().values() ?? [])];
          await eventually(() => expect(states()).toContainEqual({ cursor: { role, framing } }));
          reader.close();
          await reader.closed;
        }
      }
      editor.close();
    } finally {
      await server.close();
      await drop();
    }
  });

  it('applies a role change to open sockets at once: lowered to viewer, later updates refused; raised, a fresh replica writes again', async () => {
    const { db, drop } = await d.open();
    const server = await startTestServer(db);
    try {
      await server.auth.addUser('tok-b', 'bob', WS, 'editor');
      const bob = await TestClient.connect(server.appUrl(WS, 'tok-b'), { framing: 'app' });
      const doc = bob.open('d');
      doc.getMap('m').set('before', 1);
      await bob.allAcked('d');
      await server.auth.setRole(WS, 'bob', 'viewer');
      doc.getMap('m').set('while-viewer', 1);
      await bob.allAcked('d');
      expect(bob.denied).toHaveLength(1);
      expect(await serverMap(server, 'd')).toEqual({ before: 1 });
      await server.auth.setRole(WS, 'bob', 'admin');
      // A refused replica has a change the server will never have, which every later change of
      // that replica builds on: the client drops it and opens the document afresh (README).
      bob.send('d', { type: 'unsubscribe' });
      bob.docs.get('d')?.stop();
      const fresh = bob.open('d');
      await bob.synced('d');
      expect(fresh.getMap('m').toJSON()).toEqual({ before: 1 });
      fresh.getMap('m').set('after', 1);
      await bob.allAcked('d');
      expect(await serverMap(server, 'd')).toEqual({ before: 1, after: 1 });
      bob.close();
    } finally {
      await server.close();
      await drop();
    }
  });

  it("closes a removed member's sockets at once with 4403, and only in that workspace", async () => {
    const { db, drop } = await d.open();
    const server = await startTestServer(db);
    try {
      await server.auth.addUser('tok-b', 'bob', WS, 'editor');
      await server.auth.setRole('ws2', 'bob', 'editor');
      const app = await TestClient.connect(server.appUrl(WS, 'tok-b'), { framing: 'app' });
      const room = await TestClient.connect(server.roomUrl(WS, 'd', 'tok-b'), { framing: 'room' });
      const other = await TestClient.connect(server.appUrl('ws2', 'tok-b'), { framing: 'app' });
      app.open('d');
      room.open('d');
      other.open('d');
      await Promise.all([app.synced('d'), room.synced('d'), other.synced('d')]);
      const t0 = Date.now();
      await server.auth.setRole(WS, 'bob', null);
      const [a, r] = await Promise.all([app.closed, room.closed]);
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(a).toEqual({ code: CloseCode.forbidden, reason: 'you are no longer a member of this workspace' });
      expect(r.code).toBe(CloseCode.forbidden);
      expect(other.ws.readyState).toBe(other.ws.OPEN);
      expect(await refusal(server.appUrl(WS, 'tok-b'))).toBe(403);
      other.close();
    } finally {
      await server.close();
      await drop();
    }
  });

  it('closes a socket whose token was revoked with 4401, when tokens are checked again', async () => {
    const { db, drop } = await d.open();
    const server = await startTestServer(db, { limits: { recheckTokenMs: 100 } });
    try {
      await server.auth.addUser('tok-a', 'alice', WS, 'editor');
      await server.auth.addUser('tok-a2', 'alice');
      const revoked = await TestClient.connect(server.appUrl(WS, 'tok-a'), { framing: 'app' });
      const kept = await TestClient.connect(server.appUrl(WS, 'tok-a2'), { framing: 'app' });
      await server.auth.revoke('tok-a');
      expect(await revoked.closed).toEqual({ code: CloseCode.unauthorized, reason: 'your sign-in has ended; sign in again and reconnect' });
      expect(kept.ws.readyState).toBe(kept.ws.OPEN);
      kept.close();
    } finally {
      await server.close();
      await drop();
    }
  });

  it('closes an oversize message with 1009, an update over the update limit too, and a malformed message with 4400', async () => {
    const { db, drop } = await d.open();
    const server = await startTestServer(db, { limits: { maxMessageBytes: 64 * 1024, maxUpdateBytes: 16 * 1024 } });
    try {
      await server.auth.addUser('tok-a', 'alice', WS, 'editor');
      const big = await TestClient.connect(server.appUrl(WS, 'tok-a'), { framing: 'app' });
      big.sendRaw(new Uint8Array(100 * 1024));
      expect((await big.closed).code).toBe(1009);
      const over = await TestClient.connect(server.appUrl(WS, 'tok-a'), { framing: 'app' });
      const doc = over.open('d');
      await over.synced('d');
      doc.getText('t').insert(0, 'y'.repeat(30 * 1024));
      expect(await over.closed).toEqual({ code: 1009, reason: 'an update over 16384 bytes' });
      expect(await serverMap(server, 'd')).toEqual({});
      const bad = await TestClient.connect(server.appUrl(WS, 'tok-a'), { framing: 'app' });
      bad.sendRaw(encodeMessage('d', { type: 'sync-update', update: new Uint8Array([7, 7, 7]), step2: false }));
      expect(await bad.closed).toEqual({ code: CloseCode.badMessage, reason: 'a malformed Yjs update' });
      const badName = await TestClient.connect(server.appUrl(WS, 'tok-a'), { framing: 'app' });
      badName.sendRaw(encodeMessage('', { type: 'query-awareness' }));
      expect((await badName.closed).code).toBe(CloseCode.badMessage);
    } finally {
      await server.close();
      await drop();
    }
  });

  it('closes a flooding socket with 4429 and one with too many documents with 4413', async () => {
    const { db, drop } = await d.open();
    const server = await startTestServer(db, { limits: { messagesPerSecond: 20, messageBurst: 50, maxDocsPerConnection: 3 } });
    try {
      await server.auth.addUser('tok-a', 'alice', WS, 'editor');
      const calm = await TestClient.connect(server.appUrl(WS, 'tok-a'), { framing: 'app' });
      calm.open('d');
      await calm.synced('d');
      const flood = await TestClient.connect(server.appUrl(WS, 'tok-a'), { framing: 'app' });
      for (let i = 0; i < 200; i++) flood.sendRaw(encodeMessage('d', { type: 'query-awareness' }));
      expect((await flood.closed).code).toBe(CloseCode.rateLimited);
      expect(calm.ws.readyState).toBe(calm.ws.OPEN);
      const many = await TestClient.connect(server.appUrl(WS, 'tok-a'), { framing: 'app' });
      for (const n of ['a', 'b', 'c', 'd']) many.open(n);
      expect((await many.closed).code).toBe(CloseCode.tooManyDocs);
      calm.close();
    } finally {
      await server.close();
      await drop();
    }
  });

  it('limits connections: HTTP 429 past the per-user limit, 503 past the total', async () => {
    const { db, drop } = await d.open();
    const server = await startTestServer(db, { limits: { maxConnectionsPerUser: 2, maxConnections: 3 } });
    try {
      await server.auth.addUser('tok-a', 'alice', WS, 'editor');
      await server.auth.addUser('tok-b', 'bob', WS, 'editor');
      const a1 = await TestClient.connect(server.appUrl(WS, 'tok-a'), { framing: 'app' });
      const a2 = await TestClient.connect(server.roomUrl(WS, 'd', 'tok-a'), { framing: 'room' });
      expect(await refusal(server.appUrl(WS, 'tok-a'))).toBe(429);
      const b1 = await TestClient.connect(server.appUrl(WS, 'tok-b'), { framing: 'app' });
      expect(await refusal(server.appUrl(WS, 'tok-b'))).toBe(503);
      // A closed socket frees its place.
      a1.close();
      await a1.closed;
      await eventually(() => expect(server.sync.stats().connections).toBe(2));
      const a3 = await TestClient.connect(server.appUrl(WS, 'tok-a'), { framing: 'app' });
      for (const c of [a2, a3, b1]) c.close();
    } finally {
      await server.close();
      await drop();
    }
  });
});
