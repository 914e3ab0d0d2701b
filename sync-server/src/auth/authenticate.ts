/**
 * Who is asking: `Authorization: Bearer <token>` resolved to an AuthContext, freshly from the
 * database on every request (a revoked session, a deleted API token or a changed role applies at
 * once). Two kinds of bearer:
 * - an access token (`bpa1.…`, a signed-in person): everything their roles allow;
 * - a personal API token (`bpt_…`): only its scopes, only its workspaces, and never more than its
 *   owner's current role. API tokens cannot manage accounts, tokens or members (`requireSession`).
 */
import { err, ok } from '../../../src-shared/errors';
import type { Clock } from '../clock';
import type { Db } from '../db/db';
import { fail, type Outcome } from '../http/failures';
import { verifyAccessToken } from '../accounts/access-tokens';
import { SCOPE_MIN_ROLE, isScope, type Scope } from '../api-tokens/scopes';
import { roleOf } from '../workspaces/membership.repo';
import { atLeast, type Role } from '../workspaces/roles';
import { hashSecretToken, looksLike } from './secret-tokens';

interface AuthBase {
  userId: string;
  /** The member's current role in a workspace, read now; null when not a member. */
  roleIn(workspaceId: string): Promise<Role | null>;
}

export interface SessionAuth extends AuthBase {
  kind: 'session';
  sessionId: string;
  /** A server admin (may create accounts when registration is closed, read the whole audit log). */
  isAdmin: boolean;
}

export interface ApiTokenAuth extends AuthBase {
  kind: 'apiToken';
  tokenId: string;
  scopes: readonly Scope[];
  workspaceIds: readonly string[];
}

export type AuthContext = SessionAuth | ApiTokenAuth;

/** Don't write last_used_at more often than this per token. */
const LAST_USED_RESOLUTION_MS = 60_000;

export class RequestAuthenticator {
  constructor(private readonly deps: { db: Db; tokenSecret: string; clock: Clock }) {}

  /** The `Authorization` header resolved; 401 when it is missing or not valid now. */
  async fromHeader(header: string | undefined): Promise<Outcome<AuthContext>> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!m) return err(fail('AUTHENTICATION_REQUIRED', 'Sign in: send Authorization: Bearer <access token or API token>.'));
    const token = m[1]!;
    if (token.startsWith('bpt_')) {
      const auth = await this.apiToken(token);
      return auth ? ok(auth) : err(fail('AUTHENTICATION_REQUIRED', 'This API token is not valid (it may have been deleted).'));
    }
    const check = verifyAccessToken(this.deps.tokenSecret, token, this.deps.clock());
    if (!check.ok) return err(fail('AUTHENTICATION_REQUIRED', check.reason === 'expired' ? 'The access token has expired; refresh it.' : 'The access token is not valid.'));
    const session = await this.liveSession(check.claims.userId, check.claims.sessionId);
    return session ? ok(session) : err(fail('AUTHENTICATION_REQUIRED', 'This sign-in has ended (signed out or revoked); sign in again.'));
  }

  /** A signed-in person (not an API token) from the `Authorization` header. */
  async sessionFromHeader(header: string | undefined): Promise<Outcome<SessionAuth>> {
    const auth = await this.fromHeader(header);
    return auth.ok ? requireSession(auth.value) : auth;
  }

  /** An access token's signed-in person, or null (bad signature, expired, session revoked). */
  async session(token: string): Promise<SessionAuth | null> {
    const check = verifyAccessToken(this.deps.tokenSecret, token, this.deps.clock());
    return check.ok ? this.liveSession(check.claims.userId, check.claims.sessionId) : null;
  }

  private async liveSession(userId: string, sessionId: string): Promise<SessionAuth | null> {
    const rows = await this.deps.db.query<{ is_admin: boolean }>(
      'SELECT u.is_admin FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL',
      [sessionId, userId],
    );
    const row = rows[0];
    if (!row) return null;
    return { kind: 'session', userId, sessionId, isAdmin: row.is_admin, roleIn: (ws) => roleOf(this.deps.db, ws, userId) };
  }

  private async apiToken(token: string): Promise<ApiTokenAuth | null> {
    if (!looksLike('bpt', token)) return null;
    const rows = await this.deps.db.query<{ id: string; user_id: string; scopes: unknown; workspace_ids: unknown; last_used_at: Date | null }>(
      'SELECT id, user_id, scopes, workspace_ids, last_used_at FROM api_tokens WHERE token_hash = $1',
      [hashSecretToken(token)],
    );
    const row = rows[0];
    if (!row) return null;
    const now = this.deps.clock();
    if (!row.last_used_at || now - new Date(row.last_used_at).getTime() > LAST_USED_RESOLUTION_MS) {
      await this.deps.db.query('UPDATE api_tokens SET last_used_at = $2 WHERE id = $1', [row.id, new Date(now)]);
    }
    const scopes = Array.isArray(row.scopes) ? row.scopes.filter(isScope) : [];
    const workspaceIds = Array.isArray(row.workspace_ids) ? row.workspace_ids.filter((w): w is string => typeof w === 'string') : [];
    return { kind: 'apiToken', userId: row.user_id, tokenId: row.id, scopes, workspaceIds, roleIn: (ws) => roleOf(this.deps.db, ws, row.user_id) };
  }
}

/** Account, token and member management need a signed-in person, not an API token. */
export function requireSession(auth: AuthContext): Outcome<SessionAuth> {
  if (auth.kind === 'session') return ok(auth);
  return err(fail('INVALID_PERMISSIONS', 'API tokens cannot manage accounts, tokens, workspaces or members; sign in instead.'));
}

/**
 * For API routes: may `auth` do what `scope` names in `workspaceId`? An API token needs the scope
 * and the workspace in its lists; anyone needs a current role at least the scope's minimum
 * (SCOPE_MIN_ROLE). The role, when allowed.
 */
export async function requireScope(auth: AuthContext, scope: Scope, workspaceId: string): Promise<Outcome<Role>> {
  if (auth.kind === 'apiToken') {
    if (!auth.scopes.includes(scope)) return err(fail('INVALID_PERMISSIONS', `This API token does not have the scope ${scope}.`));
    if (!auth.workspaceIds.includes(workspaceId)) return err(fail('INVALID_PERMISSIONS', `This API token cannot reach workspace ${workspaceId}.`));
  }
  const role = await auth.roleIn(workspaceId);
  if (!role) return err(notAMember(workspaceId));
  const minimum = SCOPE_MIN_ROLE[scope];
  if (!atLeast(role, minimum)) return err(fail('INVALID_PERMISSIONS', `Your role in this workspace (${role}) does not allow ${scope}; it needs ${minimum} or higher.`));
  return ok(role);
}

/** Not a member and no such workspace look the same: ids of other teams' workspaces stay private. */
export function notAMember(workspaceId: string): ReturnType<typeof fail> {
  return fail('NOT_FOUND', `No workspace ${workspaceId} that you are a member of.`);
}
