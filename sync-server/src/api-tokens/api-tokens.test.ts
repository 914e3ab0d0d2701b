/**
 * Personal API tokens: shown once, stored hashed, limited to their scopes and workspaces and to
 * their owner's current role, unknown scopes refused, and unable to manage accounts.
 */
import { describe, expect, it } from 'vitest';
import { RequestAuthenticator, requireScope, type AuthContext } from '../auth/authenticate';
import { hashSecretToken } from '../auth/secret-tokens';
import { testDatabases } from '../testing/test-db';
import { useTestWorld, type TestServer } from '../testing/test-server';

type ErrorBody = { error: { type: string; message: string } };
type Created = { id: string; token: string; name: string; scopes: string[]; workspaceIds: string[] };

async function authOf(t: TestServer, token: string): Promise<AuthContext> {
  const auth = await new RequestAuthenticator({ db: t.db, tokenSecret: t.tokenSecret, clock: () => t.clock.now }).fromHeader(`Bearer ${token}`);
  if (!auth.ok) throw new Error(auth.error.message);
  return auth.value;
}

describe.each(testDatabases())('API tokens on $name', (d) => {
  const world = useTestWorld(d);

  it('shows the token once, lists tokens without it, and stores only its hash', async () => {
    const t = await world.start();
    const ann = await t.register('Ann');
    const ws = await t.api<{ id: string }>('POST', '/api/v1/workspaces', { token: ann.accessToken, body: { name: 'Team' } });
    const made = await t.api<Created>('POST', '/api/v1/tokens', { token: ann.accessToken, body: { name: 'script', scopes: ['data.records:read', 'data.records:read'], workspaceIds: [ws.body.id] } });
    expect(made.status).toBe(201);
    expect(made.body.token).toMatch(/^bpt_[A-Za-z0-9_-]{43}$/);
    expect(made.body.scopes).toEqual(['data.records:read']);

    const list = await t.api<{ tokens: Record<string, unknown>[] }>('GET', '/api/v1/tokens', { token: ann.accessToken });
    expect(list.body.tokens).toEqual([{ id: made.body.id, name: 'script', scopes: ['data.records:read'], workspaceIds: [ws.body.id], createdAt: expect.any(String), lastUsedAt: null }]);
    expect(JSON.stringify(list.body)).not.toContain(made.body.token);

    const rows = await t.db.query<Record<string, unknown>>('SELECT * FROM api_tokens');
    expect(rows[0]!.token_hash).toBe(hashSecretToken(made.body.token));
    expect(JSON.stringify(rows)).not.toContain(made.body.token.slice(4));

    const me = await t.api<{ user: { id: string }; token: { id: string; scopes: string[] } }>('GET', '/api/v1/auth/me', { token: made.body.token });
    expect(me.status).toBe(200);
    expect(me.body.token).toEqual({ id: made.body.id, scopes: ['data.records:read'], workspaceIds: [ws.body.id] });
    const used = await t.api<{ tokens: { lastUsedAt: string | null }[] }>('GET', '/api/v1/tokens', { token: ann.accessToken });
    expect(used.body.tokens[0]!.lastUsedAt).not.toBeNull();

    expect((await t.api('DELETE', `/api/v1/tokens/${made.body.id}`, { token: ann.accessToken })).status).toBe(204);
    expect((await t.api('GET', '/api/v1/auth/me', { token: made.body.token })).status).toBe(401);
    expect((await t.api('DELETE', `/api/v1/tokens/${made.body.id}`, { token: ann.accessToken })).status).toBe(404);
  });

  it('refuses unknown scopes, empty lists and workspaces the person is not in', async () => {
    const t = await world.start();
    const ann = await t.register('Ann');
    const bob = await t.register('Bob');
    const mine = await t.api<{ id: string }>('POST', '/api/v1/workspaces', { token: ann.accessToken, body: { name: 'Mine' } });
    const bobs = await t.api<{ id: string }>('POST', '/api/v1/workspaces', { token: bob.accessToken, body: { name: 'Bob’s' } });
    const create = (body: unknown) => t.api<ErrorBody>('POST', '/api/v1/tokens', { token: ann.accessToken, body });
    const unknown = await create({ name: 'x', scopes: ['data.records:read', 'data.everything:write'], workspaceIds: [mine.body.id] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/^body\.scopes\.1: unknown scope "data\.everything:write"; known scopes: data\.records:read, /);
    expect((await create({ name: 'x', scopes: [], workspaceIds: [mine.body.id] })).status).toBe(400);
    expect((await create({ name: 'x', scopes: ['data.records:read'], workspaceIds: [] })).status).toBe(400);
    const foreign = await create({ name: 'x', scopes: ['data.records:read'], workspaceIds: [mine.body.id, bobs.body.id] });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.message).toBe(`body.workspaceIds: you are not a member of workspace ${bobs.body.id}.`);
    expect(await t.db.query('SELECT 1 FROM api_tokens')).toEqual([]);
  });

  it('limits a token to its scopes, its workspaces and its owner’s current role', async () => {
    const t = await world.start();
    const ann = await t.register('Ann');
    const bob = await t.register('Bob');
    const a = await t.api<{ id: string }>('POST', '/api/v1/workspaces', { token: ann.accessToken, body: { name: 'A' } });
    const b = await t.api<{ id: string }>('POST', '/api/v1/workspaces', { token: ann.accessToken, body: { name: 'B' } });
    const inv = await t.api<{ token: string }>('POST', `/api/v1/workspaces/${a.body.id}/invitations`, { token: ann.accessToken, body: { role: 'editor' } });
    await t.api('POST', '/api/v1/invitations/accept', { token: bob.accessToken, body: { token: inv.body.token } });
    const made = await t.api<Created>('POST', '/api/v1/tokens', { token: bob.accessToken, body: { name: 'bot', scopes: ['data.records:read', 'data.records:write'], workspaceIds: [a.body.id] } });
    const token = await authOf(t, made.body.token);

    expect(await requireScope(token, 'data.records:write', a.body.id)).toEqual({ ok: true, value: 'editor' });
    const noScope = await requireScope(token, 'schema.bases:write', a.body.id);
    expect(noScope).toEqual({ ok: false, error: { failure: 'INVALID_PERMISSIONS', message: 'This API token does not have the scope schema.bases:write.' } });
    const otherWs = await requireScope(token, 'data.records:read', b.body.id);
    expect(otherWs.ok).toBe(false);
    expect(!otherWs.ok && otherWs.error.message).toBe(`This API token cannot reach workspace ${b.body.id}.`);

    // Bob becomes a viewer: the same token can still read but no longer write.
    await t.api('PATCH', `/api/v1/workspaces/${a.body.id}/members/${bob.user.id}`, { token: ann.accessToken, body: { role: 'viewer' } });
    expect((await requireScope(token, 'data.records:read', a.body.id)).ok).toBe(true);
    const demoted = await requireScope(token, 'data.records:write', a.body.id);
    expect(!demoted.ok && demoted.error.message).toBe('Your role in this workspace (viewer) does not allow data.records:write; it needs editor or higher.');
    // Removed: the workspace is out of reach.
    await t.api('DELETE', `/api/v1/workspaces/${a.body.id}/members/${bob.user.id}`, { token: ann.accessToken });
    const removed = await requireScope(token, 'data.records:read', a.body.id);
    expect(!removed.ok && removed.error.failure).toBe('NOT_FOUND');

    // A signed-in session is limited by role only.
    const session = await authOf(t, ann.accessToken);
    expect(await requireScope(session, 'schema.bases:write', b.body.id)).toEqual({ ok: true, value: 'owner' });
  });

  it('cannot manage tokens, workspaces or members', async () => {
    const t = await world.start();
    const ann = await t.register('Ann');
    const ws = await t.api<{ id: string }>('POST', '/api/v1/workspaces', { token: ann.accessToken, body: { name: 'Team' } });
    const made = await t.api<Created>('POST', '/api/v1/tokens', { token: ann.accessToken, body: { name: 'bot', scopes: ['webhook:manage'], workspaceIds: [ws.body.id] } });
    for (const [method, path, body] of [
      ['POST', '/api/v1/tokens', { name: 'more', scopes: ['data.records:read'], workspaceIds: [ws.body.id] }],
      ['GET', '/api/v1/tokens', undefined],
      ['POST', '/api/v1/workspaces', { name: 'x' }],
      ['POST', `/api/v1/workspaces/${ws.body.id}/invitations`, { role: 'owner' }],
      ['POST', '/api/v1/auth/password', { currentPassword: 'x', newPassword: 'yyyyyyyyyyyy' }],
    ] as const) {
      const res = await t.api<ErrorBody>(method, path, { token: made.body.token, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.type).toBe('INVALID_PERMISSIONS');
    }
  });
});
