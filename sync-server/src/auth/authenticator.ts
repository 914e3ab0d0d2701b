/**
 * The hook the WebSocket sync module uses to decide who may join and write: the same checks as
 * the HTTP API, read from the database each time, plus membership changes from every server
 * process on the same PostgreSQL (so a removed member's open sockets can be closed at once).
 */
import type { Db } from '../db/db';
import type { MembershipChange } from '../workspaces/membership.repo';
import { roleOf } from '../workspaces/membership.repo';
import type { MembershipEvents } from '../workspaces/membership-events';
import type { Role } from '../workspaces/roles';
import type { RequestAuthenticator } from './authenticate';

export interface Authenticator {
  /**
   * A signed-in person's access token (`bpa1.…`) → their user id; null when it is not valid now
   * (bad signature, expired, or its sign-in revoked). API tokens are refused here: their scope and
   * workspace limits cannot be expressed as a user id.
   */
  /** The token's user, with their display name (written into their presence). */
  authenticate(token: string): Promise<{ userId: string; name?: string } | null>;
  /** The user's current role in the workspace; null when not a member. */
  roleIn(userId: string, workspaceId: string): Promise<Role | null>;
  /** Called for every membership change (added, role changed: `role`; removed: `role: null`). Returns the unsubscribe. */
  onMembershipChange(listener: (e: MembershipChange) => void): () => void;
}

export function createAuthenticator(db: Db, auth: RequestAuthenticator, events: MembershipEvents): Authenticator {
  return {
    async authenticate(token) {
      const session = await auth.session(token);
      if (!session) return null;
      const rows = await db.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [session.userId]);
      return { userId: session.userId, ...(rows[0]?.name ? { name: rows[0].name } : {}) };
    },
    roleIn: (userId, workspaceId) => roleOf(db, workspaceId, userId),
    onMembershipChange: (listener) => events.on(listener),
  };
}
