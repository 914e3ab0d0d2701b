/**
 * Invitations by link: under PUBLIC_URL, stored hashed, accepted once, expiring, optionally bound
 * to one email address, and withdrawable.
 */
import { describe, expect, it } from 'vitest';
import { hashSecretToken } from '../auth/secret-tokens';
import { testDatabases } from '../testing/test-db';
import { useTestWorld } from '../testing/test-server';

type ErrorBody = { error: { type: string; message: string } };
type Invitation = { id: string; url: string; token: string; role: string; email: string | null; expiresAt: string; status: string };

describe.each(testDatabases())('invitations on $name', (d) => {
  const world = useTestWorld(d);

  async function setup(env: Record<string, string> = {}) {
    const t = await world.start({ env });
    const owner = await t.register('Olga');
    const ws = (await t.api<{ id: string }>('POST', '/api/v1/workspaces', { token: owner.accessToken, body: { name: 'Plant 4' } })).body.id;
    const invite = (body: Record<string, unknown>) => t.api<Invitation>('POST', `/api/v1/workspaces/${ws}/invitations`, { token: owner.accessToken, body });
    return { t, owner, ws, invite };
  }

  it('gives a link under PUBLIC_URL, keeps only the token’s hash, and makes the acceptor a member once', async () => {
    const { t, ws, invite } = await setup({ PUBLIC_URL: 'https://sync.example.com/bp/' });
    const inv = await invite({ role: 'commenter' });
    expect(inv.status).toBe(201);
    expect(inv.body.token).toMatch(/^bpi_[A-Za-z0-9_-]{43}$/);
    expect(inv.body.url).toBe(`https://sync.example.com/bp/invite/${inv.body.token}`);
    expect(inv.body).toMatchObject({ role: 'commenter', email: null, status: 'pending' });
    const rows = await t.db.query<Record<string, unknown>>('SELECT * FROM invitations');
    expect(rows[0]!.token_hash).toBe(hashSecretToken(inv.body.token));
    expect(JSON.stringify(rows)).not.toContain(inv.body.token.slice(4));

    const bob = await t.register('Bob');
    const accepted = await t.api('POST', '/api/v1/invitations/accept', { token: bob.accessToken, body: { token: inv.body.token } });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ workspace: { id: ws, name: 'Plant 4' }, role: 'commenter' });
    const mine = await t.api<{ workspaces: { id: string; role: string }[] }>('GET', '/api/v1/workspaces', { token: bob.accessToken });
    expect(mine.body.workspaces.map((w) => [w.id, w.role])).toEqual([[ws, 'commenter']]);

    const carol = await t.register('Carol');
    const again = await t.api<ErrorBody>('POST', '/api/v1/invitations/accept', { token: carol.accessToken, body: { token: inv.body.token } });
    expect(again.status).toBe(410);
    expect(again.body.error.type).toBe('INVITATION_USED');
    expect((await t.api('GET', '/api/v1/workspaces', { token: carol.accessToken })).body).toEqual({ workspaces: [] });
  });

  it('defaults to the listening address for links when PUBLIC_URL is not set', async () => {
    const { t, invite } = await setup();
    const inv = await invite({ role: 'viewer' });
    expect(inv.body.url).toBe(`${t.srv.url}/invite/${inv.body.token}`);
  });

  it('expires: 72 hours by default, or as asked', async () => {
    const { t, invite } = await setup();
    const standard = await invite({ role: 'editor' });
    const short = await invite({ role: 'editor', expiresInHours: 1 });
    expect(new Date(standard.body.expiresAt).getTime()).toBe(t.clock.now + 72 * 3_600_000);
    expect(new Date(short.body.expiresAt).getTime()).toBe(t.clock.now + 3_600_000);
    expect((await invite({ role: 'editor', expiresInHours: 24 * 31 })).status).toBe(400);
    t.clock.advance(3_600_000);
    const bob = await t.register('Bob');
    const late = await t.api<ErrorBody>('POST', '/api/v1/invitations/accept', { token: bob.accessToken, body: { token: short.body.token } });
    expect(late.status).toBe(410);
    expect(late.body.error).toEqual({ type: 'INVITATION_EXPIRED', message: 'This invitation has expired; ask for a new one.' });
    expect((await t.api('POST', '/api/v1/invitations/accept', { token: bob.accessToken, body: { token: standard.body.token } })).status).toBe(200);
  });

  it('binds to an email when given one, refuses members twice, and can be withdrawn', async () => {
    const { t, owner, ws, invite } = await setup();
    const bob = await t.register('Bob');
    const forCarol = await invite({ role: 'editor', email: ' Carol@Example.com' });
    expect(forCarol.body.email).toBe('carol@example.com');
    const wrongPerson = await t.api<ErrorBody>('POST', '/api/v1/invitations/accept', { token: bob.accessToken, body: { token: forCarol.body.token } });
    expect(wrongPerson.status).toBe(403);
    const carol = await t.register('Carol');
    expect((await t.api('POST', '/api/v1/invitations/accept', { token: carol.accessToken, body: { token: forCarol.body.token } })).status).toBe(200);

    const toOwner = await invite({ role: 'viewer' });
    const member = await t.api<ErrorBody>('POST', '/api/v1/invitations/accept', { token: owner.accessToken, body: { token: toOwner.body.token } });
    expect(member.status).toBe(409);
    expect(member.body.error.type).toBe('ALREADY_MEMBER');

    expect((await t.api('DELETE', `/api/v1/workspaces/${ws}/invitations/${toOwner.body.id}`, { token: owner.accessToken })).status).toBe(204);
    const withdrawn = await t.api<ErrorBody>('POST', '/api/v1/invitations/accept', { token: bob.accessToken, body: { token: toOwner.body.token } });
    expect(withdrawn.status).toBe(404);
    expect((await t.api('DELETE', `/api/v1/workspaces/${ws}/invitations/${toOwner.body.id}`, { token: owner.accessToken })).status).toBe(404);
    expect((await t.api('DELETE', `/api/v1/workspaces/${ws}/invitations/${toOwner.body.id}`, { token: carol.accessToken })).status).toBe(403);

    const list = await t.api<{ invitations: Invitation[] }>('GET', `/api/v1/workspaces/${ws}/invitations`, { token: owner.accessToken });
    expect(list.body.invitations.map((i) => i.status).sort()).toEqual(['accepted', 'revoked']);
    expect(JSON.stringify(list.body)).not.toMatch(/bpi_/);
    expect((await t.api('POST', '/api/v1/invitations/accept', { token: bob.accessToken, body: { token: 'bpi_made_up' } })).status).toBe(404);
  });
});
