/**
 * Child process of the files benchmark: drops drawings on a table of a new base (drawings.add)
 * while asking the engine for a page of records every 25 ms and editing a record of another table
 * every 25 ms, as a person working meanwhile would; prints one `BENCH_RESULT {json}` line.
 *
 *   drop <base> <drawings folder>
 */
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../../src-main/engine/engine';
import { useBuiltWorkers } from '../../src-main/workers/start';
import type { BaseInfo, DrawingAddResult } from '../../src-shared/api/engine.dto';
import { call, percentile, reportResult } from './bench-util';

export interface DropChildResult {
  seconds: number;
  added: number;
  failed: number;
  maxRssMb: number;
  queries: number;
  queryP95Ms: number;
  queryMaxMs: number;
  edits: number;
  editP95Ms: number;
  editMaxMs: number;
}

async function drop(basePath: string, folder: string): Promise<DropChildResult> {
  const built = process.env.BASEPLATE_BUILT_WORKERS;
  if (built) useBuiltWorkers(built);
  const engine = new Engine({ maintenanceMs: 0 });
  const paths = fs.readdirSync(folder).sort().map((f) => path.join(folder, f));
  const { base } = await call<BaseInfo>(engine, 'base.create', { path: basePath });
  await call(engine, 'table.create', { base, name: 'Drawings', fields: [{ name: 'Name', type: 'singleLineText' }] });
  await call(engine, 'table.create', { base, name: 'Notes', fields: [{ name: 'Text', type: 'singleLineText' }] });
  const { ids } = await call<{ ids: string[] }>(engine, 'records.create', { base, table: 'Notes', records: [{ Text: 'note' }] });
  const latencies: number[] = [];
  const edits: number[] = [];
  let running = true;
  const every25ms = async (work: () => Promise<unknown>, into: number[]): Promise<void> => {
    while (running) {
      const t = performance.now();
      await work();
      into.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  let n = 0;
  const poll = Promise.all([
    every25ms(() => call(engine, 'records.query', { base, table: 'Drawings', limit: 100 }), latencies),
    every25ms(() => call(engine, 'records.update', { base, table: 'Notes', updates: [{ id: ids[0], fields: { Text: `note ${++n}` } }] }), edits),
  ]);
  const t0 = performance.now();
  const result = await call<DrawingAddResult>(engine, 'drawings.add', { base, table: 'Drawings', paths });
  const seconds = (performance.now() - t0) / 1000;
  running = false;
  await poll;
  engine.close();
  return {
    seconds,
    added: result.added,
    failed: result.failed,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    queries: latencies.length,
    queryP95Ms: percentile(latencies, 95),
    queryMaxMs: Math.max(...latencies),
    edits: edits.length,
    editP95Ms: percentile(edits, 95),
    editMaxMs: Math.max(...edits),
  };
}

const [mode, ...args] = process.argv.slice(2);
if (mode !== 'drop') throw new Error(`files-child: unknown mode '${mode ?? ''}' (drop)`);
drop(args[0]!, args[1]!).then(reportResult, (e: unknown) => {
  process.stderr.write(`files-child failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
