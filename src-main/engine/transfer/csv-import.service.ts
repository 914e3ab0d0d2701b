/**
 * CSV import: streamed in two passes, so files larger than memory import.
 *   1. analyze: read the whole file once to infer each column's type (skipped when the caller
 *      gives the column plan, e.g. from a preview the user edited);
 *   2. import: one SQLite transaction; records are written shard by shard, each shard's update
 *      persisted and its doc dropped from memory once full.
 * A malformed row or a value that does not fit its column fails the import naming the row and
 * column, and the transaction rolls back: nothing is committed.
 *
 * Large files are read by worker threads (import.worker.ts), the largest in parts, in parallel:
 * the engine thread infers the types of the first part while workers infer the others, then one
 * worker per part parses and builds its shards while the engine thread writes them, each part's
 * rows in their place (autonumbers and row order as in the file, from the row counts of pass 1).
 * When a cut turns out to lie inside a quoted value, the file is read as one part.
 */
import fs from 'node:fs';
import os from 'node:os';
import type { CsvColumnPlan, CsvPreview, ImportResult } from '../../../src-shared/api/engine.dto';
import { EngineError } from '../../../src-shared/errors';
import { newId } from '../../../src-shared/ids';
import { getFieldType } from '../../../src-shared/fields/field-registry';
import type { FieldSchema, FieldType, TableSchema } from '../../../src-shared/schema/schema.types';
import { keyBetween } from '../../../src-shared/docs/order-key';
import { orderKeys } from '../../../src-shared/docs/schema-doc';
import { changeAsync, type BaseContext } from '../base/base-context';
import { SHARD_CAPACITY } from '../base/base-session';
import { openCsv, readCsvPreview } from '../csv/csv-reader';
import { ColumnTypeInferrer } from '../csv/csv-infer';
import { buildField } from '../schema/fields.service';
import { maxAutonumber } from '../records/records.service';
import type { RecordSeed } from '../ops/ops';
import { rowParser, type ColumnTarget } from './import-rows';
import type { CsvFacts, FilePart, ImportWorkerInput, ShardMessage } from './import-protocol';
import { canCut, findCuts, partsOf } from './csv-parts';
import type { Op } from '../ops/ops';
import { ImportWorker } from './import-worker-client';

export interface ImportOptions {
  path: string;
  table: string;
  columns?: Array<{ name: string; type: FieldType; options?: unknown; skip?: boolean }>;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, phase: 'analyzing' | 'importing') => void;
  /** Reading in parts (see SplitOptions); tests set it to cut small files. */
  split?: SplitOptions;
}

/**
 * How a file of at least `minBytes` is read in parts: cut at the given fractions of its bytes (each
 * cut moved to just after a line feed). This thread infers the types of the first part (it starts
 * at once, while workers boot), worker k those of part k + 1. Then workers import the parts, one
 * each (`workerPerPart`) or one for all, while this thread writes. On two cores one worker imports
 * the whole file: this thread's writing takes about as long as the worker's parsing (measured:
 * this thread taking a quarter of the parsing made the import slower).
 */
export interface SplitOptions {
  minBytes: number;
  cuts: number[];
  workerPerPart: boolean;
}

function defaultSplit(cores: number): SplitOptions {
  const minBytes = 8 * 1024 * 1024;
  if (cores <= 1) return { minBytes, cuts: [], workerPerPart: false };
  if (cores === 2) return { minBytes, cuts: [0.6], workerPerPart: false };
  const parts = Math.min(cores, 4);
  return { minBytes, cuts: Array.from({ length: parts - 1 }, (_, k) => (k + 1) / parts), workerPerPart: true };
}

export const DEFAULT_SPLIT = defaultSplit(os.availableParallelism());

/** Workers a split may use: one per part after the first to infer types, one per part (or one) to import. */
function workersFor(split: SplitOptions): number {
  const parts = split.cuts.length + 1;
  return Math.max(1, split.workerPerPart ? parts : parts - 1);
}

function assertReadable(path: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch {
    throw new EngineError('FILE_NOT_FOUND', `No file at ${path}.`);
  }
  if (!st.isFile()) throw new EngineError('INVALID_INPUT', `${path} is not a file.`);
}

/** A part of the file to import: where it is, how many rows it has and how many come before it. */
interface PartPlan {
  part: FilePart;
  rows: number;
  rowsBefore: number;
}

interface Analysis {
  header: string[];
  rowCount: number;
  columns: CsvColumnPlan[];
  /** The file in parts (with how it is read), or null: one part. */
  split: { facts: CsvFacts; parts: PartPlan[] } | null;
}

/** Progress of several parts read at once, reported as one sum of bytes. */
function partsProgress(report: ImportOptions['onProgress'], phase: 'analyzing' | 'importing', total: number): (part: number, done: number) => void {
  const done: number[] = [];
  return (part, bytes) => {
    done[part] = bytes;
    let sum = 0;
    for (const d of done) sum += d ?? 0;
    report?.(Math.min(sum, total), total, phase);
  };
}

function inferredColumns(header: readonly string[], inferrer: ColumnTypeInferrer): CsvColumnPlan[] {
  const types = inferrer.result();
  return header.map((name, i) => ({ name, type: types[i]!.type, options: types[i]!.options }));
}

/** Infers every column's type over the whole file. */
export async function analyzeCsv(path: string, opts: Pick<ImportOptions, 'signal' | 'onProgress'> = {}): Promise<{ columns: CsvColumnPlan[]; rowCount: number; header: string[] }> {
  assertReadable(path);
  const reader = await openCsv(path, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    onProgress: (done, total) => opts.onProgress?.(done, total, 'analyzing'),
  });
  const inferrer = new ColumnTypeInferrer(reader.header.length);
  let rowCount = 0;
  for await (const batch of reader.batches()) {
    inferrer.add(batch.rows);
    rowCount += batch.rows.length;
  }
  return { header: reader.header, rowCount, columns: inferredColumns(reader.header, inferrer) };
}

/**
 * Infers every column's type, the file read in parts as `split` says (this thread the first, a
 * worker each of the others). Falls back to one pass here when the file cannot be cut, a cut lies
 * inside a quoted value, or a worker fails (a malformed row is then reported as one pass reports
 * it, with its line).
 */
async function analyzeInParts(path: string, opts: ImportOptions, split: SplitOptions, workers: ImportWorkers): Promise<Analysis> {
  const signal = opts.signal ? { signal: opts.signal } : {};
  let read = 0;
  const progress = partsProgress(opts.onProgress, 'analyzing', fs.statSync(path).size);
  const reader = await openCsv(path, {
    ...signal,
    onProgress: (done) => {
      read = done;
      progress(0, done);
    },
  });
  const facts: CsvFacts = { encoding: reader.encoding, delimiter: reader.delimiter, header: reader.header };
  const cuts = split.cuts.length > 0 && reader.totalBytes >= split.minBytes && canCut(reader.encoding) ? await findCuts(path, reader.totalBytes, split.cuts, read) : [];
  const inferrer = new ColumnTypeInferrer(reader.header.length);
  if (cuts.length === 0) {
    let rowCount = 0;
    for await (const batch of reader.batches()) {
      inferrer.add(batch.rows);
      rowCount += batch.rows.length;
    }
    return { header: reader.header, rowCount, columns: inferredColumns(reader.header, inferrer), split: null };
  }
  const parts = partsOf(cuts);
  reader.stopAt(cuts[0]!);
  const others = Promise.allSettled(
    parts.slice(1).map((part, k) => workers.get(k).analyze({ path, facts, part }, { ...signal, onProgress: (done) => progress(k + 1, done - part.start) })),
  );
  for await (const batch of reader.batches()) inferrer.add(batch.rows);
  const first = reader.partEnd();
  const results = await others;
  if (opts.signal?.aborted) throw new EngineError('CANCELLED', 'The import was cancelled. Nothing was imported.');
  const theirs = results.map((r) => (r.status === 'fulfilled' ? r.value : null));
  if (!first.complete || theirs.some((r, k) => r === null || (!r.complete && parts[k + 1]!.end !== null))) {
    // A cut inside a quoted value, or a part that failed: read the file as one part.
    return { ...(await analyzeCsv(path, opts)), split: null };
  }
  // Each part's rows and first line: the first part knows its lines; a worker's part counts the
  // lines it spans, from the line the parts before it end on.
  const plans: PartPlan[] = [{ part: parts[0]!, rows: first.rows, rowsBefore: 0 }];
  let line = first.nextLine;
  theirs.forEach((r, k) => {
    inferrer.merge(r!.columns);
    const last = plans.at(-1)!;
    plans.push({ part: { ...parts[k + 1]!, firstLine: line }, rows: r!.rows, rowsBefore: last.rowsBefore + last.rows });
    line += r!.lines;
  });
  const rowCount = plans.reduce((sum, p) => sum + p.rows, 0);
  return { header: reader.header, rowCount, columns: inferredColumns(reader.header, inferrer), split: { facts, parts: plans } };
}

export async function previewCsv(path: string, rows: number): Promise<CsvPreview> {
  assertReadable(path);
  const head = await readCsvPreview(path, rows);
  const analysis = await analyzeCsv(path);
  return { encoding: head.encoding, delimiter: head.delimiter, header: head.header, rows: head.rows, columns: analysis.columns, rowCount: analysis.rowCount };
}

/** Imports of at least this many rows (or, with no row count at hand, this many bytes) run in a worker. */
export const BULK_IMPORT_MIN_ROWS = 5_000;
const BULK_IMPORT_MIN_BYTES = 512 * 1024;
/** SQLite page cache during a bulk import (negative: KiB). */
const IMPORT_CACHE_SIZE = -2 * 1024;

/** The import's workers, started on first use (again if one has stopped, e.g. after failing). */
class ImportWorkers {
  private readonly started: ImportWorker[] = [];

  get(i: number): ImportWorker {
    while (this.started.length <= i) this.started.push(new ImportWorker());
    if (this.started[i]!.stopped) this.started[i] = new ImportWorker();
    return this.started[i]!;
  }

  dispose(): void {
    for (const w of this.started) w.dispose();
  }
}

export async function importCsv(ctx: BaseContext, opts: ImportOptions): Promise<ImportResult> {
  const t0 = performance.now();
  assertReadable(opts.path);
  const size = fs.statSync(opts.path).size;
  const split = opts.split ?? DEFAULT_SPLIT;
  const workers = new ImportWorkers();
  // A file this large is likely a bulk import: boot its workers while the inference pass runs.
  if (size >= BULK_IMPORT_MIN_BYTES) {
    const count = size >= split.minBytes ? workersFor(split) : 1;
    for (let i = 0; i < count; i++) workers.get(i);
  }
  try {
    return await importWith(ctx, opts, split, t0, workers);
  } finally {
    workers.dispose();
  }
}

async function importWith(ctx: BaseContext, opts: ImportOptions, options: SplitOptions, t0: number, workers: ImportWorkers): Promise<ImportResult> {
  let rowCount: number | null = null;
  let plan: CsvColumnPlan[];
  let split: Analysis['split'] = null;
  if (opts.columns) {
    plan = opts.columns.map((c) => ({ name: c.name, type: c.type, options: c.options ?? {}, ...(c.skip ? { skip: true } : {}) }));
  } else {
    const analysis = await analyzeInParts(opts.path, opts, options, workers);
    plan = analysis.columns;
    rowCount = analysis.rowCount;
    split = analysis.split;
  }
  const bulk = rowCount !== null ? rowCount >= BULK_IMPORT_MIN_ROWS : fs.statSync(opts.path).size >= BULK_IMPORT_MIN_BYTES;
  // In a bulk import this reader only checks the header; the worker reads the rows and reports progress.
  const reader = await openCsv(opts.path, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(bulk ? {} : { onProgress: (done: number, total: number) => opts.onProgress?.(done, total, 'importing') }),
    batchSize: 2000,
  });
  if (plan.length !== reader.header.length) {
    await reader.close();
    throw new EngineError('INVALID_INPUT', `The column plan has ${plan.length} columns but the file has ${reader.header.length}.`);
  }
  if (bulk) await reader.close();
  let imported = 0;
  const tableName = opts.table;
  const existing = ctx.session.schema().tables.find((t) => t.name.toLowerCase() === tableName.toLowerCase());
  const label = `Import ${opts.path.split(/[\\/]/).pop()}`;
  const tableId = await changeAsync(
    ctx,
    label,
    async (w, apply) => {
      // Map each column to a field: existing fields by name, new fields for the rest.
      const targets: Array<FieldSchema | null> = [];
      let table: TableSchema;
      if (existing) {
        table = existing;
        let last = orderKeys(ctx.session.schemaDoc, table.id, 'fields').at(-1)?.order ?? null;
        for (const col of plan) {
          if (col.skip) {
            targets.push(null);
            continue;
          }
          const match = table.fields.find((f) => f.name.toLowerCase() === col.name.toLowerCase());
          if (match && getFieldType(match.type).computed) {
            targets.push(null);
            continue;
          }
          if (match) {
            targets.push(match);
            continue;
          }
          const field = buildField({ name: col.name, type: col.type, options: col.options });
          last = keyBetween(last, null);
          apply({ op: 'createField', tableId: table.id, field, order: last, restore: false });
          targets.push(field);
        }
      } else {
        const fields = plan.filter((c) => !c.skip).map((c) => buildField({ name: c.name, type: c.type, options: c.options }));
        if (fields.length === 0) throw new EngineError('INVALID_INPUT', 'Every column is skipped; nothing to import.');
        let k = 0;
        for (const c of plan) targets.push(c.skip ? null : fields[k++]!);
        const keys = orderKeys(ctx.session.schemaDoc, null, 'tables');
        table = { id: newId('tbl'), name: tableName, fields, views: [{ id: newId('viw'), name: 'Grid view', filter: null, sorts: [], groups: [], hidden: [], fieldOrder: [], widths: {} }] };
        apply({ op: 'createTable', table, order: keyBetween(keys.at(-1)?.order ?? null, null), shards: [], createdAt: w.now });
      }
      w.flush();
      // Rows first, search index after the commit, in the background: indexing is most of the cost.
      w.deferSearch(table.id);
      const columns: ColumnTarget[] = plan.map((c, j) => {
        const f = targets[j];
        return { name: c.name, field: f ? { id: f.id, type: f.type, options: f.options } : null };
      });
      const firstAutonumber = maxAutonumber(ctx, table.id) + 1;
      if (bulk) {
        const fields = ctx.session.table(table.id).fields.map((f) => ({ id: f.id, type: f.type, options: f.options }));
        const input: ImportWorkerInput = { path: opts.path, targets: columns, fields, createdAt: w.now, firstAutonumber, shardCapacity: SHARD_CAPACITY, batchSize: 2000 };
        // A small page cache while the workers parse: SQLite then writes pages out as it goes, in
        // this thread's idle time, instead of all at the commit.
        const cache = ctx.session.db.pragma('cache_size', { simple: true }) as number;
        ctx.session.db.pragma(`cache_size = ${IMPORT_CACHE_SIZE}`);
        try {
          imported = split
            ? await importParts(ctx, opts, options, workers, split, input, table.id, apply)
            : (
                await workers.get(0).run(
                  input,
                  { ...(opts.signal ? { signal: opts.signal } : {}), onProgress: (done, total) => opts.onProgress?.(done, total, 'importing') },
                  (m) => apply({ op: 'appendShard', tableId: table.id, shardId: m.shardId, ids: m.ids, rows: m.rows, update: m.update }),
                )
              ).rows;
        } finally {
          ctx.session.db.pragma(`cache_size = ${cache}`);
        }
        return table.id;
      }
      const parse = rowParser(columns);
      let n = firstAutonumber;
      let sinceFlush = 0;
      for await (const batch of reader.batches()) {
        const seeds: RecordSeed[] = new Array(batch.rows.length);
        for (let i = 0; i < batch.rows.length; i++) {
          seeds[i] = { id: newId('rec'), base: { c: w.now, n: n++, v: parse(batch.rows[i]!, batch.rowNumbers[i]!) } };
        }
        apply({ op: 'createRecords', tableId: table.id, records: seeds });
        imported += seeds.length;
        sinceFlush += seeds.length;
        if (sinceFlush >= SHARD_CAPACITY) {
          // Persist and project what is written, then let full shard docs go: memory stays bounded.
          w.flush();
          w.release(table.id);
          sinceFlush = 0;
        }
      }
      return table.id;
    },
    { kind: 'import', actor: ctx.session.actor },
  ).catch(async (e: unknown) => {
    if (!bulk) await reader.close();
    throw e;
  });
  return { table: ctx.session.table(tableId), imported, ms: Math.round(performance.now() - t0) };
}

/** Who imports which parts: a worker each, or one worker all of them (as one range of the file). */
function importGroups(split: SplitOptions, parts: readonly PartPlan[]): Array<{ worker: number; plan: PartPlan }> {
  if (split.workerPerPart) return parts.map((plan, worker) => ({ worker, plan }));
  const first = parts[0]!;
  const part = { start: first.part.start, end: parts.at(-1)!.part.end, firstLine: first.part.firstLine };
  return [{ worker: 0, plan: { part, rows: parts.reduce((n, p) => n + p.rows, 0), rowsBefore: first.rowsBefore } }];
}

/**
 * Imports the parts of a file at once (see SplitOptions): workers parse them while this thread
 * writes every shard as it comes, each part's rows at their own rids and autonumbers. The first
 * failure stops every worker, and this returns only once all have stopped, so nothing is written
 * after a failure.
 */
async function importParts(
  ctx: BaseContext,
  opts: ImportOptions,
  options: SplitOptions,
  workers: ImportWorkers,
  split: NonNullable<Analysis['split']>,
  input: ImportWorkerInput,
  tableId: string,
  apply: (op: Op) => void,
): Promise<number> {
  const ridBase = ctx.session.projector.maxRid(tableId);
  const stop = new AbortController();
  const onCancel = (): void => stop.abort();
  opts.signal?.addEventListener('abort', onCancel, { once: true });
  if (opts.signal?.aborted) stop.abort();
  const progress = partsProgress(opts.onProgress, 'importing', fs.statSync(opts.path).size);
  try {
    const runs = importGroups(options, split.parts).map(async ({ worker, plan: { part, rows, rowsBefore } }, i) => {
      let nextRid = ridBase + rowsBefore + 1;
      const partInput: ImportWorkerInput = { ...input, part, facts: split.facts, firstAutonumber: input.firstAutonumber + rowsBefore };
      const write = (m: ShardMessage): void => {
        apply({ op: 'appendShard', tableId, shardId: m.shardId, ids: m.ids, rows: m.rows, update: m.update, firstRid: nextRid });
        nextRid += m.ids.length;
        progress(i, m.bytesRead - part.start);
      };
      try {
        const done = await workers.get(worker).run(partInput, { signal: stop.signal }, write);
        if (done.rows !== rows || !done.complete) {
          throw new EngineError('INVALID_INPUT', `${opts.path} changed while it was being imported. Nothing was imported; import it again.`);
        }
        return done.rows;
      } catch (e) {
        stop.abort();
        throw e;
      }
    });
    const results = await Promise.allSettled(runs);
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    // The error that stopped the others, rather than their cancellations.
    const cause = failures.find((e) => !(e instanceof EngineError && e.code === 'CANCELLED')) ?? failures[0];
    if (cause !== undefined) throw cause;
    return results.reduce((sum, r) => sum + (r.status === 'fulfilled' ? r.value : 0), 0);
  } finally {
    opts.signal?.removeEventListener('abort', onCancel);
  }
}
