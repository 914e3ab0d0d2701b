/**
 * The Authenticator the sync module uses: access tokens to user ids (API tokens refused), current
 * roles, and membership changes made through one server process reaching listeners of another on
 * the same database (on PostgreSQL: a second server with its own connection pool, through NOTIFY).
 */
import { describe, expect, it } from 'vitest';
import { openDb, type Db } from '../db/db';
import type { MembershipChange } from '../server';
import { testDatabases } from '../testing/test-db';
import { startTestServer, useTestWorld } from '../testing/test-server';

describe.each(testDatabases())('membership changes and the sync Authenticator on $name', (d) => {
  const world = useTestWorld(d);

  it('reach a listener on a second server process, in order, and only for changes that happened', async () => {
    const a = await world.start();
    const { url, schema } = world.connection();
    // PostgreSQL: a second process's own pool and LISTEN connection. PGlite is one process's database.
    const secondDb: Db | null = url ? await openDb({ dataDir: '', databaseUrl: url, schema }) : null;
    const b = await startTestServer(secondDb ?? world.db());
    try {
      const seen: MembershipChange[] = [];
      const stop = b.srv.authenticator.onMembershipChange((e) => seen.push(e));

      const owner = await a.register('Olga');
      const bob = await a.register('Bob');
      const ws = (await a.api<{ id: string }>('POST', '/api/v1/workspaces', { token: owner.accessToken, body: { name: 'Team' } })).body.id;
      const inv = await a.api<{ token: string }>('POST', `/api/v1/workspaces/${ws}/invitations`, { token: owner.accessToken, body: { role: 'editor' } });
      await a.api('POST', '/api/v1/invitations/accept', { token: bob.accessToken, body: { token: inv.body.token } });
      await a.api('PATCH', `/api/v1/workspaces/${ws}/members/${bob.user.id}`, { token: owner.accessToken, body: { role: 'viewer' } });
      // Refused (last owner): no event.
      expect((await a.api('DELETE', `/api/v1/workspaces/${ws}/members/${owner.user.id}`, { token: owner.accessToken })).status).toBe(409);
      await a.api('DELETE', `/api/v1/workspaces/${ws}/members/${bob.user.id}`, { token: owner.accessToken });

      const expected: MembershipChange[] = [
        { workspaceId: ws, userId: owner.user.id, role: 'owner' },
        { workspaceId: ws, userId: bob.user.id, role: 'editor' },
        { workspaceId: ws, userId: bob.user.id, role: 'viewer' },
        { workspaceId: ws, userId: bob.user.id, role: null },
      ];
      await expect.poll(() => seen.length, { timeout: 5_000 }).toBe(expected.length);
      expect(seen).toEqual(expected);

      stop();
      await a.api('POST', '/api/v1/workspaces', { token: owner.accessToken, body: { name: 'Another' } });
      await new Promise((r) => setTimeout(r, 150));
      expect(seen).toHaveLength(expected.length);
    } finally {
      await b.close();
      await secondDb?.close();
    }
  });

  it('after its listening connection comes back, re-announces the changes it missed with current roles', async () => {
    const a = await world.start();
    // A second server whose notifications can be cut, and whose "listening again" the test signals.
    const real = world.db();
    let cut = false;
    const restored = new Set<() => void>();
    const gated: Db = {
      ...real,
      listen: (channel, listener) => real.listen(channel, (payload) => (cut ? undefined : listener(payload))),
      onListenRestored: (listener) => {
        restored.add(listener);
        return () => restored.delete(listener);
      },
    };
    const b = await startTestServer(gated);
    try {
      const seen: MembershipChange[] = [];
      b.srv.authenticator.onMembershipChange((e) => seen.push(e));
      const owner = await a.register('Olga');
      const bob = await a.register('Bob');
      const ws = (await a.api<{ id: string }>('POST', '/api/v1/workspaces', { token: owner.accessToken, body: { name: 'Team' } })).body.id;
      const inv = await a.api<{ token: string }>('POST', `/api/v1/workspaces/${ws}/invitations`, { token: owner.accessToken, body: { role: 'editor' } });
      await a.api('POST', '/api/v1/invitations/accept', { token: bob.accessToken, body: { token: inv.body.token } });
      await expect.poll(() => seen.length).toBe(2);

      cut = true;
      await a.api('DELETE', `/api/v1/workspaces/${ws}/members/${bob.user.id}`, { token: owner.accessToken });
      await new Promise((r) => setTimeout(r, 150));
      expect(seen).toHaveLength(2);

      cut = false;
      for (const l of restored) l();
      const last = () => {
        const byMember = new Map(seen.map((e) => [`${e.workspaceId}/${e.userId}`, e.role]));
        return Object.fromEntries(byMember);
      };
      await expect.poll(last).toEqual({ [`${ws}/${owner.user.id}`]: 'owner', [`${ws}/${bob.user.id}`]: null });
    } finally {
      await b.close();
    }
  });

  it('authenticates access tokens only while their sign-in lasts, refuses API tokens, and reads current roles', async () => {
    const t = await world.start();
    const auth = t.srv.authenticator;
    const ann = await t.register('Ann');
    const ws = (await t.api<{ id: string }>('POST', '/api/v1/workspaces', { token: ann.accessToken, body: { name: 'Team' } })).body.id;
    const api = await t.api<{ token: string }>('POST', '/api/v1/tokens', { token: ann.accessToken, body: { name: 'bot', scopes: ['data.records:write'], workspaceIds: [ws] } });

    expect(await auth.authenticate(ann.accessToken)).toEqual({ userId: ann.user.id, name: ann.user.name });
    expect(await auth.authenticate(api.body.token)).toBeNull();
    expect(await auth.authenticate(`${ann.accessToken.slice(0, -1)}x`)).toBeNull();
    expect(await auth.roleIn(ann.user.id, ws)).toBe('owner');
    expect(await auth.roleIn(ann.user.id, 'wspNoSuchThing000')).toBeNull();

    await t.api('POST', '/api/v1/auth/logout', { token: ann.accessToken });
    expect(await auth.authenticate(ann.accessToken)).toBeNull();
    const again = await t.api<{ accessToken: string }>('POST', '/api/v1/auth/login', { body: { email: 'ann@example.com', password: 'correct horse battery' } });
    t.clock.advance(15 * 60_000);
    expect(await auth.authenticate(again.body.accessToken)).toBeNull();
  });
});
