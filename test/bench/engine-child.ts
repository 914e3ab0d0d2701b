/**
 * Child process of the engine benchmark: one measurement in a fresh Node process, its result
 * printed as one `BENCH_RESULT {json}` line on stdout (progress goes to stderr).
 *
 *   import <csv> <base> <table>           create a base and import the CSV: seconds and peak RSS
 *   reopen <base> <table> <view>          open the base, first 100 rows of the view: ms
 *   idle   <base> <table> <view> <edits>  open, query, edit, then heap used after gc (needs --expose-gc)
 *
 * With BASEPLATE_BUILT_WORKERS set to a built bundle's main/ folder, worker threads start from
 * their built files there instead of from TypeScript through tsx.
 */
import { Engine } from '../../src-main/engine/engine';
import { useBuiltWorkers } from '../../src-main/workers/start';
import type { BaseInfo, ImportResult, QueryPage } from '../../src-shared/api/engine.dto';
import { call, log, mb, reportResult } from './bench-util';
import { Rng } from './csv-gen';

export interface ImportChildResult {
  seconds: number;
  imported: number;
  closeSeconds: number;
  maxRssMb: number;
}

export interface ReopenChildResult {
  ms: number;
  openMs: number;
  rows: number;
  total: number;
}

export interface IdleChildResult {
  heapUsedMb: number;
  heapTotalMb: number;
  rssMb: number;
  externalMb: number;
  arrayBuffersMb: number;
  loadedDocs: number;
  edits: number;
}

async function importMode(csv: string, basePath: string, table: string): Promise<ImportChildResult> {
  const engine = new Engine();
  const t0 = performance.now();
  const info = await call<BaseInfo>(engine, 'base.create', { path: basePath });
  const result = await call<ImportResult>(engine, 'csv.import', { base: info.base, path: csv, table });
  const seconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  engine.close();
  const closeSeconds = (performance.now() - t1) / 1000;
  return { seconds, imported: result.imported, closeSeconds, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

async function reopenMode(basePath: string, table: string, view: string): Promise<ReopenChildResult> {
  const t0 = performance.now();
  const engine = new Engine();
  const info = await call<BaseInfo>(engine, 'base.open', { path: basePath });
  const openMs = performance.now() - t0;
  const page = await call<QueryPage>(engine, 'records.query', { base: info.base, table, view, offset: 0, limit: 100 });
  const ms = performance.now() - t0;
  engine.close();
  return { ms, openMs, rows: page.records.length, total: page.total };
}

async function idleMode(basePath: string, table: string, view: string, edits: number): Promise<IdleChildResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('idle mode needs --expose-gc');
  const engine = new Engine();
  const info = await call<BaseInfo>(engine, 'base.open', { path: basePath });
  const base = info.base;
  const first = await call<QueryPage>(engine, 'records.query', { base, table, view, offset: 0, limit: 100 });
  const total = (await call<{ count: number }>(engine, 'records.count', { base, table })).count;
  const rng = new Rng(7);
  for (let i = 0; i < edits; i++) {
    const pick = await call<QueryPage>(engine, 'records.query', { base, table, offset: rng.int(total), limit: 1 });
    const id = pick.records[0]!.id;
    const fields = i % 2 === 0 ? { Quantity: rng.int(10_000) } : { Notes: `idle edit ${i}` };
    await call(engine, 'records.update', { base, table, updates: [{ id, fields }] });
  }
  // The grid would show the page again after editing.
  await call<QueryPage>(engine, 'records.query', { base, table, view, offset: 0, limit: 100 });
  await new Promise((r) => setImmediate(r));
  gc();
  gc();
  const m = process.memoryUsage();
  const loadedDocs = engine.context(base).session.docs.loadedIds().length;
  log(`idle: first page ${first.records.length} rows, ${edits} edits, ${loadedDocs} docs loaded`);
  const result: IdleChildResult = {
    heapUsedMb: mb(m.heapUsed),
    heapTotalMb: mb(m.heapTotal),
    rssMb: mb(m.rss),
    externalMb: mb(m.external),
    arrayBuffersMb: mb(m.arrayBuffers),
    loadedDocs,
    edits,
  };
  engine.close();
  return result;
}

async function main(): Promise<void> {
  // Workers start from the built bundle, as in the desktop app (see engine.bench.ts).
  const built = process.env.BASEPLATE_BUILT_WORKERS;
  if (built) useBuiltWorkers(built);
  const [mode, ...args] = process.argv.slice(2);
  switch (mode) {
    case 'import':
      reportResult(await importMode(args[0]!, args[1]!, args[2]!));
      return;
    case 'reopen':
      reportResult(await reopenMode(args[0]!, args[1]!, args[2]!));
      return;
    case 'idle':
      reportResult(await idleMode(args[0]!, args[1]!, args[2]!, Number(args[3] ?? '20')));
      return;
    default:
      throw new Error(`engine-child: unknown mode '${mode ?? ''}' (import | reopen | idle)`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`engine-child failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
