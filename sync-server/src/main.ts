/**
 * `npm run sync-server`: reads the configuration from the environment, starts the server, prints
 * where it listens, and stops cleanly on SIGINT/SIGTERM (a second signal exits at once).
 */
import { ConfigError, describeDatabase, loadConfig, SECRETS_FILE, SECRET_NAMES } from './config';
import { logger } from './logger';
import { startSyncServer, syncOverWebSocket } from './server';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  logger.level = config.logLevel;

  // The WebSocket sync (sync/attach-sync.ts) on the same server: /sync/<workspace>[/<doc>].
  const server = await startSyncServer({ config, attachSync: syncOverWebSocket });
  const generated = SECRET_NAMES.filter((n) => config.secretSources[n] === 'generated');
  const lines = [
    `Baseplate sync server listening on ${server.url}`,
    `  public URL:   ${server.publicUrl}`,
    `  database:     ${describeDatabase(config)}`,
    `  registration: ${config.registration}`,
  ];
  if (generated.length > 0) lines.push(`  generated ${generated.join(', ')} into ${config.dataDir}/${SECRETS_FILE} (mode 0600); keep that file private and backed up.`);
  if (config.databaseUrl && SECRET_NAMES.some((n) => config.secretSources[n] !== 'env')) {
    lines.push('  note: several server processes on one database must share TOKEN_SECRET: set it in the environment of each.');
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'stopping');
    server.close().then(
      () => {
        process.stdout.write('Baseplate sync server stopped.\n');
        process.exit(0);
      },
      (e: unknown) => {
        logger.error({ err: e }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  logger.fatal({ err: e }, 'the sync server could not start');
  process.stderr.write(`The sync server could not start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
