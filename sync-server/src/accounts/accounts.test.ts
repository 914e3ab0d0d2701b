/**
 * Accounts over real HTTP on PGlite (and PostgreSQL when DATABASE_URL is set): registration,
 * login and its rate limit, rotating refresh tokens with reuse detection, logout, password change,
 * access-token expiry and tampering.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../testing/test-db';
import { TEST_PASSWORD, useTestWorld, type Registered } from '../testing/test-server';

type Pair = { accessToken: string; refreshToken: string };
type ErrorBody = { error: { type: string; message: string } };

describe.each(testDatabases())('accounts on $name', (d) => {
  const world = useTestWorld(d);

  describe('registration', () => {
    it('makes the first account on an empty server its admin, and only the first', async () => {
      const t = await world.start();
      const ann = await t.register('Ann');
      const bob = await t.register('Bob');
      expect(ann.user.isAdmin).toBe(true);
      expect(bob.user.isAdmin).toBe(false);
      expect(ann.accessToken).toMatch(/^bpa1\./);
      expect(ann.refreshToken).toMatch(/^bpr_/);
      const me = await t.api<{ user: Registered['user'] }>('GET', '/api/v1/auth/me', { token: bob.accessToken });
      expect(me.status).toBe(200);
      expect(me.body.user).toMatchObject({ id: bob.user.id, email: 'bob@example.com', name: 'Bob', isAdmin: false });
    });

    it('normalizes the email, refuses a second account for it, and refuses short passwords and bad emails', async () => {
      const t = await world.start();
      const ann = await t.register('Ann', { email: '  Ann@Example.COM ' });
      expect(ann.user.email).toBe('ann@example.com');
      const again = await t.api<ErrorBody>('POST', '/api/v1/auth/register', { body: { email: 'ANN@example.com', password: TEST_PASSWORD, name: 'Ann 2' } });
      expect(again.status).toBe(409);
      expect(again.body.error.type).toBe('EMAIL_TAKEN');
      const short = await t.api<ErrorBody>('POST', '/api/v1/auth/register', { body: { email: 'c@example.com', password: 'nine char', name: 'C' } });
      expect(short.status).toBe(400);
      expect(short.body.error).toEqual({ type: 'INVALID_REQUEST', message: 'body.password: a password needs at least 10 characters' });
      const email = await t.api<ErrorBody>('POST', '/api/v1/auth/register', { body: { email: 'not-an-email', password: TEST_PASSWORD, name: 'D' } });
      expect(email.body.error.message).toBe('body.email: not an email address');
      const extra = await t.api<ErrorBody>('POST', '/api/v1/auth/register', { body: { email: 'e@example.com', password: TEST_PASSWORD, name: 'E', isAdmin: true } });
      expect(extra.status).toBe(400);
      const stored = await t.db.query<{ password_hash: string }>('SELECT password_hash FROM users');
      expect(stored).toHaveLength(1);
      expect(stored[0]!.password_hash).toMatch(/^scrypt\$/);
      expect(stored[0]!.password_hash).not.toContain(TEST_PASSWORD);
    });

    it('when closed, lets the first person in, then only accounts an admin creates or an invitation allows', async () => {
      const t = await world.start({ env: { REGISTRATION: 'closed' } });
      const admin = await t.register('Admin');
      expect(admin.user.isAdmin).toBe(true);

      const stranger = await t.api<ErrorBody>('POST', '/api/v1/auth/register', { body: { email: 's@example.com', password: TEST_PASSWORD, name: 'S' } });
      expect(stranger.status).toBe(403);
      expect(stranger.body.error.type).toBe('REGISTRATION_CLOSED');

      const made = await t.api<{ user: { email: string }; accessToken?: string }>('POST', '/api/v1/auth/register', {
        token: admin.accessToken,
        body: { email: 'made@example.com', password: TEST_PASSWORD, name: 'Made' },
      });
      expect(made.status).toBe(201);
      expect(made.body.user.email).toBe('made@example.com');
      expect(made.body.accessToken).toBeUndefined();
      const madeLogin = await t.api('POST', '/api/v1/auth/login', { body: { email: 'made@example.com', password: TEST_PASSWORD } });
      expect(madeLogin.status).toBe(200);

      const notAdmin = await t.api<Pair>('POST', '/api/v1/auth/login', { body: { email: 'made@example.com', password: TEST_PASSWORD } });
      const byMember = await t.api('POST', '/api/v1/auth/register', { token: notAdmin.body.accessToken, body: { email: 'x@example.com', password: TEST_PASSWORD, name: 'X' } });
      expect(byMember.status).toBe(403);

      const ws = await t.api<{ id: string }>('POST', '/api/v1/workspaces', { token: admin.accessToken, body: { name: 'Team' } });
      const inv = await t.api<{ token: string }>('POST', `/api/v1/workspaces/${ws.body.id}/invitations`, { token: admin.accessToken, body: { role: 'editor' } });
      const bad = await t.api('POST', '/api/v1/auth/register', { body: { email: 'i@example.com', password: TEST_PASSWORD, name: 'I', invitationToken: 'bpi_nope' } });
      expect(bad.status).toBe(404);
      expect(await t.db.query("SELECT 1 FROM users WHERE email = 'i@example.com'")).toEqual([]);
      const invited = await t.api<{ membership: { role: string; workspace: { id: string } }; accessToken: string }>('POST', '/api/v1/auth/register', {
        body: { email: 'i@example.com', password: TEST_PASSWORD, name: 'I', invitationToken: inv.body.token },
      });
      expect(invited.status).toBe(201);
      expect(invited.body.membership).toEqual({ workspace: { id: ws.body.id, name: 'Team' }, role: 'editor' });
      const reuse = await t.api('POST', '/api/v1/auth/register', { body: { email: 'j@example.com', password: TEST_PASSWORD, name: 'J', invitationToken: inv.body.token } });
      expect(reuse.status).toBe(410);
    });
  });

  describe('login', () => {
    it('answers a wrong password and an unknown email with the same generic error', async () => {
      const t = await world.start();
      await t.register('Ann');
      const wrong = await t.api<ErrorBody>('POST', '/api/v1/auth/login', { body: { email: 'ann@example.com', password: 'not the password' } });
      const unknown = await t.api<ErrorBody>('POST', '/api/v1/auth/login', { body: { email: 'nobody@example.com', password: TEST_PASSWORD } });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.body.error).toEqual({ type: 'INVALID_CREDENTIALS', message: 'Wrong email or password.' });
      const right = await t.api<Pair & { user: { email: string } }>('POST', '/api/v1/auth/login', { body: { email: ' ANN@example.com', password: TEST_PASSWORD } });
      expect(right.status).toBe(200);
      expect(right.body.user.email).toBe('ann@example.com');
    });

    it('refuses an email from one address after 10 failures in 15 minutes, with Retry-After, until the window passes', async () => {
      const t = await world.start();
      await t.register('Ann');
      const attempt = (password: string, ip?: string) =>
        t.api<ErrorBody>('POST', '/api/v1/auth/login', { body: { email: 'ann@example.com', password }, ...(ip ? { headers: { 'x-forwarded-for': ip } } : {}) });
      for (let i = 0; i < 10; i++) expect((await attempt(`wrong guess ${i}`)).status).toBe(401);
      const limited = await attempt(TEST_PASSWORD);
      expect(limited.status).toBe(429);
      expect(limited.body.error.type).toBe('TOO_MANY_REQUESTS');
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(14 * 60);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      // X-Forwarded-For is not trusted unless TRUST_PROXY is set: it cannot dodge the limit.
      expect((await attempt(TEST_PASSWORD, '203.0.113.9')).status).toBe(429);
      t.clock.advance(15 * 60_000 + 1_000);
      expect((await attempt(TEST_PASSWORD)).status).toBe(200);
    });

    it('counts per client address when behind a trusted proxy', async () => {
      const t = await world.start({ env: { TRUST_PROXY: 'true' }, loginLimit: { maxFailures: 2, windowMs: 60_000 } });
      await t.register('Ann');
      const attempt = (password: string, ip: string) => t.api('POST', '/api/v1/auth/login', { body: { email: 'ann@example.com', password }, headers: { 'x-forwarded-for': `198.51.100.1, ${ip}` } });
      await attempt('wrong guess 1', '203.0.113.1');
      await attempt('wrong guess 2', '203.0.113.1');
      expect((await attempt(TEST_PASSWORD, '203.0.113.1')).status).toBe(429);
      expect((await attempt(TEST_PASSWORD, '203.0.113.2')).status).toBe(200);
    });
  });

  describe('sessions', () => {
    it('rotates refresh tokens: each works once, and a reused one revokes its whole family', async () => {
      const t = await world.start();
      const ann = await t.register('Ann');
      const other = await t.api<Pair>('POST', '/api/v1/auth/login', { body: { email: 'ann@example.com', password: TEST_PASSWORD } });

      const r1 = await t.api<Pair>('POST', '/api/v1/auth/refresh', { body: { refreshToken: ann.refreshToken } });
      expect(r1.status).toBe(200);
      expect(r1.body.refreshToken).not.toBe(ann.refreshToken);
      const r2 = await t.api<Pair>('POST', '/api/v1/auth/refresh', { body: { refreshToken: r1.body.refreshToken } });
      expect(r2.status).toBe(200);
      expect((await t.api('GET', '/api/v1/auth/me', { token: r2.body.accessToken })).status).toBe(200);

      // The first token again: someone copied it. The family — r1, r2 and their access tokens — ends.
      const reuse = await t.api<ErrorBody>('POST', '/api/v1/auth/refresh', { body: { refreshToken: ann.refreshToken } });
      expect(reuse.status).toBe(401);
      expect(reuse.body.error.type).toBe('INVALID_REFRESH_TOKEN');
      expect((await t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: r2.body.refreshToken } })).status).toBe(401);
      expect((await t.api('GET', '/api/v1/auth/me', { token: r2.body.accessToken })).status).toBe(401);
      expect((await t.api('GET', '/api/v1/auth/me', { token: ann.accessToken })).status).toBe(401);
      // Another login of the same person is another family, untouched.
      expect((await t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: other.body.refreshToken } })).status).toBe(200);
      const audit = await t.db.query<{ action: string }>("SELECT action FROM audit_log WHERE action = 'session.refresh_reuse'");
      expect(audit).toHaveLength(1);
    });

    it('expires refresh tokens after 30 days and stores them only hashed', async () => {
      const t = await world.start();
      const ann = await t.register('Ann');
      const rows = await t.db.query<{ token_hash: string }>('SELECT token_hash FROM refresh_tokens');
      expect(rows.map((r) => r.token_hash)).not.toContain(ann.refreshToken);
      expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
      t.clock.advance(30 * 24 * 3_600_000 + 1_000);
      const late = await t.api<ErrorBody>('POST', '/api/v1/auth/refresh', { body: { refreshToken: ann.refreshToken } });
      expect(late.status).toBe(401);
      expect(late.body.error.message).toContain('expired');
    });

    it('logout ends the sign-in: its refresh token and access token stop working, other sign-ins do not', async () => {
      const t = await world.start();
      const ann = await t.register('Ann');
      const other = await t.api<Pair>('POST', '/api/v1/auth/login', { body: { email: 'ann@example.com', password: TEST_PASSWORD } });
      const out = await t.api('POST', '/api/v1/auth/logout', { token: ann.accessToken });
      expect(out.status).toBe(204);
      expect((await t.api('GET', '/api/v1/auth/me', { token: ann.accessToken })).status).toBe(401);
      expect((await t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: ann.refreshToken } })).status).toBe(401);
      expect((await t.api('GET', '/api/v1/auth/me', { token: other.body.accessToken })).status).toBe(200);
      // With only the refresh token (the access token may have expired).
      expect((await t.api('POST', '/api/v1/auth/logout', { body: { refreshToken: other.body.refreshToken } })).status).toBe(204);
      expect((await t.api('GET', '/api/v1/auth/me', { token: other.body.accessToken })).status).toBe(401);
      expect((await t.api('POST', '/api/v1/auth/logout')).status).toBe(401);
    });

    it('a password change needs the current password, keeps this sign-in and ends the others', async () => {
      const t = await world.start();
      const ann = await t.register('Ann');
      const other = await t.api<Pair>('POST', '/api/v1/auth/login', { body: { email: 'ann@example.com', password: TEST_PASSWORD } });
      const wrong = await t.api<ErrorBody>('POST', '/api/v1/auth/password', { token: ann.accessToken, body: { currentPassword: 'not my password', newPassword: 'a brand new password' } });
      expect(wrong.status).toBe(401);
      const weak = await t.api('POST', '/api/v1/auth/password', { token: ann.accessToken, body: { currentPassword: TEST_PASSWORD, newPassword: 'short' } });
      expect(weak.status).toBe(400);
      const changed = await t.api('POST', '/api/v1/auth/password', { token: ann.accessToken, body: { currentPassword: TEST_PASSWORD, newPassword: 'a brand new password' } });
      expect(changed.status).toBe(204);
      expect((await t.api('GET', '/api/v1/auth/me', { token: ann.accessToken })).status).toBe(200);
      expect((await t.api('GET', '/api/v1/auth/me', { token: other.body.accessToken })).status).toBe(401);
      expect((await t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: other.body.refreshToken } })).status).toBe(401);
      expect((await t.api('POST', '/api/v1/auth/login', { body: { email: 'ann@example.com', password: TEST_PASSWORD } })).status).toBe(401);
      expect((await t.api('POST', '/api/v1/auth/login', { body: { email: 'ann@example.com', password: 'a brand new password' } })).status).toBe(200);
    });
  });

  describe('access tokens', () => {
    it('expire after 15 minutes (the refresh token gets a new one) and are refused when tampered with', async () => {
      const t = await world.start();
      const ann = await t.register('Ann');
      t.clock.advance(14 * 60_000);
      expect((await t.api('GET', '/api/v1/auth/me', { token: ann.accessToken })).status).toBe(200);
      t.clock.advance(60_000);
      const expired = await t.api<ErrorBody>('GET', '/api/v1/auth/me', { token: ann.accessToken });
      expect(expired.status).toBe(401);
      expect(expired.body.error).toEqual({ type: 'AUTHENTICATION_REQUIRED', message: 'The access token has expired; refresh it.' });
      const fresh = await t.api<Pair>('POST', '/api/v1/auth/refresh', { body: { refreshToken: ann.refreshToken } });
      expect((await t.api('GET', '/api/v1/auth/me', { token: fresh.body.accessToken })).status).toBe(200);

      const [prefix, payload, signature] = fresh.body.accessToken.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { u: string; s: string; e: number };
      const longer = Buffer.from(JSON.stringify({ ...claims, e: claims.e + 86_400 })).toString('base64url');
      const tampered = await t.api<ErrorBody>('GET', '/api/v1/auth/me', { token: `${prefix}.${longer}.${signature}` });
      expect(tampered.status).toBe(401);
      expect(tampered.body.error.message).toBe('The access token is not valid.');
      expect((await t.api('GET', '/api/v1/auth/me', { token: 'garbage' })).status).toBe(401);
      expect((await t.api('GET', '/api/v1/auth/me')).status).toBe(401);
    });
  });
});
