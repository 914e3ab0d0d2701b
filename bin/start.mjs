#!/usr/bin/env node
// `npm start`: the desktop app when an Electron binary is installed; otherwise one line saying so,
// then browser mode (the same app served on 127.0.0.1, as `npm run web` does).
//
// The desktop path builds the app (electron-vite), makes a copy of better-sqlite3 compiled for
// Electron's ABI under out/native/ (the one in node_modules stays Node's, for the CLI and tests),
// and runs Electron with the engine pointed at it (BASEPLATE_SQLITE_BINDING).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDesktop, electronBinary } from './electron-dev.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function startBrowserMode() {
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'vite.web.config.ts'), logLevel: 'warn' });
  const { register } = await import('tsx/esm/api');
  register();
  process.argv = [process.argv[0], 'baseplate', 'serve', ...process.argv.slice(2)];
  await import('../src-main/cli/main.ts');
}

const binary = electronBinary();
if (binary) {
  const { binding } = await buildDesktop();
  const child = spawn(binary, [root, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, BASEPLATE_SQLITE_BINDING: binding },
  });
  const stop = (signal) => child.kill(signal);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  process.stderr.write(
    "Baseplate: no Electron binary on this machine ('npx install-electron' fetches it where there is internet), so starting browser mode instead: open the address below.\n",
  );
  await startBrowserMode();
}
