/**
 * The audit log: membership, permission and token changes are recorded with who, what, when and
 * where, without secrets; a workspace's log is for its owners and admins, the whole log for
 * server admins; pages go newest first.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../testing/test-db';
import { useTestWorld } from '../testing/test-server';
import type { AuditEntry, AuditPage } from './audit.repo';

describe.each(testDatabases())('audit log on $name', (d) => {
  const world = useTestWorld(d);

  it('records membership, role and token changes with actor, workspace and details, and no secrets', async () => {
    const t = await world.start();
    const owner = await t.register('Olga');
    const bob = await t.register('Bob');
    const ws = (await t.api<{ id: string }>('POST', '/api/v1/workspaces', { token: owner.accessToken, body: { name: 'Team' } })).body.id;
    const inv = await t.api<{ id: string; token: string }>('POST', `/api/v1/workspaces/${ws}/invitations`, { token: owner.accessToken, body: { role: 'editor', email: 'bob@example.com' } });
    await t.api('POST', '/api/v1/invitations/accept', { token: bob.accessToken, body: { token: inv.body.token } });
    await t.api('PATCH', `/api/v1/workspaces/${ws}/members/${bob.user.id}`, { token: owner.accessToken, body: { role: 'admin' } });
    const tok = await t.api<{ id: string; token: string }>('POST', '/api/v1/tokens', { token: bob.accessToken, body: { name: 'ci', scopes: ['schema.bases:read'], workspaceIds: [ws] } });
    await t.api('DELETE', `/api/v1/tokens/${tok.body.id}`, { token: bob.accessToken });
    await t.api('DELETE', `/api/v1/workspaces/${ws}/members/${bob.user.id}`, { token: owner.accessToken });

    const log = await t.api<AuditPage>('GET', `/api/v1/workspaces/${ws}/audit`, { token: owner.accessToken });
    expect(log.status).toBe(200);
    const brief = (e: AuditEntry) => [e.action, e.actor.userId, e.target, e.details];
    expect(log.body.entries.map(brief)).toEqual([
      ['member.remove', owner.user.id, bob.user.id, { role: 'admin', left: false }],
      ['member.role_change', owner.user.id, bob.user.id, { from: 'editor', to: 'admin' }],
      ['member.add', bob.user.id, bob.user.id, { role: 'editor', via: 'invitation', invitationId: inv.body.id }],
      ['invitation.accept', bob.user.id, inv.body.id, { role: 'editor' }],
      ['invitation.create', owner.user.id, inv.body.id, { role: 'editor', email: 'bob@example.com', expiresAt: expect.any(String) }],
      ['member.add', owner.user.id, owner.user.id, { role: 'owner', via: 'create' }],
      ['workspace.create', owner.user.id, ws, { name: 'Team' }],
    ]);
    expect(log.body.entries.every((e) => e.workspaceId === ws && !Number.isNaN(Date.parse(e.at)))).toBe(true);
    expect(log.body.nextBefore).toBeNull();

    // Token changes belong to no single workspace: the server-wide log has them.
    const all = await t.api<AuditPage>('GET', '/api/v1/audit', { token: owner.accessToken });
    expect(all.status).toBe(200);
    const tokenEntries = all.body.entries.filter((e) => e.action.startsWith('token.'));
    expect(tokenEntries.map(brief)).toEqual([
      ['token.delete', bob.user.id, tok.body.id, { name: 'ci' }],
      ['token.create', bob.user.id, tok.body.id, { name: 'ci', scopes: ['schema.bases:read'], workspaceIds: [ws] }],
    ]);
    const text = JSON.stringify(all.body);
    for (const secret of [inv.body.token, tok.body.token, owner.accessToken, owner.refreshToken]) expect(text).not.toContain(secret);
  });

  it('is readable by owners and admins of the workspace and by server admins only, newest first in pages', async () => {
    const t = await world.start();
    const admin = await t.register('Server Admin');
    const owner = await t.register('Olga');
    const viewer = await t.register('Vic');
    const ws = (await t.api<{ id: string }>('POST', '/api/v1/workspaces', { token: owner.accessToken, body: { name: 'Team' } })).body.id;
    const inv = await t.api<{ token: string }>('POST', `/api/v1/workspaces/${ws}/invitations`, { token: owner.accessToken, body: { role: 'viewer' } });
    await t.api('POST', '/api/v1/invitations/accept', { token: viewer.accessToken, body: { token: inv.body.token } });

    expect((await t.api('GET', `/api/v1/workspaces/${ws}/audit`, { token: viewer.accessToken })).status).toBe(403);
    expect((await t.api('GET', '/api/v1/audit', { token: owner.accessToken })).status).toBe(403);
    expect((await t.api('GET', '/api/v1/audit', { token: admin.accessToken })).status).toBe(200);

    const first = await t.api<AuditPage>('GET', `/api/v1/workspaces/${ws}/audit?limit=2`, { token: owner.accessToken });
    expect(first.body.entries.map((e) => e.action)).toEqual(['member.add', 'invitation.accept']);
    const second = await t.api<AuditPage>('GET', `/api/v1/workspaces/${ws}/audit?limit=2&before=${first.body.nextBefore}`, { token: owner.accessToken });
    expect(second.body.entries.map((e) => e.action)).toEqual(['invitation.create', 'member.add']);
    const third = await t.api<AuditPage>('GET', `/api/v1/workspaces/${ws}/audit?limit=2&before=${second.body.nextBefore}`, { token: owner.accessToken });
    expect(third.body).toEqual({ entries: [expect.objectContaining({ action: 'workspace.create' })], nextBefore: null });
    expect((await t.api('GET', `/api/v1/workspaces/${ws}/audit?limit=0`, { token: owner.accessToken })).status).toBe(400);
    expect((await t.api('GET', `/api/v1/workspaces/${ws}/audit?before=abc`, { token: owner.accessToken })).status).toBe(400);
  });
});
