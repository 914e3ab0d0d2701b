/**
 * `attachSync(server, deps)`: the sync endpoint on an HTTP server. It takes the 'upgrade' requests
 * under /sync/ and, before any WebSocket exists, authenticates the token (401), checks membership
 * (403) and the connection limits (429 per user, 503 in total); then hands the socket to a
 * Connection. Membership changes reach open sockets at once (removed: closed with 4403).
 *
 * Wires the parts: DocStore (storage), DocRegistry (documents in memory), Fanout (other processes,
 * on by default with PostgreSQL), Connection (one socket).
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Db } from '../db/db';
import { CloseCode } from './close-codes';
import { Connection } from './connection';
import { createDocAccess, type DocAccess } from './doc-access';
import { DocRegistry } from './doc-registry';
import { DocStore, type CompactResult, type DocRef } from './doc-store';
import { Fanout } from './fanout';
import { DEFAULT_LIMITS, silentLogger, type Authenticator, type Role, type SyncLimits, type SyncLogger } from './types';
import { chooseProtocol, parseSyncPath, refuseUpgrade, tokenOf } from './upgrade';

export interface SyncDeps {
  db: Db;
  auth: Authenticator;
  limits?: Partial<SyncLimits>;
  logger?: SyncLogger;
  /**
   * Hear other processes' commits through LISTEN/NOTIFY. Default: on with PostgreSQL, off with
   * PGlite (one process; on, it also links two attachSync sharing one PGlite in a process).
   */
  fanout?: boolean;
}

export interface SyncHandle extends DocAccess {
  readonly store: DocStore;
  /** Compacts a document now (it also happens by itself past `compactAfterUpdates` rows). */
  compact(ref: DocRef): Promise<CompactResult>;
  stats(): { connections: number; docs: number };
  /** Closes every socket (1001), waits for queued writes, stops listening. Leaves the Db open. */
  close(): Promise<void>;
}

interface UpgradeWaiter {
  changed: boolean;
  role: Role | null;
}

const memberKey = (workspaceId: string, userId: string): string => `${workspaceId}\u0000${userId}`;

export async function attachSync(server: http.Server, deps: SyncDeps): Promise<SyncHandle> {
  const limits: SyncLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const logger = deps.logger ?? silentLogger;
  const store = new DocStore(deps.db, { maxUpdateBytes: limits.maxUpdateBytes });
  const registry = new DocRegistry(store, limits, logger);
  let fanout: Fanout | null = null;
  if (deps.fanout ?? deps.db.kind === 'postgres') {
    fanout = new Fanout(deps.db, { onUpdates: (d, s) => registry.onRemoteUpdates(d, s), onAwareness: (d, u) => registry.onRemoteAwareness(d, u), onMissed: () => registry.catchUp() }, logger);
    // Listening before any document loads: a commit the load misses is heard.
    await fanout.start();
    registry.fanout = fanout;
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes, perMessageDeflate: false, handleProtocols: chooseProtocol });
  const connections = new Set<Connection>();
  const byMember = new Map<string, Set<Connection>>();
  const perUser = new Map<string, number>();
  /** Open sockets plus upgrades past the limit check. */
  let total = 0;
  /** Upgrades between their role lookup and their socket, so a change in between is not missed. */
  const waiters = new Map<string, Set<UpgradeWaiter>>();
  let closing = false;

  const stopMembership = deps.auth.onMembershipChange((e) => {
    const key = memberKey(e.workspaceId, e.userId);
    for (const w of waiters.get(key) ?? []) Object.assign(w, { changed: true, role: e.role });
    for (const c of byMember.get(key) ?? []) c.setRole(e.role);
  });

  const releaseSlot = (userId: string): void => {
    total--;
    const n = (perUser.get(userId) ?? 1) - 1;
    if (n > 0) perUser.set(userId, n);
    else perUser.delete(userId);
  };

  const onClosed = (conn: Connection): void => {
    if (!connections.delete(conn)) return;
    const key = memberKey(conn.workspaceId, conn.userId);
    const set = byMember.get(key);
    set?.delete(conn);
    if (set?.size === 0) byMember.delete(key);
    releaseSlot(conn.userId);
  };
  const ctx = { registry, limits, logger, onClosed };

  async function onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const target = parseSyncPath(url.pathname);
    if (!target) {
      // Not ours. With no other upgrade handler, nobody would ever answer.
      if (server.listenerCount('upgrade') === 1) refuseUpgrade(socket, 404, 'No WebSocket endpoint here; sync is under /sync/.');
      return;
    }
    socket.on('error', () => undefined);
    if (closing) return refuseUpgrade(socket, 503, 'The server is shutting down.');
    if (target.kind === 'bad') return refuseUpgrade(socket, 400, target.reason);
    const token = tokenOf(req, url);
    if (!token) return refuseUpgrade(socket, 401, 'A token is required (?token=… or a token.<token> subprotocol).');
    const user = await deps.auth.authenticate(token);
    if (!user) return refuseUpgrade(socket, 401, 'The token is not valid; sign in again.');
    const key = memberKey(target.workspaceId, user.userId);
    const waiter: UpgradeWaiter = { changed: false, role: null };
    let set = waiters.get(key);
    if (!set) waiters.set(key, (set = new Set()));
    set.add(waiter);
    try {
      const looked = await deps.auth.roleIn(user.userId, target.workspaceId);
      const role = waiter.changed ? waiter.role : looked;
      if (!role) return refuseUpgrade(socket, 403, 'You are not a member of this workspace.');
      if (closing) return refuseUpgrade(socket, 503, 'The server is shutting down.');
      if ((perUser.get(user.userId) ?? 0) >= limits.maxConnectionsPerUser) return refuseUpgrade(socket, 429, `At most ${limits.maxConnectionsPerUser} sync connections per user.`);
      if (total >= limits.maxConnections) return refuseUpgrade(socket, 503, 'The server has as many sync connections as it takes; try again later.');
      if (socket.destroyed || !socket.readable || !socket.writable) return;
      total++;
      perUser.set(user.userId, (perUser.get(user.userId) ?? 0) + 1);
      let upgraded = false;
      wss.handleUpgrade(req, socket, head, (ws) => {
        upgraded = true;
        const conn = new Connection(ws, { framing: target.kind, workspaceId: target.workspaceId, userId: user.userId, userName: user.name, token, role, roomDoc: target.kind === 'room' ? target.doc : null }, ctx);
        connections.add(conn);
        let members = byMember.get(key);
        if (!members) byMember.set(key, (members = new Set()));
        members.add(conn);
      });
      // ws answers a malformed upgrade itself (400) without calling back.
      if (!upgraded) releaseSlot(user.userId);
    } finally {
      set.delete(waiter);
      if (set.size === 0 && waiters.get(key) === set) waiters.delete(key);
    }
  }

  const upgradeListener = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    onUpgrade(req, socket, head).catch((e: unknown) => {
      logger.error({ err: String(e) }, 'a sync upgrade failed');
      refuseUpgrade(socket, 500, 'The server could not check the request; try again.');
    });
  };
  server.on('upgrade', upgradeListener);

  /** Sockets whose token no longer authenticates (as the same user) are closed with 4401. */
  async function recheckTokens(): Promise<void> {
    const byToken = new Map<string, Connection[]>();
    for (const c of connections) byToken.set(c.token, [...(byToken.get(c.token) ?? []), c]);
    for (const [token, conns] of byToken) {
      const user = await deps.auth.authenticate(token);
      for (const c of conns) if (user?.userId !== c.userId) c.close(CloseCode.unauthorized, 'your sign-in has ended; sign in again and reconnect');
    }
  }
  let rechecking = false;
  const recheckTimer =
    limits.recheckTokenMs > 0
      ? setInterval(() => {
          if (rechecking) return;
          rechecking = true;
          recheckTokens()
            .catch((e: unknown) => logger.warn({ err: String(e) }, 'checking the tokens of open sockets failed'))
            .finally(() => {
              rechecking = false;
            });
        }, limits.recheckTokenMs)
      : null;
  recheckTimer?.unref();

  const access = createDocAccess(registry);

  return {
    store,
    read: access.read,
    update: access.update,
    compact: (ref) => store.compact(ref),
    stats: () => ({ connections: connections.size, docs: registry.size }),
    async close() {
      if (closing) return;
      closing = true;
      if (recheckTimer) clearInterval(recheckTimer);
      server.off('upgrade', upgradeListener);
      stopMembership();
      for (const c of connections) c.close(CloseCode.goingAway, 'the server is shutting down');
      await registry.closeAll();
      await fanout?.stop();
      const deadline = Date.now() + 2000;
      while (connections.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
