/**
 * CSV import: streamed in two passes, so files larger than memory import.
 *   1. analyze: read the whole file once to infer each column's type (skipped when the caller
 *      gives the column plan, e.g. from a preview the user edited);
 *   2. import: one SQLite transaction; records are written shard by shard, each shard's update
 *      persisted and its doc dropped from memory once full.
 * A malformed row or a value that does not fit its column fails the import naming the row and
 * column, and the transaction rolls back: nothing is committed.
 */
import fs from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { CsvColumnPlan, CsvPreview, ImportResult } from '../../../src-shared/api/engine.dto';
import { assertNever, EngineError } from '../../../src-shared/errors';
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
import { startWorker } from '../worker-host';
import { rowParser, type ColumnTarget } from './import-rows';
import type { HostMessage, ImportWorkerInput, ShardMessage, WorkerMessage } from './import-protocol';

export interface ImportOptions {
  path: string;
  table: string;
  columns?: Array<{ name: string; type: FieldType; options?: unknown; skip?: boolean }>;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, phase: 'analyzing' | 'importing') => void;
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
  const types = inferrer.result();
  return {
    header: reader.header,
    rowCount,
    columns: reader.header.map((name, i) => ({ name, type: types[i]!.type, options: types[i]!.options })),
  };
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

export async function importCsv(ctx: BaseContext, opts: ImportOptions): Promise<ImportResult> {
  const t0 = performance.now();
  assertReadable(opts.path);
  // A file this large is likely a bulk import: boot its worker while the inference pass runs.
  let worker: Worker | null = fs.statSync(opts.path).size >= BULK_IMPORT_MIN_BYTES ? startImportWorker() : null;
  try {
    return await importWith(ctx, opts, t0, () => (worker ??= startImportWorker()));
  } finally {
    if (worker) void worker.terminate();
  }
}

function startImportWorker(): Worker {
  // Young-generation room: the worker allocates many short-lived objects per row.
  return startWorker(new URL('./import.worker.ts', import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: 64 } });
}

async function importWith(ctx: BaseContext, opts: ImportOptions, t0: number, getWorker: () => Worker): Promise<ImportResult> {
  let rowCount: number | null = null;
  let plan: CsvColumnPlan[];
  if (opts.columns) {
    plan = opts.columns.map((c) => ({ name: c.name, type: c.type, options: c.options ?? {}, ...(c.skip ? { skip: true } : {}) }));
  } else {
    const analysis = await analyzeCsv(opts.path, opts);
    plan = analysis.columns;
    rowCount = analysis.rowCount;
  }
  const bulk = rowCount !== null ? rowCount >= BULK_IMPORT_MIN_ROWS : fs.statSync(opts.path).size >= BULK_IMPORT_MIN_BYTES;
  const reader = await openCsv(opts.path, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    onProgress: (done, total) => opts.onProgress?.(done, total, 'importing'),
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
        const input: ImportWorkerInput = { path: opts.path, targets: columns, createdAt: w.now, firstAutonumber, shardCapacity: SHARD_CAPACITY, batchSize: 2000 };
        imported = await importInWorker(getWorker(), input, opts, (m) => apply({ op: 'appendShard', tableId: table.id, shardId: m.shardId, ids: m.ids, bases: m.bases, update: m.update }));
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

/**
 * Runs the import worker: it parses the file and builds shard docs while this thread writes the
 * shards it has sent (`onShard`, inside the caller's transaction). Resolves with the row count;
 * rejects with the worker's error (a bad value names its row and column), on cancel, or if the
 * worker dies. The worker is always stopped.
 */
function importInWorker(worker: Worker, input: ImportWorkerInput, opts: Pick<ImportOptions, 'signal' | 'onProgress'>, onShard: (m: ShardMessage) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: unknown, rows = 0): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      worker.removeAllListeners();
      void worker.terminate();
      if (error) reject(error instanceof Error ? error : new EngineError('INTERNAL', String(error)));
      else resolve(rows);
    };
    const onAbort = (): void => finish(new EngineError('CANCELLED', 'The import was cancelled. Nothing was imported.'));
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.postMessage({ type: 'start', input } satisfies HostMessage);
    worker.on('message', (m: WorkerMessage) => {
      if (settled) return;
      switch (m.type) {
        case 'ready':
          return;
        case 'shard':
          try {
            onShard(m);
            worker.postMessage({ type: 'ack' } satisfies HostMessage);
          } catch (e) {
            finish(e);
          }
          return;
        case 'progress':
          opts.onProgress?.(m.bytesRead, m.totalBytes, 'importing');
          return;
        case 'done':
          return finish(null, m.rows);
        case 'error':
          return finish(new EngineError(m.error.code, m.error.message, m.error.details));
        default:
          return assertNever(m, 'worker message');
      }
    });
    worker.on('error', (e) => finish(new EngineError('INTERNAL', `The import worker failed: ${e.message}`)));
    worker.on('exit', (code) => finish(new EngineError('INTERNAL', `The import worker stopped unexpectedly (exit code ${code}).`)));
  });
}
