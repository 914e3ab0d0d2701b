/**
 * The whole sync server (accounts, workspaces, sync) in a process of its own, for tests that kill
 * it or run two of them on one PostgreSQL. Environment: what `npm run sync-server` reads (DATA_DIR,
 * PORT, DATABASE_URL, TOKEN_SECRET, …) plus SYNC_DB_SCHEMA, the PostgreSQL schema to work in.
 * Prints `{"port":…}` on stdout once it listens.
 */
import { loadConfig } from '../../sync-server/src/config';
import { openDb } from '../../sync-server/src/db/db';
import { TEST_SCRYPT } from '../../sync-server/src/accounts/passwords';
import { startSyncServer, syncOverWebSocket } from '../../sync-server/src/server';

const config = loadConfig();
const schema = process.env.SYNC_DB_SCHEMA || undefined;
const db = await openDb({ dataDir: config.dataDir, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}), ...(schema ? { schema } : {}) });
const server = await startSyncServer({ config, db, scrypt: TEST_SCRYPT, attachSync: syncOverWebSocket });
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => db.close()).then(() => process.exit(0));
});
