/**
 * The whole server: accounts and workspaces over HTTP, sync over WebSocket with the same tokens and
 * roles. An owner and an invited viewer on one document; the viewer reads but cannot write;
 * promoted, they write; removed, their socket closes at once; strangers and missing tokens are
 * refused before the socket opens.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases } from './testing/test-db';
import { useTestWorld } from './testing/test-server';
import { RefusedUpgrade, TestClient } from './sync/testing/test-client';
import { CloseCode } from './sync/close-codes';

describe.each(testDatabases())('the sync server on $name', (d) => {
  const world = useTestWorld(d);

  it('syncs a workspace with its members, each as their role allows', async () => {
    const t = await world.start({ sync: true });
    const alice = await t.register('Alice');
    const bob = await t.register('Bob');
    const carol = await t.register('Carol');
    const ws = await t.api<{ id: string }>('POST', '/api/v1/workspaces', { token: alice.accessToken, body: { name: 'Plant 2' } });
    expect(ws.status).toBe(201);
    const inv = await t.api<{ token: string }>('POST', `/api/v1/workspaces/${ws.body.id}/invitations`, { token: alice.accessToken, body: { role: 'viewer' } });
    expect((await t.api('POST', '/api/v1/invitations/accept', { token: bob.accessToken, body: { token: inv.body.token } })).status).toBe(200);

    const sock = (token: string): string => `${t.srv.url.replace(/^http/, 'ws')}/sync/${ws.body.id}?token=${encodeURIComponent(token)}`;
    const a = await TestClient.connect(sock(alice.accessToken), { framing: 'app' });
    const docA = a.open('tbl1/s1');
    await a.synced('tbl1/s1');
    docA.getMap('cells').set('r1.f1', 'M8 bolt');
    await a.allAcked('tbl1/s1');

    // The viewer reads what is there and sees what comes; their own change is refused.
    const b = await TestClient.connect(sock(bob.accessToken), { framing: 'app' });
    const docB = b.open('tbl1/s1');
    await b.synced('tbl1/s1');
    expect(docB.getMap('cells').get('r1.f1')).toBe('M8 bolt');
    docA.getMap('cells').set('r1.f2', 'zinc');
    await expect.poll(() => docB.getMap('cells').get('r1.f2')).toBe('zinc');
    docB.getMap('cells').set('r1.f1', 'changed by a viewer');
    await expect.poll(() => b.denied.length).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(docA.getMap('cells').get('r1.f1')).toBe('M8 bolt');

    // Made an editor, their changes go through (on a document their refused change is not in).
    const members = await t.api<{ members?: Array<{ userId: string }> } & Array<{ userId: string }>>('GET', `/api/v1/workspaces/${ws.body.id}/members`, { token: alice.accessToken });
    expect(members.status).toBe(200);
    expect((await t.api('PATCH', `/api/v1/workspaces/${ws.body.id}/members/${bob.user.id}`, { token: alice.accessToken, body: { role: 'editor' } })).status).toBe(200);
    const docB2 = b.open('tbl1/s2');
    const docA2 = a.open('tbl1/s2');
    await Promise.all([a.synced('tbl1/s2'), b.synced('tbl1/s2')]);
    docB2.getMap('cells').set('r9.f1', 'by Bob');
    await expect.poll(() => docA2.getMap('cells').get('r9.f1')).toBe('by Bob');

    // Removed, their socket is closed at once.
    expect((await t.api('DELETE', `/api/v1/workspaces/${ws.body.id}/members/${bob.user.id}`, { token: alice.accessToken })).status).toBeLessThan(300);
    const closed = await Promise.race([b.closed, new Promise((r) => setTimeout(() => r(null), 2000))]);
    expect(closed).toMatchObject({ code: CloseCode.forbidden });

    // Strangers and missing tokens never get a socket.
    await expect(TestClient.connect(sock(carol.accessToken), { framing: 'app' })).rejects.toMatchObject({ status: 403 });
    await expect(TestClient.connect(sock('not-a-token'), { framing: 'app' })).rejects.toBeInstanceOf(RefusedUpgrade);
    a.close();
  }, 60_000);
});
