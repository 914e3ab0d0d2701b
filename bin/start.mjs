#!/usr/bin/env node
// `npm start`. The desktop app (Electron shell and UI) is not built yet; until it is, this says so
// and shows how to use Baseplate today: the `baseplate` command over the same engine.
import { register } from 'tsx/esm/api';

process.stderr.write('Baseplate: the desktop app is not part of this build yet. The engine is usable through the `baseplate` command:\n\n');
register();
process.argv = [process.argv[0], 'baseplate', '--help'];
await import('../src-main/cli/main.ts');
