/**
 * Workspaces, members and roles over HTTP: who may invite, change and remove whom; every
 * workspace keeps an owner; roles are read afresh on every request; outsiders learn nothing.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../testing/test-db';
import { useTestWorld, type Registered, type TestServer } from '../testing/test-server';
import type { Role } from './roles';

type ErrorBody = { error: { type: string; message: string } };

/** Owner Olga's workspace with one member of each other role. */
async function team(t: TestServer) {
  const owner = await t.register('Olga');
  const ws = (await t.api<{ id: string }>('POST', '/api/v1/workspaces', { token: owner.accessToken, body: { name: 'Plant 4' } })).body.id;
  const people: Record<string, Registered> = { owner };
  for (const role of ['admin', 'editor', 'commenter', 'viewer'] as const) {
    const person = await t.register(role[0]!.toUpperCase() + role.slice(1));
    const inv = await t.api<{ token: string }>('POST', `/api/v1/workspaces/${ws}/invitations`, { token: owner.accessToken, body: { role } });
    const accepted = await t.api('POST', '/api/v1/invitations/accept', { token: person.accessToken, body: { token: inv.body.token } });
    if (accepted.status !== 200) throw new Error(JSON.stringify(accepted.body));
    people[role] = person;
  }
  return { ws, people: people as Record<Role, Registered> };
}

describe.each(testDatabases())('workspaces on $name', (d) => {
  const world = useTestWorld(d);

  it('makes the creator the owner, and lists each person’s workspaces with their role', async () => {
    const t = await world.start();
    const { ws, people } = await team(t);
    const mine = await t.api<{ workspaces: { id: string; name: string; role: string }[] }>('GET', '/api/v1/workspaces', { token: people.editor.accessToken });
    expect(mine.body.workspaces).toEqual([{ id: ws, name: 'Plant 4', role: 'editor', createdAt: expect.any(String) }]);
    const members = await t.api<{ members: { email: string; role: string }[] }>('GET', `/api/v1/workspaces/${ws}/members`, { token: people.viewer.accessToken });
    expect(members.body.members.map((m) => [m.email, m.role])).toEqual([
      ['olga@example.com', 'owner'],
      ['admin@example.com', 'admin'],
      ['editor@example.com', 'editor'],
      ['commenter@example.com', 'commenter'],
      ['viewer@example.com', 'viewer'],
    ]);
    const empty = await t.api<ErrorBody>('POST', '/api/v1/workspaces', { token: people.owner.accessToken, body: { name: '   ' } });
    expect(empty.status).toBe(400);
  });

  it('hides a workspace from people outside it', async () => {
    const t = await world.start();
    const { ws } = await team(t);
    const outsider = await t.register('Outsider');
    for (const [method, path] of [
      ['GET', `/api/v1/workspaces/${ws}/members`],
      ['GET', `/api/v1/workspaces/${ws}/invitations`],
      ['GET', `/api/v1/workspaces/${ws}/audit`],
    ] as const) {
      const res = await t.api<ErrorBody>(method, path, { token: outsider.accessToken });
      expect(res.status, path).toBe(404);
      expect(res.body.error.message).toBe(`No workspace ${ws} that you are a member of.`);
    }
    expect((await t.api('GET', '/api/v1/workspaces/wspNoSuchThing000/members', { token: outsider.accessToken })).status).toBe(404);
    expect((await t.api('GET', `/api/v1/workspaces/${ws}/members`)).status).toBe(401);
  });

  it('lets only owners and admins invite, and only owners invite owners', async () => {
    const t = await world.start();
    const { ws, people } = await team(t);
    const invite = (who: Role, role: Role) => t.api<ErrorBody>('POST', `/api/v1/workspaces/${ws}/invitations`, { token: people[who].accessToken, body: { role } });
    for (const who of ['editor', 'commenter', 'viewer'] as const) {
      const res = await invite(who, 'viewer');
      expect(res.status, who).toBe(403);
      expect(res.body.error.message).toBe('Only owners and admins can invite people.');
    }
    expect((await invite('admin', 'editor')).status).toBe(201);
    expect((await invite('admin', 'owner')).status).toBe(403);
    expect((await invite('owner', 'owner')).status).toBe(201);
    expect((await t.api('GET', `/api/v1/workspaces/${ws}/invitations`, { token: people.viewer.accessToken })).status).toBe(403);
  });

  it('lets an admin manage editors but never make, demote or remove an owner', async () => {
    const t = await world.start();
    const { ws, people } = await team(t);
    const patch = (who: Role, target: Role, role: Role) =>
      t.api<ErrorBody & { role: string }>('PATCH', `/api/v1/workspaces/${ws}/members/${people[target].user.id}`, { token: people[who].accessToken, body: { role } });
    const remove = (who: Role, target: Role) => t.api<ErrorBody>('DELETE', `/api/v1/workspaces/${ws}/members/${people[target].user.id}`, { token: people[who].accessToken });

    expect((await patch('admin', 'editor', 'commenter')).body.role).toBe('commenter');
    expect((await patch('admin', 'viewer', 'owner')).status).toBe(403);
    expect((await patch('admin', 'owner', 'viewer')).status).toBe(403);
    const removeOwner = await remove('admin', 'owner');
    expect(removeOwner.status).toBe(403);
    expect(removeOwner.body.error.message).toBe('Only an owner can remove an owner.');
    expect((await patch('editor', 'viewer', 'editor')).status).toBe(403);
    expect((await remove('viewer', 'commenter')).status).toBe(403);
    expect((await patch('owner', 'owner', 'sovereign' as Role)).status).toBe(400);
    expect((await remove('admin', 'commenter')).status).toBe(204);
    expect((await remove('admin', 'commenter')).status).toBe(404);
  });

  it('keeps the last owner: they can neither leave nor be demoted until another owner exists', async () => {
    const t = await world.start();
    const { ws, people } = await team(t);
    const ownerId = people.owner.user.id;
    const leave = await t.api<ErrorBody>('DELETE', `/api/v1/workspaces/${ws}/members/${ownerId}`, { token: people.owner.accessToken });
    expect(leave.status).toBe(409);
    expect(leave.body.error).toEqual({ type: 'LAST_OWNER', message: 'You are the workspace’s last owner; make someone else an owner before you leave.' });
    const demote = await t.api<ErrorBody>('PATCH', `/api/v1/workspaces/${ws}/members/${ownerId}`, { token: people.owner.accessToken, body: { role: 'admin' } });
    expect(demote.status).toBe(409);

    await t.api('PATCH', `/api/v1/workspaces/${ws}/members/${people.admin.user.id}`, { token: people.owner.accessToken, body: { role: 'owner' } });
    expect((await t.api('PATCH', `/api/v1/workspaces/${ws}/members/${ownerId}`, { token: people.owner.accessToken, body: { role: 'editor' } })).status).toBe(200);
    // Now Admin is the only owner.
    expect((await t.api('DELETE', `/api/v1/workspaces/${ws}/members/${people.admin.user.id}`, { token: people.admin.accessToken })).status).toBe(409);
    // Anyone else may leave.
    expect((await t.api('DELETE', `/api/v1/workspaces/${ws}/members/${people.viewer.user.id}`, { token: people.viewer.accessToken })).status).toBe(204);
  });

  it('never leaves a workspace without an owner when two owners demote each other at once', async () => {
    const t = await world.start();
    const { ws, people } = await team(t);
    await t.api('PATCH', `/api/v1/workspaces/${ws}/members/${people.admin.user.id}`, { token: people.owner.accessToken, body: { role: 'owner' } });
    // On PostgreSQL, hold back every membership write so both requests are inside their
    // transactions at the same time (PGlite runs one transaction at a time: no interleaving there).
    const { url, schema } = world.connection();
    const blocker = url ? new pg.Client({ connectionString: url, options: `-c search_path=${schema}` }) : null;
    if (blocker) {
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE memberships IN EXCLUSIVE MODE');
    }
    const both = Promise.all([
      t.api('PATCH', `/api/v1/workspaces/${ws}/members/${people.admin.user.id}`, { token: people.owner.accessToken, body: { role: 'editor' } }),
      t.api('PATCH', `/api/v1/workspaces/${ws}/members/${people.owner.user.id}`, { token: people.admin.accessToken, body: { role: 'editor' } }),
    ]);
    if (blocker) {
      try {
        // Both requests waiting (directly or behind each other) on the blocker's lock.
        const waiting = async () => {
          // pg_stat_activity is a per-transaction snapshot: refresh it on every poll.
          await blocker.query('SELECT pg_stat_clear_snapshot()');
          const rows = await blocker.query<{ n: number }>(
            `WITH RECURSIVE w(pid) AS (
               SELECT pid FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))
               UNION SELECT a.pid FROM pg_stat_activity a JOIN w ON w.pid = ANY(pg_blocking_pids(a.pid)))
             SELECT count(*)::int AS n FROM w`,
          );
          return rows.rows[0]!.n;
        };
        await expect.poll(waiting, { timeout: 10_000 }).toBe(2);
      } finally {
        await blocker.query('COMMIT');
        await blocker.end();
      }
    }
    const [a, b] = await both;
    expect([a.status, b.status].sort()).toEqual([200, 403]);
    const owners = await t.db.query("SELECT user_id FROM memberships WHERE workspace_id = $1 AND role = 'owner'", [ws]);
    expect(owners).toHaveLength(1);
  });

  it('applies a role change to the very next request', async () => {
    const t = await world.start();
    const { ws, people } = await team(t);
    const invite = () => t.api('POST', `/api/v1/workspaces/${ws}/invitations`, { token: people.admin.accessToken, body: { role: 'viewer' } });
    expect((await invite()).status).toBe(201);
    await t.api('PATCH', `/api/v1/workspaces/${ws}/members/${people.admin.user.id}`, { token: people.owner.accessToken, body: { role: 'viewer' } });
    expect((await invite()).status).toBe(403);
    await t.api('DELETE', `/api/v1/workspaces/${ws}/members/${people.admin.user.id}`, { token: people.owner.accessToken });
    expect((await t.api('GET', `/api/v1/workspaces/${ws}/members`, { token: people.admin.accessToken })).status).toBe(404);
  });
});
