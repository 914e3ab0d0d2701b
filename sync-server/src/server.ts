/**
 * The sync server's composition root: opens the database (unless given one), runs migrations,
 * wires the services, serves the HTTP API and stops cleanly. The WebSocket sync module attaches
 * through `attachSync` (it gets the http.Server for its 'upgrade' handler and the Authenticator).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { AccountsService } from './accounts/accounts.service';
import { accountsRoutes } from './accounts/accounts.routes';
import { DEFAULT_LOGIN_LIMIT, LoginLimiter, type LoginLimit } from './accounts/login-limiter';
import { STRONG_SCRYPT, type ScryptParams } from './accounts/passwords';
import { ApiTokensService } from './api-tokens/api-tokens.service';
import { apiTokensRoutes } from './api-tokens/api-tokens.routes';
import { auditRoutes } from './audit/audit.routes';
import { blobsRoutes } from './blobs/blobs.routes';
import { BlobsService, DEFAULT_UPLOAD_IDLE_MS } from './blobs/blobs.service';
import { RequestAuthenticator } from './auth/authenticate';
import { createAuthenticator, type Authenticator } from './auth/authenticator';
import { systemClock, type Clock } from './clock';
import { describeDatabase, httpUrl, type Config } from './config';
import { openDb, type Db } from './db/db';
import { migrate } from './db/migrate';
import { fail } from './http/failures';
import { DEFAULT_REQUEST_TIMEOUT_MS, json, Router } from './http/router';
import { logger as processLogger } from './logger';
import { InvitationsService } from './workspaces/invitations.service';
import { MembershipEvents } from './workspaces/membership-events';
import { WorkspaceBasesService } from './workspaces/workspace-bases.service';
import { WorkspacesService } from './workspaces/workspaces.service';
import { workspacesRoutes } from './workspaces/workspaces.routes';
import { attachSync } from './sync/attach-sync';
import { createDocAccess, type DocAccess } from './sync/doc-access';
import { DocRegistry } from './sync/doc-registry';
import { DocStore } from './sync/doc-store';
import { DEFAULT_LIMITS } from './sync/types';
import { MetaService } from './rest/meta.service';
import { openApiRoute } from './rest/openapi';
import { DEFAULT_REST_RATE_LIMIT, RestRateLimiter, type RestRateLimit } from './rest/rate-limit';
import { RecordsService } from './rest/records.service';
import type { AttachmentRef } from '../../src-shared/schema/schema.types';
import { restRoutes } from './rest/rest.routes';

export type { Authenticator } from './auth/authenticator';
export type { MembershipChange } from './workspaces/membership.repo';
export type { Role } from './workspaces/roles';
export { requireScope, requireSession, type AuthContext } from './auth/authenticate';

/** What the sync module receives when it attaches. */
export interface SyncAttachContext {
  server: http.Server;
  db: Db;
  authenticator: Authenticator;
  config: Config;
  logger: Logger;
  clock: Clock;
}

/**
 * The sync module's hook: called once, before the server listens; `close` runs first at shutdown.
 * When it gives DocAccess (`read`, `update`), the REST API writes through it, so its sockets see
 * REST writes live; otherwise the REST API opens the documents itself.
 */
export type SyncAttach = (ctx: SyncAttachContext) => Promise<{ close(): Promise<void> } & Partial<DocAccess>>;

/** The y-websocket sync (sync/attach-sync.ts) with the server's own Authenticator and logger. */
export const syncOverWebSocket: SyncAttach = ({ server, db, authenticator, logger }) => attachSync(server, { db, auth: authenticator, logger: logger.child({ module: 'sync' }) });

export interface SyncServerOptions {
  config: Config;
  /** A database to use instead of opening one from the config; the caller keeps it (close() leaves it open). */
  db?: Db;
  clock?: Clock;
  /** Password hashing cost. Default STRONG_SCRYPT; tests pass TEST_SCRYPT. */
  scrypt?: ScryptParams;
  loginLimit?: LoginLimit;
  /** Requests per token and base on /v0. Default DEFAULT_REST_RATE_LIMIT (Airtable's 5/s). */
  restRateLimit?: RestRateLimit;
  attachSync?: SyncAttach;
  logger?: Logger;
  /** HTTP deadlines; tests shorten them. */
  timeouts?: Partial<HttpTimeouts>;
}

export interface HttpTimeouts {
  /** A request (body included) must arrive whole in this time; blob uploads excepted. Default 30 s. */
  requestMs: number;
  /** A blob upload that sends nothing for this long is cut off. Default 60 s. */
  uploadIdleMs: number;
}

export interface SyncServer {
  /** http://host:port as listening (the port is the real one when the config asked for 0). */
  url: string;
  port: number;
  /** PUBLIC_URL, or `url`. */
  publicUrl: string;
  server: http.Server;
  db: Db;
  authenticator: Authenticator;
  close(): Promise<void>;
}

/** In-flight requests get this long to finish at shutdown before their connections are cut. */
const SHUTDOWN_GRACE_MS = 5_000;

export async function startSyncServer(options: SyncServerOptions): Promise<SyncServer> {
  const { config } = options;
  const log = options.logger ?? processLogger;
  const clock = options.clock ?? systemClock;
  const ownsDb = options.db === undefined;
  const db = options.db ?? (await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  const cleanup: (() => Promise<void>)[] = [];
  if (ownsDb) cleanup.push(() => db.close());
  const closeAll = async (): Promise<void> => {
    for (const step of cleanup.splice(0).reverse()) {
      await step().catch((e: unknown) => log.error({ err: e }, 'shutdown step failed'));
    }
  };

  try {
    const applied = await migrate(db);
    if (applied.length > 0) log.info({ versions: applied }, 'applied database migrations');

    const events = await MembershipEvents.start(db, log.child({ module: 'membership-events' }));
    cleanup.push(() => events.stop());

    let publicUrl = config.publicUrl ?? '';
    const auth = new RequestAuthenticator({ db, tokenSecret: config.secrets.TOKEN_SECRET, clock });
    const authenticator = createAuthenticator(db, auth, events);
    const invitations = new InvitationsService(db, clock, () => publicUrl);
    const accounts = new AccountsService({
      db,
      clock,
      tokenSecret: config.secrets.TOKEN_SECRET,
      scrypt: options.scrypt ?? STRONG_SCRYPT,
      registration: config.registration,
      limiter: new LoginLimiter(db, options.loginLimit ?? DEFAULT_LOGIN_LIMIT, clock),
      invitations,
    });

    const timeouts: HttpTimeouts = { requestMs: DEFAULT_REQUEST_TIMEOUT_MS, uploadIdleMs: DEFAULT_UPLOAD_IDLE_MS, ...options.timeouts };
    const router = new Router({ logger: log.child({ module: 'http' }), trustProxy: config.trustProxy, requestTimeoutMs: timeouts.requestMs });
    router.add('GET', '/health', async () => json(200, { ok: true }));
    router.add('GET', '/ready', async () => ((await databaseAnswers(db)) ? json(200, { ok: true, database: db.kind }) : fail('SERVICE_UNAVAILABLE', 'The database does not answer.', 5)));
    accountsRoutes(router, { auth, accounts });
    apiTokensRoutes(router, { auth, tokens: new ApiTokensService(db) });
    workspacesRoutes(router, { auth, workspaces: new WorkspacesService(db), invitations, bases: new WorkspaceBasesService(db) });
    auditRoutes(router, { auth, db });
    const blobs = new BlobsService(db, log.child({ module: 'blobs' }), timeouts.uploadIdleMs);
    blobs.startSweeping();
    cleanup.push(async () => blobs.stop());
    blobsRoutes(router, { auth, blobs, maxBlobBytes: config.maxBlobBytes });

    // Documents for the REST API: the sync module's once it is attached (below), else our own.
    let docAccess: DocAccess | null = null;
    const docs: DocAccess = {
      read: (ref) => docAccess!.read(ref),
      update: (ref, change) => docAccess!.update(ref, change),
    };
    // Attachments whose bytes the server has (refs with sha256) link to the blob; the others have no URL.
    const attachmentUrl = (base: { workspaceId: string }) => (ref: AttachmentRef) =>
      ref.sha256 ? `${publicUrl}/api/v1/workspaces/${encodeURIComponent(base.workspaceId)}/blobs/${ref.sha256}?name=${encodeURIComponent(ref.name)}` : null;
    restRoutes(router, {
      db,
      auth,
      meta: new MetaService(db, docs, clock),
      records: new RecordsService(docs, clock, attachmentUrl),
      limiter: new RestRateLimiter(options.restRateLimit ?? DEFAULT_REST_RATE_LIMIT),
    });
    openApiRoute(router, () => publicUrl);

    // Node's requestTimeout would apply to blob uploads too, which may take far longer: the router
    // keeps the whole-request deadline for everything else (requestMs), uploads an idle deadline.
    const server = http.createServer({ requestTimeout: 0, headersTimeout: 15_000 }, router.listener);
    // Expect: 100-continue goes to the router too: an upload the server refuses or already has is then never sent.
    server.on('checkContinue', router.listener);
    cleanup.push(() => stopHttp(server));

    if (options.attachSync) {
      const sync = await options.attachSync({ server, db, authenticator, config, logger: log, clock });
      cleanup.push(() => sync.close());
      if (sync.read && sync.update) docAccess = { read: sync.read, update: sync.update };
    }
    if (!docAccess) {
      const registry = new DocRegistry(new DocStore(db), DEFAULT_LIMITS, log.child({ module: 'docs' }));
      cleanup.push(() => registry.closeAll());
      docAccess = createDocAccess(registry);
    }

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const url = httpUrl(config.host, port);
    publicUrl = config.publicUrl ?? url;
    log.info({ url, publicUrl, database: describeDatabase(config), registration: config.registration }, 'sync server listening');
    if (!config.publicUrl && (config.host === '0.0.0.0' || config.host === '::')) {
      log.warn(`PUBLIC_URL is not set, so invitation links point at ${url}, which others cannot open; set PUBLIC_URL to the address people reach this server at.`);
    }

    return { url, port, publicUrl, server, db, authenticator, close: closeAll };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

async function databaseAnswers(db: Db): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), 2_000);
    });
    return await Promise.race([db.query('SELECT 1 AS ok').then((rows) => rows.length === 1), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Stops accepting, lets requests in flight finish (up to the grace period), then cuts what remains. */
async function stopHttp(server: http.Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  await closed;
  clearTimeout(timer);
}
