/**
 * Accounts and sign-in sessions: register, login, refresh (rotating), logout, password change.
 *
 * A login starts a session — a family of refresh tokens. Each refresh token is exchanged once for
 * a new pair; presenting one that was already exchanged means it was copied, so the whole family
 * (the session) is revoked and the access tokens naming it stop working. Logout revokes the
 * session; a password change revokes all the user's other sessions.
 */
import { err, ok } from '../../../src-shared/errors';
import { recordAudit } from '../audit/audit.repo';
import type { SessionAuth } from '../auth/authenticate';
import { hashSecretToken, looksLike, newSecretToken } from '../auth/secret-tokens';
import type { Clock } from '../clock';
import type { Registration } from '../config';
import type { Db, Queryable } from '../db/db';
import { txOutcome } from '../db/tx-outcome';
import { fail, type Outcome } from '../http/failures';
import { newServerId } from '../ids';
import type { AcceptedInvitation, InvitationsService } from '../workspaces/invitations.service';
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken } from './access-tokens';
import type { LoginLimiter } from './login-limiter';
import { dummyHash, hashPassword, needsRehash, verifyPassword, type ScryptParams } from './passwords';

export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3_600_000;

/** An arbitrary constant: the advisory lock that makes "first account becomes admin" race-free. */
const REGISTER_LOCK = 727_274_002;

export interface UserDto {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  createdAt: string;
}

export interface TokenPair {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

export interface Registered {
  user: UserDto;
  /** Absent when a server admin created the account for someone else. */
  tokens?: TokenPair;
  /** Set when the registration accepted an invitation. */
  membership?: AcceptedInvitation;
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  is_admin: boolean;
  created_at: Date;
  [key: string]: unknown;
}

const toUser = (r: UserRow): UserDto => ({ id: r.id, email: r.email, name: r.name, isAdmin: r.is_admin, createdAt: new Date(r.created_at).toISOString() });

export interface AccountsDeps {
  db: Db;
  clock: Clock;
  tokenSecret: string;
  scrypt: ScryptParams;
  registration: Registration;
  limiter: LoginLimiter;
  invitations: InvitationsService;
}

export class AccountsService {
  private dummy: Promise<string> | null = null;
  constructor(private readonly d: AccountsDeps) {}

  /**
   * Open registration: anyone. Closed: the first account of an empty server (someone must become
   * admin), a server admin creating an account, or someone holding a valid invitation.
   */
  async register(input: { email: string; password: string; name: string; invitationToken?: string | undefined }, by: SessionAuth | null): Promise<Outcome<Registered>> {
    const createdByAdmin = by?.isAdmin === true;
    const closed = fail('REGISTRATION_CLOSED', 'Registration on this server is closed; ask an admin for an account or an invitation.');
    const mayRegister = async (q: Queryable): Promise<{ first: boolean; allowed: boolean }> => {
      const first = (await q.query('SELECT 1 FROM users LIMIT 1')).length === 0;
      return { first, allowed: first || this.d.registration === 'open' || createdByAdmin || input.invitationToken !== undefined };
    };
    // Refused before the (deliberately slow) hash, so closed registration costs an attacker's request nothing.
    if (!(await mayRegister(this.d.db)).allowed) return err(closed);
    const passwordHash = await hashPassword(input.password, this.d.scrypt);
    return txOutcome(this.d.db, async (q) => {
      await q.query('SELECT pg_advisory_xact_lock($1)', [REGISTER_LOCK]);
      const { first, allowed } = await mayRegister(q);
      if (!allowed) return err(closed);
      if ((await q.query('SELECT 1 FROM users WHERE email = $1', [input.email])).length > 0) {
        return err(fail('EMAIL_TAKEN', 'An account with this email address already exists; sign in instead.'));
      }
      const id = newServerId('usr');
      const rows = await q.query<UserRow>('INSERT INTO users (id, email, name, password_hash, is_admin) VALUES ($1, $2, $3, $4, $5) RETURNING *', [
        id,
        input.email,
        input.name,
        passwordHash,
        first,
      ]);
      const user = rows[0]!;
      await recordAudit(q, { actor: { userId: by?.userId ?? id }, action: 'user.register', target: id, details: { admin: first, createdBy: createdByAdmin ? by.userId : null } });
      let membership: AcceptedInvitation | undefined;
      if (input.invitationToken) {
        const accepted = await this.d.invitations.acceptIn(q, { id, email: input.email }, input.invitationToken);
        if (!accepted.ok) return accepted;
        membership = accepted.value;
      }
      const out: Registered = { user: toUser(user) };
      if (!createdByAdmin) out.tokens = await this.startSession(q, id);
      if (membership) out.membership = membership;
      return ok(out);
    });
  }

  /** Wrong email and wrong password look the same, and take the same time. */
  async login(input: { email: string; password: string }, ip: string): Promise<Outcome<{ user: UserDto; tokens: TokenPair }>> {
    const key = this.d.limiter.key('login', input.email, ip);
    const wait = await this.d.limiter.retryAfter(key);
    if (wait !== null) return err(fail('TOO_MANY_REQUESTS', `Too many failed sign-ins for this email from your address; try again in ${wait} seconds.`, wait));
    const user = (await this.d.db.query<UserRow>('SELECT * FROM users WHERE email = $1', [input.email]))[0];
    const good = user ? await verifyPassword(input.password, user.password_hash) : (await verifyPassword(input.password, await this.dummyHash()), false);
    if (!user || !good) {
      await this.d.limiter.recordFailure(key);
      return err(fail('INVALID_CREDENTIALS', 'Wrong email or password.'));
    }
    await this.d.limiter.clear(key);
    if (needsRehash(user.password_hash, this.d.scrypt)) {
      await this.d.db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [user.id, await hashPassword(input.password, this.d.scrypt)]);
    }
    const tokens = await this.d.db.tx((q) => this.startSession(q, user.id));
    return ok({ user: toUser(user), tokens });
  }

  async refresh(refreshToken: string): Promise<Outcome<TokenPair>> {
    const invalid = fail('INVALID_REFRESH_TOKEN', 'The refresh token is not valid; sign in again.');
    if (!looksLike('bpr', refreshToken)) return err(invalid);
    const now = this.d.clock();
    // Not txOutcome: revoking a family on reuse must commit even though the answer is a failure.
    const out = await this.d.db.tx(async (q): Promise<Outcome<TokenPair>> => {
      const rows = await q.query<{ session_id: string; user_id: string; expires_at: Date; used_at: Date | null; revoked_at: Date | null }>(
        `SELECT t.session_id, s.user_id, t.expires_at, t.used_at, s.revoked_at FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
         WHERE t.token_hash = $1 FOR UPDATE OF t, s`,
        [hashSecretToken(refreshToken)],
      );
      const row = rows[0];
      if (!row || row.revoked_at) return err(invalid);
      if (row.used_at) {
        await q.query("UPDATE sessions SET revoked_at = now(), revoked_reason = 'refresh_reuse' WHERE id = $1", [row.session_id]);
        await recordAudit(q, { actor: { userId: row.user_id }, action: 'session.refresh_reuse', target: row.session_id, details: {} });
        return err(fail('INVALID_REFRESH_TOKEN', 'This refresh token was already used, so it may have been copied: every token of that sign-in is now revoked. Sign in again.'));
      }
      if (new Date(row.expires_at).getTime() <= now) return err(fail('INVALID_REFRESH_TOKEN', 'The refresh token has expired; sign in again.'));
      await q.query('UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1', [hashSecretToken(refreshToken), new Date(now)]);
      return ok(await this.issue(q, row.user_id, row.session_id));
    });
    return out;
  }

  /** Ends the sign-in named by the access token and/or the refresh token's family. */
  async logout(by: SessionAuth | null, refreshToken: string | undefined): Promise<Outcome<void>> {
    const sessions = new Set<string>();
    if (by) sessions.add(by.sessionId);
    if (refreshToken !== undefined) {
      const rows = looksLike('bpr', refreshToken) ? await this.d.db.query<{ session_id: string }>('SELECT session_id FROM refresh_tokens WHERE token_hash = $1', [hashSecretToken(refreshToken)]) : [];
      if (rows.length === 0) return err(fail('INVALID_REFRESH_TOKEN', 'The refresh token is not valid.'));
      sessions.add(rows[0]!.session_id);
    }
    if (sessions.size === 0) return err(fail('AUTHENTICATION_REQUIRED', 'Send the access token (Authorization: Bearer) or {"refreshToken"} of the sign-in to end.'));
    await this.d.db.query("UPDATE sessions SET revoked_at = now(), revoked_reason = 'logout' WHERE id = ANY($1::text[]) AND revoked_at IS NULL", [[...sessions]]);
    return ok(undefined);
  }

  async me(userId: string): Promise<Outcome<UserDto>> {
    const row = (await this.d.db.query<UserRow>('SELECT * FROM users WHERE id = $1', [userId]))[0];
    return row ? ok(toUser(row)) : err(fail('AUTHENTICATION_REQUIRED', 'This account no longer exists.'));
  }

  /** Keeps the caller's own sign-in; ends every other. Wrong current passwords count like failed logins. */
  async changePassword(by: SessionAuth, input: { currentPassword: string; newPassword: string }, ip: string): Promise<Outcome<void>> {
    const key = this.d.limiter.key('password', by.userId, ip);
    const wait = await this.d.limiter.retryAfter(key);
    if (wait !== null) return err(fail('TOO_MANY_REQUESTS', `Too many wrong passwords; try again in ${wait} seconds.`, wait));
    const row = (await this.d.db.query<UserRow>('SELECT * FROM users WHERE id = $1', [by.userId]))[0];
    if (!row) return err(fail('AUTHENTICATION_REQUIRED', 'This account no longer exists.'));
    if (!(await verifyPassword(input.currentPassword, row.password_hash))) {
      await this.d.limiter.recordFailure(key);
      return err(fail('INVALID_CREDENTIALS', 'The current password is wrong.'));
    }
    await this.d.limiter.clear(key);
    const hash = await hashPassword(input.newPassword, this.d.scrypt);
    await this.d.db.tx(async (q) => {
      await q.query('UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1', [by.userId, hash]);
      const ended = await q.query("UPDATE sessions SET revoked_at = now(), revoked_reason = 'password_change' WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL RETURNING id", [
        by.userId,
        by.sessionId,
      ]);
      await recordAudit(q, { actor: { userId: by.userId }, action: 'user.password_change', target: by.userId, details: { otherSessionsEnded: ended.length } });
    });
    return ok(undefined);
  }

  private async startSession(q: Queryable, userId: string): Promise<TokenPair> {
    const sessionId = newServerId('ses');
    await q.query('INSERT INTO sessions (id, user_id) VALUES ($1, $2)', [sessionId, userId]);
    return this.issue(q, userId, sessionId);
  }

  private async issue(q: Queryable, userId: string, sessionId: string): Promise<TokenPair> {
    const now = this.d.clock();
    const accessExpiresAt = Math.floor(now / 1000) + ACCESS_TOKEN_TTL_SECONDS;
    const refreshToken = newSecretToken('bpr');
    const refreshExpiresAt = new Date(now + REFRESH_TOKEN_TTL_MS);
    await q.query('INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)', [hashSecretToken(refreshToken), sessionId, refreshExpiresAt]);
    return {
      accessToken: signAccessToken(this.d.tokenSecret, { userId, sessionId, expiresAt: accessExpiresAt }),
      accessTokenExpiresAt: new Date(accessExpiresAt * 1000).toISOString(),
      refreshToken,
      refreshTokenExpiresAt: refreshExpiresAt.toISOString(),
    };
  }

  private dummyHash(): Promise<string> {
    this.dummy ??= dummyHash(this.d.scrypt);
    return this.dummy;
  }
}
