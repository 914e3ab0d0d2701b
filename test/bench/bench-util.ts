/**
 * Shared bits of the benchmarks: the output format (JSON lines on stdout, diagnostics on stderr),
 * statistics, temp folders, engine calls that throw, and child processes that report one result.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../src-main/engine/engine';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** Same measure of the reference implementation, taken in the same run. */
  baseline?: number;
}

/** Prints one figure as a JSON line on stdout; `ratio` = value / baseline. */
export function emit(f: Figure): void {
  const out: Record<string, string | number> = { name: f.name, value: round(f.value), unit: f.unit };
  if (f.baseline !== undefined) {
    out.baseline = round(f.baseline);
    out.ratio = Math.round((f.value / f.baseline) * 100) / 100;
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

/** Progress and diagnostics: stderr only. */
export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Three significant decimals for small values, fewer for large ones. */
export function round(v: number): number {
  const digits = Math.abs(v) >= 100 ? 1 : Math.abs(v) >= 1 ? 2 : 3;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export const mb = (bytes: number): number => bytes / (1024 * 1024);

export interface TempDir {
  dir: string;
  file: (name: string) => string;
  remove: () => void;
}

export function makeTempDir(prefix = 'baseplate-bench-'): TempDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, file: (name) => path.join(dir, name), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** An engine call that returns the value or throws the error it reported. */
export async function call<T>(engine: Engine, method: string, input: unknown): Promise<T> {
  const r = await engine.call(method, input);
  if (!r.ok) throw new Error(`${method} failed: ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

/** Marks the line a child prints its result on (its only stdout output). */
export const RESULT_PREFIX = 'BENCH_RESULT ';

/** Prints a child's result for the parent. */
export function reportResult(value: unknown): void {
  process.stdout.write(RESULT_PREFIX + JSON.stringify(value) + '\n');
}

export interface ChildRun<T> {
  result: T;
  /** From spawn to exit, as the parent saw it (includes Node and tsx startup). */
  wallMs: number;
}

/** Runs `script` (TypeScript, through tsx) in a fresh Node process and returns what it reported. */
export function runChild<T>(script: string, args: readonly string[], nodeFlags: readonly string[] = []): Promise<ChildRun<T>> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const proc = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    let out = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => (out += chunk));
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      const wallMs = performance.now() - started;
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) {
        reject(new Error(`child ${path.basename(script)} ${args[0] ?? ''} exited with ${signal ?? code}; stdout: ${out.slice(0, 500)}`));
        return;
      }
      resolve({ result: JSON.parse(line.slice(RESULT_PREFIX.length)) as T, wallMs });
    });
  });
}
