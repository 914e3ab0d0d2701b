/**
 * What the sync core needs from the rest of the server, as interfaces: the accounts side implements
 * `Authenticator`; the process's logger is passed in. Plus the limits, with their defaults.
 */

export type Role = 'owner' | 'admin' | 'editor' | 'commenter' | 'viewer';

export interface MembershipChange {
  workspaceId: string;
  userId: string;
  /** The member's new role; null when they were removed from the workspace. */
  role: Role | null;
}

export interface Authenticator {
  /** The user a token belongs to; null when the token is unknown, expired or revoked. */
  authenticate(token: string): Promise<{ userId: string; name?: string } | null>;
  /** The user's role in the workspace; null when they are not a member. */
  roleIn(userId: string, workspaceId: string): Promise<Role | null>;
  /** Calls `listener` on every membership change (in this process); returns an unsubscribe. */
  onMembershipChange(listener: (e: MembershipChange) => void): () => void;
}

/** Whether a role may change documents. Commenters and viewers read, and may send presence. */
export function canWrite(role: Role): boolean {
  switch (role) {
    case 'owner':
    case 'admin':
    case 'editor':
      return true;
    case 'commenter':
    case 'viewer':
      return false;
    default: {
      const never: never = role;
      throw new Error(`Unknown role ${String(never)}`);
    }
  }
}

/** The part of a pino logger the sync core uses. Never given record contents or tokens. */
export interface SyncLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: SyncLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export interface SyncLimits {
  /** Largest WebSocket message accepted; a larger one closes the socket with 1009. */
  maxMessageBytes: number;
  /** Largest single Yjs update stored; a larger one closes the socket with 1009. */
  maxUpdateBytes: number;
  /** Sustained messages per second per connection (token bucket) … */
  messagesPerSecond: number;
  /** … and the burst allowed above it; beyond, the socket is closed with 4429. */
  messageBurst: number;
  /** Open sockets per user (all workspaces); beyond, the upgrade gets HTTP 429. */
  maxConnectionsPerUser: number;
  /** Open sockets in this process; beyond, the upgrade gets HTTP 503. */
  maxConnections: number;
  /** Documents one app connection may have open at once; beyond, closed with 4413. */
  maxDocsPerConnection: number;
  /** Bytes queued for a client that does not read; beyond, closed with 4408. */
  maxBufferedBytes: number;
  /** A document is compacted when it has more update rows than this. */
  compactAfterUpdates: number;
  /** A document no client has open is dropped from memory after this long. */
  idleUnloadMs: number;
  /**
   * Every this many ms, the tokens of open sockets are authenticated again and sockets whose token
   * is no longer valid (signed out, revoked, expired) are closed with 4401. 0: never (a socket
   * stays open as long as its membership does).
   */
  recheckTokenMs: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: SyncLimits = {
  maxMessageBytes: 10 * MiB + 64 * 1024,
  maxUpdateBytes: 10 * MiB,
  messagesPerSecond: 500,
  // A reconnecting app sends a sync step 1 for every document of the workspace at once.
  messageBurst: 20_000,
  maxConnectionsPerUser: 20,
  maxConnections: 10_000,
  maxDocsPerConnection: 20_000,
  maxBufferedBytes: 64 * MiB,
  compactAfterUpdates: 500,
  idleUnloadMs: 30_000,
  recheckTokenMs: 0,
};
