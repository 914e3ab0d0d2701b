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
import type { ImportWorkerInput } from './import-protocol';
import { ImportWorker } from './import-worker-client';

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
  let worker: ImportWorker | null = fs.statSync(opts.path).size >= BULK_IMPORT_MIN_BYTES ? new ImportWorker() : null;
  try {
    return await importWith(ctx, opts, t0, () => (worker ??= new ImportWorker()));
  } finally {
    worker?.dispose();
  }
}

async function importWith(ctx: BaseContext, opts: ImportOptions, t0: number, getWorker: () => ImportWorker): Promise<ImportResult> {
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
        const progress = { ...(opts.signal ? { signal: opts.signal } : {}), onProgress: (done: number, total: number) => opts.onProgress?.(done, total, 'importing') };
        imported = await getWorker().run(input, progress, (m) => apply({ op: 'appendShard', tableId: table.id, shardId: m.shardId, ids: m.ids, rows: m.rows, update: m.update }));
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
