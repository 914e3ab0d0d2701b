/**
 * Records from drawings: each file is copied into the base's attachment store, read by the
 * extraction pool (DXF, PDF, images by OCR) and either becomes a record (`addDrawings`) or joins an
 * existing record's attachment cell (`attachDrawings`); the table's drawing mapping
 * (drawing-mapping.service.ts) says which fields its values go into. Readings are kept per file
 * content (extraction-store.ts), so the same file is never read twice. A file that fails does so
 * alone, with its reason. What a reading writes into a cell is remembered (drawing-fills.ts), so
 * applying the mapping again leaves cells people changed alone.
 *
 * Files are copied and read outside the base's write lock, and each record is written under it,
 * so people keep editing while a drop is read. A whole drop is one undo step (the fields and
 * mapping a first drop makes and every record or cell it writes), unless a person changed
 * something in between (undo-group.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DrawingAddResult, DrawingAttachResult, JobItem } from '../../../src-shared/api/engine.dto';
import { readRecord } from '../../../src-shared/docs/table-doc';
import { EngineError, toErrorData } from '../../../src-shared/errors';
import { newId } from '../../../src-shared/ids';
import { resolveFieldRef } from '../../../src-shared/query/query-resolve';
import type { AttachmentRef, CellValue, FieldSchema } from '../../../src-shared/schema/schema.types';
import { change, type BaseContext } from '../base/base-context';
import type { CellWrite } from '../ops/ops';
import { maxAutonumber } from '../records/records.service';
import { projectionTable } from '../projection/projection-names';
import { listAttachment } from '../attachments/attachments.service';
import { BlobStore, type StoredBlob } from '../attachments/blob-store';
import type { FileExtraction } from '../../workers/extract/file-extraction';
import { mappingForDrop, resolveMapping, type ResolvedMapping } from './drawing-mapping.service';
import { readingValue, storedValue } from './drawing-values';
import { recordFills, type Fill } from './drawing-fills';
import { storedReading, storeReading } from './extraction-store';
import { UndoGroup } from './undo-group';

export { EXTRACTOR, EXTRACTOR_VERSION } from './extraction-store';

/**
 * Reads one file (the extraction pool, or a stand-in), writing its preview files (thumbnails, DXF
 * geometry) into `outDir`.
 */
export type ReadDrawing = (file: string, label: string, outDir: string, signal?: AbortSignal) => Promise<FileExtraction>;

/** Files copied and read at once (reading itself is limited by the pool). */
const IN_FLIGHT = 4;

/** Runs `fn` under the base's write lock (the engine's); work outside it runs beside edits. */
export type Locked = <T>(fn: () => T | Promise<T>) => Promise<T>;

export interface AddOptions {
  signal?: AbortSignal;
  /** After each file: files done of all, and what became of that file. */
  onProgress?: (done: number, total: number, item: JobItem) => void;
  /**
   * The base's write lock, taken for each write only: copying and reading files goes on without
   * it, so people keep editing while a drop is read. Without it (tests), writes run directly.
   */
  lock?: Locked;
}

/** A file copied into the store and read, not yet listed as an attachment. */
type Settled = { ok: true; stored: StoredBlob; x: FileExtraction; fresh: boolean } | { ok: false; error: unknown };

/**
 * Copies and reads a few files at a time (the pool decides how many are read at once), outside
 * the write lock, and hands each to `use`, under the lock, in the files' order as its reading
 * arrives.
 */
async function readInOrder(ctx: BaseContext, paths: readonly string[], read: ReadDrawing, opts: AddOptions, use: (file: string, r: Settled) => void): Promise<void> {
  const lock: Locked = opts.lock ?? (async (fn) => fn());
  const store = BlobStore.beside(ctx.session.file);
  const readOne = async (file: string): Promise<{ stored: StoredBlob; x: FileExtraction; fresh: boolean }> => {
    const stored = await store.put(file, opts.signal ? { signal: opts.signal } : {});
    const cached = storedReading(ctx, stored.sha256);
    if (cached) return { stored, x: cached, fresh: false };
    const scratch = await store.derivedScratch();
    try {
      const x = await read(store.pathOf(stored.sha256), path.basename(file), scratch, opts.signal);
      await store.adoptDerived(scratch, stored.sha256);
      return { stored, x, fresh: true };
    } finally {
      await fs.promises.rm(scratch, { recursive: true, force: true }).catch(() => undefined);
    }
  };
  const settle = (file: string): Promise<Settled> => readOne(file).then((r) => ({ ok: true as const, ...r }), (error: unknown) => ({ ok: false as const, error }));
  const inFlight: Array<Promise<Settled>> = [];
  let next = 0;
  const fill = (): void => {
    while (next < paths.length && inFlight.length < IN_FLIGHT) inFlight.push(settle(paths[next++]!));
  };
  fill();
  for (const file of paths) {
    const r = await inFlight.shift()!;
    fill();
    if (opts.signal?.aborted) {
      // Let the files still in flight finish failing before the job ends (they hold the store).
      await Promise.all(inFlight);
      throw new EngineError('CANCELLED', 'Cancelled.');
    }
    await lock(() => use(file, r));
  }
}

/** Lists a read file as an attachment and keeps its reading (under the write lock). */
function listRead(ctx: BaseContext, file: string, r: Extract<Settled, { ok: true }>): AttachmentRef {
  const ref = listAttachment(ctx, file, r.stored);
  if (r.fresh) storeReading(ctx, r.stored.sha256, r.x, ref.id);
  return ref;
}

/** The mapped values of a reading, as their fields store them (values that do not fit are left out). */
function mappedValues(mapping: ResolvedMapping, x: FileExtraction, name: string): Array<Omit<Fill, 'recordId'>> {
  const out: Array<Omit<Fill, 'recordId'>> = [];
  for (const { key, field } of mapping.values) {
    const v = storedValue(field, readingValue(key, { x, name }, field));
    if (v.ok && v.value !== null) out.push({ fieldId: field.id, value: v.value });
  }
  return out;
}

/**
 * The table's mapping as it is now (a person may change fields while a drop is read); the drop's
 * files fail with the reason when its attachment field is gone.
 */
function currentMapping(ctx: BaseContext, tableId: string): ResolvedMapping & { attachment: FieldSchema } {
  const mapping = resolveMapping(ctx.session.table(tableId));
  if (!mapping.attachment) throw new EngineError('NOT_FOUND', `The table's attachment field for drawings was deleted or changed while the drop was read.`);
  return mapping as ResolvedMapping & { attachment: FieldSchema };
}

/**
 * Adds one record per file to the table, in order. Returns each file's record id or error. Files
 * are copied and read outside the base's write lock (`opts.lock`), each record is written under it;
 * the drop is one undo step unless a person changed something meanwhile (undo-group.ts).
 */
export async function addDrawings(ctx: BaseContext, tableRef: string, paths: readonly string[], read: ReadDrawing, opts: AddOptions = {}): Promise<DrawingAddResult> {
  const lock: Locked = opts.lock ?? (async (fn) => fn());
  const files: DrawingAddResult['files'] = [];
  const added = (): number => files.filter((f) => f.id).length;
  const gctx = UndoGroup.around(ctx, 'Add record', (n) => (n === 0 ? 'Add drawing fields' : n === 1 ? 'Add drawing' : `Add ${n} drawings`));
  const tableId = await lock(() => mappingForDrop(gctx, tableRef).table.id);
  let done = 0;
  try {
    await readInOrder(ctx, paths, read, opts, (file, r) => {
      if (r.ok) {
        try {
          const mapping = currentMapping(ctx, tableId);
          const ref = listRead(ctx, file, r);
          const fills = mappedValues(mapping, r.x, ref.name);
          const values: Record<string, CellValue | null> = { [mapping.attachment.id]: [ref] };
          for (const f of fills) values[f.fieldId] = f.value;
          const id = newId('rec');
          change(gctx, 'Add record', (w, apply) => {
            apply({ op: 'createRecords', tableId, records: [{ id, base: { c: w.now, n: maxAutonumber(ctx, tableId) + 1, v: values } }] });
            recordFills(ctx.session.db, tableId, fills.map((f) => ({ ...f, recordId: id })), w.now);
          });
          files.push({ file, id });
        } catch (e) {
          files.push({ file, error: toErrorData(e) });
        }
      } else files.push({ file, error: toErrorData(r.error) });
      opts.onProgress?.(++done, paths.length, { index: done - 1, ...files.at(-1)! });
    });
  } catch (e) {
    if (e instanceof EngineError && e.code === 'CANCELLED') {
      throw new EngineError('CANCELLED', `Adding drawings was cancelled after ${added()} of ${paths.length}.`);
    }
    throw e;
  }
  return { table: tableId, files, added: added(), failed: files.filter((f) => f.error).length };
}

export interface AttachOptions extends AddOptions {
  /** The attachment field (id or name); by default the mapping's. */
  field?: string | undefined;
}

/**
 * Appends the files to a record's attachment cell, in order as their readings arrive, and fills the
 * mapped fields that are still empty from them (never over a value, the first file's values first).
 * A file that fails is not attached. One undo step (unless a person changed something meanwhile).
 */
export async function attachDrawings(ctx: BaseContext, tableRef: string, recordId: string, paths: readonly string[], read: ReadDrawing, opts: AttachOptions = {}): Promise<DrawingAttachResult> {
  const lock: Locked = opts.lock ?? (async (fn) => fn());
  const files: DrawingAttachResult['files'] = [];
  const filled = new Set<string>();
  const attached = (): number => files.filter((f) => f.attachment).length;
  const gctx = UndoGroup.around(ctx, 'Attach drawing', (n) => (n <= 1 ? 'Attach drawing' : `Attach ${n} drawings`));
  const start = await lock(() => {
    const table0 = ctx.session.table(tableRef);
    const row = ctx.session.db.prepare(`SELECT shard FROM ${projectionTable(table0.id)} WHERE id = ?`).get(recordId) as { shard: string } | undefined;
    if (!row) throw new EngineError('NOT_FOUND', `No record ${recordId} in table '${table0.name}'.`);
    const given = opts.field !== undefined ? resolveFieldRef(table0, opts.field) : null;
    if (given && given.type !== 'attachment') throw new EngineError('INVALID_INPUT', `'${given.name}' is not an attachment field; drawings go into an attachment field.`);
    const mapping = mappingForDrop(gctx, table0.id);
    return { tableId: mapping.table.id, shard: row.shard, fieldId: (given ?? mapping.attachment!).id };
  });
  const { tableId, shard, fieldId } = start;
  let done = 0;
  await readInOrder(ctx, paths, read, opts, (file, r) => {
    if (r.ok) {
      try {
        const mapping = resolveMapping(ctx.session.table(tableId));
        const field = mapping.table.fields.find((f) => f.id === fieldId && f.type === 'attachment');
        if (!field) throw new EngineError('NOT_FOUND', 'The attachment field was deleted or changed while the drawings were read.');
        const fieldIds = mapping.table.fields.map((f) => f.id);
        const ref = listRead(ctx, file, r);
        change(gctx, 'Attach drawing', (w, apply) => {
          const rec = readRecord(w.shardDoc(tableId, shard), recordId, fieldIds);
          if (!rec) throw new EngineError('NOT_FOUND', `Record ${recordId} was deleted meanwhile.`);
          const current = rec.values[field.id];
          const refs = Array.isArray(current) ? (current as AttachmentRef[]) : [];
          const cells: CellWrite[] = [{ recordId, fieldId: field.id, value: [...refs, ref] }];
          const fills = mappedValues(mapping, r.x, ref.name).filter((f) => f.fieldId !== field.id && (rec.values[f.fieldId] ?? null) === null);
          for (const f of fills) cells.push({ recordId, fieldId: f.fieldId, value: f.value });
          apply({ op: 'setCells', tableId, cells });
          recordFills(ctx.session.db, tableId, fills.map((f) => ({ ...f, recordId })), w.now);
          for (const f of fills) filled.add(f.fieldId);
        });
        files.push({ file, attachment: ref.id });
      } catch (e) {
        files.push({ file, error: toErrorData(e) });
      }
    } else files.push({ file, error: toErrorData(r.error) });
    const last = files.at(-1)!;
    opts.onProgress?.(++done, paths.length, { index: done - 1, file, ...(last.error ? { error: last.error } : { id: recordId }) });
  });
  return { table: tableId, record: recordId, field: fieldId, files, attached: attached(), failed: files.filter((f) => f.error).length, filled: [...filled] };
}
