#!/usr/bin/env node
// `npm start`: the desktop app when an Electron binary is available; otherwise one line saying so,
// then browser mode (the same app served on 127.0.0.1, as `npm run web` does).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const require = createRequire(import.meta.url);
let electron = null;
try {
  // The `electron` package exports the path of its binary once it is downloaded.
  const p = require('electron');
  if (typeof p === 'string') electron = p;
} catch {
  electron = null;
}

if (electron) {
  process.stderr.write('Baseplate: the desktop shell is not part of this build yet; starting browser mode.\n');
} else {
  process.stderr.write('Baseplate: no Electron binary on this machine, so starting browser mode instead (open the address below).\n');
}
const { build } = await import('vite');
await build({ configFile: fileURLToPath(new URL('../vite.web.config.ts', import.meta.url)), logLevel: 'warn' });
register();
process.argv = [process.argv[0], 'baseplate', 'serve', ...process.argv.slice(2)];
await import('../src-main/cli/main.ts');
