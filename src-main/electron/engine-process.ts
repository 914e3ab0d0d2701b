/**
 * The desktop app's engine: a utilityProcess the main process starts, so SQLite and Yjs work never
 * blocks a window. Each window gets its own MessagePort (sent with `{ t: 'connect' }`) carrying
 * the wire protocol of src-shared/api/engine.wire.ts as structured clones; every port receives the
 * engine's events. `{ t: 'shutdown' }` closes every base and exits.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MessagePortMain } from 'electron';
import { useSqliteBinding } from '../engine/db/sqlite';
import { Engine } from '../engine/engine';
import { logger } from '../engine/logger';
import { answerCall, forwardEvents } from '../engine/wire-host';
import { defaultDataDir } from '../engine/sync/data-dir';
import { useBuiltWorkers } from '../workers/start';

const log = logger.child({ module: 'engine-process' });

useBuiltWorkers(path.dirname(fileURLToPath(import.meta.url)));
// Development runs point at a better-sqlite3 built for Electron's ABI (bin/start.mjs); packaged
// apps have theirs rebuilt by electron-builder and need nothing.
useSqliteBinding(process.env.BASEPLATE_SQLITE_BINDING);

const engine = new Engine({ dataDir: defaultDataDir() });
const ports = new Set<MessagePortMain>();
forwardEvents(engine, (msg) => {
  for (const port of ports) port.postMessage(msg);
});

function serve(port: MessagePortMain): void {
  ports.add(port);
  port.on('message', (e) => {
    void answerCall(engine, e.data, (msg) => port.postMessage(msg)).then((ok) => {
      if (!ok) {
        log.warn('a window sent something that is not a call; closing its port');
        ports.delete(port);
        port.close();
      }
    });
  });
  port.on('close', () => ports.delete(port));
  port.start();
}

let stopping = false;
function shutdown(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const port of ports) port.close();
  try {
    engine.close();
  } catch (e) {
    log.error({ err: (e as Error).message }, 'closing the engine failed');
    code = code || 1;
  }
  process.exit(code);
}

process.parentPort.on('message', (e) => {
  const data = e.data as { t?: unknown } | null;
  if (data?.t === 'connect' && e.ports[0]) serve(e.ports[0]);
  else if (data?.t === 'shutdown') shutdown(0);
});
process.once('SIGTERM', () => shutdown(0));
