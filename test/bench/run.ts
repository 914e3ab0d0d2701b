/**
 * `npm run bench [-- SUITE...]`: runs the named suites (all when none is named), in order.
 * Each prints one JSON object per figure on stdout; progress goes to stderr. See README.md.
 */
import { log } from './bench-util';

const SUITES: Record<string, () => Promise<void>> = {
  engine: async () => (await import('./engine.bench')).runEngineBench(),
  ui: async () => (await import('./ui.bench')).runUiBench(),
  files: async () => (await import('./files.bench')).runFilesBench(),
  sync: async () => (await import('./sync.bench')).runSyncBench(),
};

async function main(argv: readonly string[]): Promise<number> {
  const names = argv.filter((a) => a !== '--');
  const unknown = names.filter((n) => !Object.hasOwn(SUITES, n));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown bench suite${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. Suites: ${Object.keys(SUITES).join(', ')}\n`);
    return 2;
  }
  for (const name of names.length > 0 ? names : Object.keys(SUITES)) {
    log(`suite ${name}`);
    await SUITES[name]!();
  }
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
}
