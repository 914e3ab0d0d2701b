/**
 * A workspace's bases over HTTP (the app's publish and clone): members list them; editors and up
 * register a local base under its own id, idempotently within the workspace and never into a
 * second workspace; registrations are audited; outsiders learn nothing.
 */
import { describe, expect, it } from 'vitest';
import { newId } from '../../../src-shared/ids';
import { testDatabases } from '../testing/test-db';
import { useTestWorld, type Registered, type TestServer } from '../testing/test-server';
import type { Role } from './roles';

type ErrorBody = { error: { type: string; message: string } };
interface BaseDto {
  id: string;
  name: string;
  createdAt: string;
  createdBy: string | null;
}

/** Owner Olga's workspace with one member of each other role. */
async function team(t: TestServer, name = 'Plant 4') {
  const owner = await t.register(`Olga ${name}`);
  const ws = (await t.api<{ id: string }>('POST', '/api/v1/workspaces', { token: owner.accessToken, body: { name } })).body.id;
  const people: Record<string, Registered> = { owner };
  for (const role of ['admin', 'editor', 'commenter', 'viewer'] as const) {
    const person = await t.register(`${role} ${name}`);
    const inv = await t.api<{ token: string }>('POST', `/api/v1/workspaces/${ws}/invitations`, { token: owner.accessToken, body: { role } });
    const accepted = await t.api('POST', '/api/v1/invitations/accept', { token: person.accessToken, body: { token: inv.body.token } });
    if (accepted.status !== 200) throw new Error(JSON.stringify(accepted.body));
    people[role] = person;
  }
  return { ws, people: people as Record<Role, Registered> };
}

describe.each(testDatabases())('workspace bases on $name', (d) => {
  const world = useTestWorld(d);

  it('editors and up register a base under its own id; every member lists it; the change is audited', async () => {
    const t = await world.start();
    const { ws, people } = await team(t);
    const id = newId('bas');
    const made = await t.api<BaseDto>('POST', `/api/v1/workspaces/${ws}/bases`, { token: people.editor.accessToken, body: { id, name: '  Inventory  ' } });
    expect(made.status).toBe(201);
    expect(made.body).toEqual({ id, name: 'Inventory', createdAt: expect.any(String), createdBy: people.editor.user.id });
    const second = newId('bas');
    expect((await t.api('POST', `/api/v1/workspaces/${ws}/bases`, { token: people.admin.accessToken, body: { id: second, name: 'Suppliers' } })).status).toBe(201);

    for (const role of ['owner', 'admin', 'editor', 'commenter', 'viewer'] as const) {
      const list = await t.api<{ bases: BaseDto[] }>('GET', `/api/v1/workspaces/${ws}/bases`, { token: people[role].accessToken });
      expect(list.status, role).toBe(200);
      expect(list.body.bases.map((b) => [b.id, b.name])).toEqual([
        [id, 'Inventory'],
        [second, 'Suppliers'],
      ]);
    }
    // The meta API sees the registered base too.
    const meta = await t.api<{ bases: Array<{ id: string }> }>('GET', '/v0/meta/bases', { token: people.viewer.accessToken });
    expect(meta.body.bases.map((b) => b.id).sort()).toEqual([id, second].sort());

    const audit = await t.api<{ entries: Array<{ action: string; target: string; details: Record<string, unknown>; actor: { userId: string } }> }>('GET', `/api/v1/workspaces/${ws}/audit`, { token: people.owner.accessToken });
    const registered = audit.body.entries.filter((e) => e.action === 'schema.change');
    expect(registered.map((e) => [e.target, e.details.change, e.details.name, e.actor.userId])).toEqual([
      [second, 'base.register', 'Suppliers', people.admin.user.id],
      [id, 'base.register', 'Inventory', people.editor.user.id],
    ]);
  });

  it('refuses commenters and viewers, and registering again in the same workspace is a no-op answered 200', async () => {
    const t = await world.start();
    const { ws, people } = await team(t);
    const id = newId('bas');
    for (const role of ['commenter', 'viewer'] as const) {
      const res = await t.api<ErrorBody>('POST', `/api/v1/workspaces/${ws}/bases`, { token: people[role].accessToken, body: { id, name: 'Mine' } });
      expect(res.status, role).toBe(403);
      expect(res.body.error.message).toContain('needs editor or higher');
    }
    expect((await t.api<{ bases: unknown[] }>('GET', `/api/v1/workspaces/${ws}/bases`, { token: people.owner.accessToken })).body.bases).toEqual([]);

    const first = await t.api<BaseDto>('POST', `/api/v1/workspaces/${ws}/bases`, { token: people.owner.accessToken, body: { id, name: 'Inventory' } });
    expect(first.status).toBe(201);
    const again = await t.api<BaseDto>('POST', `/api/v1/workspaces/${ws}/bases`, { token: people.editor.accessToken, body: { id, name: 'Renamed meanwhile' } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const list = await t.api<{ bases: BaseDto[] }>('GET', `/api/v1/workspaces/${ws}/bases`, { token: people.owner.accessToken });
    expect(list.body.bases).toEqual([first.body]);
  });

  it('refuses a base that another workspace has (409), and hides a workspace from outsiders', async () => {
    const t = await world.start();
    const a = await team(t, 'A');
    const b = await team(t, 'B');
    const id = newId('bas');
    expect((await t.api('POST', `/api/v1/workspaces/${a.ws}/bases`, { token: a.people.owner.accessToken, body: { id, name: 'Inventory' } })).status).toBe(201);
    const taken = await t.api<ErrorBody>('POST', `/api/v1/workspaces/${b.ws}/bases`, { token: b.people.owner.accessToken, body: { id, name: 'Inventory' } });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ type: 'BASE_ID_TAKEN', message: expect.stringContaining('another workspace') });
    expect((await t.api<{ bases: unknown[] }>('GET', `/api/v1/workspaces/${b.ws}/bases`, { token: b.people.owner.accessToken })).body.bases).toEqual([]);

    // B's owner is a stranger to A: as for every workspace route, the same answer as for no workspace at all.
    for (const ws of [a.ws, 'wspNoSuchWorkspace0']) {
      const list = await t.api<ErrorBody>('GET', `/api/v1/workspaces/${ws}/bases`, { token: b.people.owner.accessToken });
      expect(list.status).toBe(404);
      expect(list.body.error.message).toBe(`No workspace ${ws} that you are a member of.`);
      const post = await t.api<ErrorBody>('POST', `/api/v1/workspaces/${ws}/bases`, { token: b.people.owner.accessToken, body: { id: newId('bas'), name: 'X' } });
      expect(post.status).toBe(404);
    }
    expect((await t.api('GET', `/api/v1/workspaces/${a.ws}/bases`)).status).toBe(401);
  });

  it('accepts only Baseplate base ids and names of 1 to 255 characters, and no API tokens', async () => {
    const t = await world.start();
    const { ws, people } = await team(t);
    const token = people.owner.accessToken;
    for (const body of [
      { id: 'basShort', name: 'X' },
      { id: newId('tbl'), name: 'X' },
      { id: `${newId('bas')}x`, name: 'X' },
      { id: `bas${'-'.repeat(14)}`, name: 'X' },
      { id: newId('bas'), name: '   ' },
      { id: newId('bas'), name: 'x'.repeat(256) },
      { id: newId('bas'), name: 'X', extra: 1 },
      { name: 'X' },
    ]) {
      const res = await t.api<ErrorBody>('POST', `/api/v1/workspaces/${ws}/bases`, { token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await t.api('POST', `/api/v1/workspaces/${ws}/bases`, { token, body: { id: newId('bas'), name: 'x'.repeat(255) } })).status).toBe(201);

    const apiToken = await t.api<{ token: string }>('POST', '/api/v1/tokens', { token, body: { name: 'script', scopes: ['schema.bases:read', 'schema.bases:write'], workspaceIds: [ws] } });
    expect((await t.api('GET', `/api/v1/workspaces/${ws}/bases`, { token: apiToken.body.token })).status).toBe(403);
    expect((await t.api('POST', `/api/v1/workspaces/${ws}/bases`, { token: apiToken.body.token, body: { id: newId('bas'), name: 'X' } })).status).toBe(403);
  });
});
