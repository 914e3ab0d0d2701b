/**
 * A sync server for a test: an HTTP server on 127.0.0.1 (port 0) with attachSync over the given
 * database, a TableAuthenticator, and the URLs to reach it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from '../../db/db';
import { attachSync, type SyncHandle } from '../attach-sync';
import type { SyncLimits } from '../types';
import { migrateDocs, TableAuthenticator } from './table-authenticator';

export interface TestServer {
  auth: TableAuthenticator;
  sync: SyncHandle;
  /** ws://127.0.0.1:<port>/sync */
  base: string;
  /** The app socket URL of a workspace. */
  appUrl(workspaceId: string, token: string): string;
  /** A stock client's room URL. */
  roomUrl(workspaceId: string, doc: string, token: string): string;
  close(): Promise<void>;
}

export async function startTestServer(db: Db, options: { limits?: Partial<SyncLimits>; fanout?: boolean; auth?: TableAuthenticator } = {}): Promise<TestServer> {
  await migrateDocs(db);
  const auth = options.auth ?? (await TableAuthenticator.create(db));
  const server = http.createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  const sync = await attachSync(server, { db, auth, limits: options.limits, fanout: options.fanout });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const base = `ws://127.0.0.1:${port}/sync`;
  return {
    auth,
    sync,
    base,
    appUrl: (w, t) => `${base}/${w}?token=${encodeURIComponent(t)}`,
    roomUrl: (w, d, t) => `${base}/${w}/${encodeURIComponent(d)}?token=${encodeURIComponent(t)}`,
    async close() {
      await sync.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `check` until it stops throwing (or returns true), or fails after `timeoutMs`. */
export async function eventually(check: () => void | boolean | Promise<void | boolean>, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      if ((await check()) !== false) return;
    } catch (e) {
      if (Date.now() - start > timeoutMs) throw e;
    }
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
