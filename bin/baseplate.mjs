#!/usr/bin/env node
// The `baseplate` command. Runs the TypeScript sources through tsx, so it works straight from a
// checkout after `npm install` (and as `npx baseplate`).
import { register } from 'tsx/esm/api';

register();
await import('../src-main/cli/main.ts');
