/**
 * The sync suite (`npm run bench -- sync`): our sync server beside the stock y-websocket server
 * (@y/websocket-server 0.1.1), both in processes of their own on 127.0.0.1, driven by the same
 * clients (sync-client-child.ts, a third process) over the stock room protocol; every figure of
 * ours is printed with the stock server's as `baseline`. Ours runs on PGlite; with DATABASE_URL
 * also on PostgreSQL (figures suffixed `_pg`).
 *   sync_fanout_p50_<n>c / _p99_<n>c  one cell edit every 50 ms, by the n connected clients in turn:
 *                                     send → arrival at each of the n − 1 others, ms (n = 50, 200;
 *                                     target p99 ≤ 50 ms at 200)
 *   sync_updates_per_s                sustained edits a server process commits and fans out, with
 *                                     10 clients each keeping 8 in flight (target ratio ≥ 1)
 *   sync_cold_load_100k               a fresh client receiving every shard of a 100k-record table the
 *                                     server has stored but not loaded, ms
 *   sync_warm_load_100k               the same by a second client once the server has them in memory
 * SYNC_BENCH_PARTS=fanout,throughput,load picks parts (all by default).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { emit, log, makeTempDir, median, ROOT, runChild } from './bench-util';
import type { ClientConfig, FanoutResult, LoadResult, ThroughputResult } from './sync-client-child';
import { shardNames } from './sync-data';
import type { ServerChildConfig } from './sync-server-child';

const SERVER = fileURLToPath(new URL('./sync-server-child.ts', import.meta.url));
const CLIENT = fileURLToPath(new URL('./sync-client-child.ts', import.meta.url));
const FANOUT_CLIENTS = [50, 200];
const FANOUT_RATE = 20;
const FANOUT_SECONDS = 10;
const THROUGHPUT = { clients: 10, window: 8, warmupS: 1, seconds: 6, runs: 3 };
const LOAD_RUNS = 3;
/** `SYNC_BENCH_PARTS=throughput` (a comma list of fanout, throughput, load) runs only those parts. */
const PARTS = new Set((process.env.SYNC_BENCH_PARTS ?? 'fanout,throughput,load').split(',').map((s) => s.trim()));
const part = (name: 'fanout' | 'throughput' | 'load'): boolean => PARTS.has(name);

interface ServerProcess {
  port: number;
  /** The server's CPU time so far (user + system), ms. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

interface Backend {
  /** Figure name suffix. */
  suffix: string;
  label: string;
  env: NodeJS.ProcessEnv;
}

const live = new Set<ChildProcess>();
const killAll = (): void => {
  for (const c of live) c.kill('SIGKILL');
};

function startServer(config: ServerChildConfig, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, JSON.stringify(config)], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => live.delete(child));
  const lines = readline.createInterface({ input: child.stdout! });
  const waiting: Array<(line: Record<string, number>) => void> = [];
  lines.on('line', (line) => waiting.shift()?.(JSON.parse(line) as Record<string, number>));
  const nextLine = (what: string, ms: number): Promise<Record<string, number>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the ${config.kind} server gave no ${what} in ${ms / 1000} s`)), ms);
      void exited.then(() => reject(new Error(`the ${config.kind} server exited`)));
      waiting.push((l) => {
        clearTimeout(timer);
        resolve(l);
      });
    });
  return nextLine('port', 120_000).then(({ port }) => ({
    port: port!,
    async cpuMs() {
      const answer = nextLine('CPU time', 10_000);
      child.kill('SIGUSR2');
      return (await answer).cpuMs!;
    },
    async stop() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  }));
}

async function withServer<T>(config: ServerChildConfig, env: NodeJS.ProcessEnv, run: (s: ServerProcess) => Promise<T>): Promise<T> {
  const s = await startServer(config, env);
  try {
    return await run(s);
  } finally {
    await s.stop();
  }
}

async function runClient<T>(config: ClientConfig): Promise<T> {
  return (await runChild<T>(CLIENT, [JSON.stringify(config)])).result;
}

export async function runSyncBench(): Promise<void> {
  const tmp = makeTempDir('baseplate-bench-sync-');
  let dirs = 0;
  const ours = (users: number, seed: boolean): ServerChildConfig => ({ kind: 'ours', users, seed, dataDir: path.join(tmp.dir, `db-${dirs++}`) });
  const stock = (seed: boolean): ServerChildConfig => ({ kind: 'stock', seed });
  const backends: Backend[] = [{ suffix: '', label: 'ours (PGlite)', env: { DATABASE_URL: '' } }];
  if (process.env.DATABASE_URL) backends.push({ suffix: '_pg', label: 'ours (PostgreSQL)', env: {} });
  process.on('exit', killAll);
  log(`load average at start (1/5/15 min): ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} cores`);
  try {
    // 1. Fan-out latency.
    for (const n of part('fanout') ? FANOUT_CLIENTS : []) {
      const fanout = (server: 'ours' | 'stock', port: number): Promise<FanoutResult> =>
        runClient<FanoutResult>({ mode: 'fanout', server, port, clients: n, rate: FANOUT_RATE, warmupS: 1, seconds: FANOUT_SECONDS });
      const base = await withServer(stock(false), {}, (s) => fanout('stock', s.port));
      log(`fan-out ${n} clients, stock: p50 ${base.p50.toFixed(2)} ms, p99 ${base.p99.toFixed(2)} ms, max ${base.max.toFixed(1)} ms (${base.samples} samples, ${base.missing} missing)`);
      for (const b of backends) {
        const r = await withServer(ours(n, false), b.env, (s) => fanout('ours', s.port));
        log(`fan-out ${n} clients, ${b.label}: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(1)} ms (${r.samples} samples, ${r.missing} missing)`);
        if (r.missing > 0 || base.missing > 0) throw new Error(`updates did not arrive: ${r.missing} (ours), ${base.missing} (stock)`);
        emit({ name: `sync_fanout_p50_${n}c${b.suffix}`, value: r.p50, unit: 'ms', baseline: base.p50 });
        emit({ name: `sync_fanout_p99_${n}c${b.suffix}`, value: r.p99, unit: 'ms', baseline: base.p99 });
      }
    }

    // 2. Sustained throughput: runs alternate between the servers, the median counts.
    const throughput = async (config: ServerChildConfig, env: NodeJS.ProcessEnv, label: string): Promise<number> =>
      withServer(config, env, async (s) => {
        const cpu0 = await s.cpuMs();
        const r = await runClient<ThroughputResult>({ mode: 'throughput', server: config.kind, port: s.port, ...THROUGHPUT });
        const cpu = (await s.cpuMs()) - cpu0;
        log(`throughput, ${label}: ${r.updatesPerS.toFixed(0)} updates/s (${r.done} in ${THROUGHPUT.seconds} s; server CPU ${((cpu / (THROUGHPUT.warmupS + THROUGHPUT.seconds + 0.2)) / 10).toFixed(0)} % of a core over the run)`);
        return r.updatesPerS;
      });
    const stockRates: number[] = [];
    const ourRates = backends.map(() => [] as number[]);
    for (let run = 0; run < (part('throughput') ? THROUGHPUT.runs : 0); run++) {
      stockRates.push(await throughput(stock(false), {}, 'stock'));
      for (const [i, b] of backends.entries()) ourRates[i]!.push(await throughput(ours(THROUGHPUT.clients, false), b.env, b.label));
    }
    if (part('throughput')) for (const [i, b] of backends.entries()) emit({ name: `sync_updates_per_s${b.suffix}`, value: median(ourRates[i]!), unit: 'updates/s', baseline: median(stockRates) });

    // 3. Loading the 100k table: a fresh server process each run, the table stored beforehand.
    const docs = shardNames();
    const load = (config: ServerChildConfig, env: NodeJS.ProcessEnv, run: number): Promise<LoadResult> =>
      withServer(config, env, (s) => runClient<LoadResult>({ mode: 'load', server: config.kind, port: s.port, docs, verify: run === 0 }));
    const stockLoads: LoadResult[] = [];
    const ourLoads = backends.map(() => [] as LoadResult[]);
    for (let run = 0; run < (part('load') ? LOAD_RUNS : 0); run++) {
      const sr = await load(stock(true), {}, run);
      stockLoads.push(sr);
      log(`load 100k, stock: cold ${sr.coldMs.toFixed(0)} ms, warm ${sr.warmMs.toFixed(0)} ms, ${(sr.bytes / 1e6).toFixed(1)} MB of updates`);
      for (const [i, b] of backends.entries()) {
        const r = await load(ours(1, true), b.env, run);
        ourLoads[i]!.push(r);
        log(`load 100k, ${b.label}: cold ${r.coldMs.toFixed(0)} ms, warm ${r.warmMs.toFixed(0)} ms, ${(r.bytes / 1e6).toFixed(1)} MB of updates`);
      }
    }
    for (const [i, b] of part('load') ? backends.entries() : []) {
      emit({ name: `sync_cold_load_100k${b.suffix}`, value: median(ourLoads[i]!.map((r) => r.coldMs)), unit: 'ms', baseline: median(stockLoads.map((r) => r.coldMs)) });
      emit({ name: `sync_warm_load_100k${b.suffix}`, value: median(ourLoads[i]!.map((r) => r.warmMs)), unit: 'ms', baseline: median(stockLoads.map((r) => r.warmMs)) });
    }
  } finally {
    killAll();
    tmp.remove();
    log(`load average at end (1/5/15 min): ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  }
}
