/**
 * A sync server in a process of its own, for the crash and multi-process tests (started with
 * `node --import tsx`). Environment:
 *   SYNC_DATA_DIR   PGlite's data folder (when DATABASE_URL is not set)
 *   DATABASE_URL, SYNC_DB_SCHEMA   PostgreSQL and the schema to work in
 *   SYNC_USERS      JSON [[token, userId, workspaceId, role], …]
 * Prints one line `{"port":…}` on stdout once it listens on 127.0.0.1.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDb } from '../../db/db';
import { attachSync } from '../attach-sync';
import type { Role } from '../types';
import { migrateDocs, TableAuthenticator } from './table-authenticator';

const db = await openDb({ dataDir: process.env.SYNC_DATA_DIR ?? '', databaseUrl: process.env.DATABASE_URL || undefined, schema: process.env.SYNC_DB_SCHEMA || undefined });
await migrateDocs(db);
const auth = await TableAuthenticator.create(db);
for (const [token, userId, workspaceId, role] of JSON.parse(process.env.SYNC_USERS ?? '[]') as Array<[string, string, string, Role]>) {
  await auth.addUser(token, userId, workspaceId, role);
}
const server = http.createServer((_req, res) => {
  res.statusCode = 404;
  res.end();
});
await attachSync(server, { db, auth });
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
