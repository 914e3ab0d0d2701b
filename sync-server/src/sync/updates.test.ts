/**
 * Checking an update against a document without applying it: malformed bytes are refused; content
 * or deletions the document lacks are news; what it already has (a reconnect's repeated deletions)
 * is not.
 */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { checkUpdate, compactState } from './updates';

function pair(): { server: Y.Doc; client: Y.Doc } {
  const client = new Y.Doc();
  client.getMap('m').set('a', 1);
  client.getMap('m').set('b', 2);
  client.getMap('m').delete('a');
  const server = new Y.Doc();
  Y.applyUpdate(server, Y.encodeStateAsUpdate(client));
  return { server, client };
}

describe('checkUpdate', () => {
  it('refuses bytes that are not a Yjs update', () => {
    expect(checkUpdate(null, new Uint8Array([9, 9, 9]))).toEqual({ ok: false, reason: 'a malformed Yjs update' });
    expect(checkUpdate(new Y.Doc(), new Uint8Array([1]))).toMatchObject({ ok: false });
  });

  it('finds nothing new in what the document has, deletions included', () => {
    const { server, client } = pair();
    expect(checkUpdate(server, Y.encodeStateAsUpdate(client, Y.encodeStateVector(server)))).toEqual({ ok: true, news: false });
    expect(checkUpdate(server, Y.encodeStateAsUpdate(client))).toEqual({ ok: true, news: false });
    expect(checkUpdate(server, new Uint8Array([0, 0]))).toEqual({ ok: true, news: false });
  });

  it('finds new content and new deletions', () => {
    const { server, client } = pair();
    const updates: Uint8Array[] = [];
    client.on('update', (u: Uint8Array) => updates.push(u));
    client.getMap('m').set('c', 3);
    client.getMap('m').delete('b');
    expect(checkUpdate(server, updates[0] ?? new Uint8Array())).toEqual({ ok: true, news: true });
    // A deletion alone: no struct, only a delete set for an item the server still has.
    expect(checkUpdate(server, updates[1] ?? new Uint8Array())).toEqual({ ok: true, news: true });
    expect(checkUpdate(null, updates[1] ?? new Uint8Array())).toEqual({ ok: true, news: true });
  });
});

describe('compactState', () => {
  it('keeps the state and drops deleted content', () => {
    const doc = new Y.Doc();
    const parts: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => parts.push(u));
    doc.getText('t').insert(0, 'x'.repeat(5000));
    doc.getText('t').delete(0, 4990);
    doc.getMap('m').set('k', 'v');
    const snapshot = compactState(parts);
    expect(snapshot.byteLength).toBeLessThan(500);
    const back = new Y.Doc();
    Y.applyUpdate(back, snapshot);
    expect(back.getText('t').toString()).toBe('x'.repeat(10));
    expect(back.getMap('m').get('k')).toBe('v');
  });
});
