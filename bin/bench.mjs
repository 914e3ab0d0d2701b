#!/usr/bin/env node
// `npm run bench [-- SUITE...]`: prints one JSON object per figure (see test/bench/README.md).
import { register } from 'tsx/esm/api';

register();
await import('../test/bench/run.ts');
