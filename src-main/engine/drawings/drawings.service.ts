/**
 * Records from drawings: each file is copied into the base's attachment store, read by the
 * extraction pool (DXF, PDF, images by OCR) and either becomes a record (`addDrawings`) or joins an
 * existing record's attachment cell (`attachDrawings`); the table's drawing mapping
 * (drawing-mapping.service.ts) says which fields its values go into. Readings are kept per file
 * content (extraction-store.ts), so the same file is never read twice. A file that fails does so
 * alone, with its reason. What a reading writes into a cell is remembered (drawing-fills.ts), so
 * applying the mapping again leaves cells people changed alone.
 *
 * A whole drop is one undo step: the fields and mapping a first drop makes and every record or
 * cell it writes (undo-group.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DrawingAddResult, DrawingAttachResult, JobItem } from '../../../src-shared/api/engine.dto';
import { readRecord } from '../../../src-shared/docs/table-doc';
import { EngineError, toErrorData } from '../../../src-shared/errors';
import { newId } from '../../../src-shared/ids';
import { resolveFieldRef } from '../../../src-shared/query/query-resolve';
import type { AttachmentRef, CellValue } from '../../../src-shared/schema/schema.types';
import { change, type BaseContext } from '../base/base-context';
import type { CellWrite } from '../ops/ops';
import { maxAutonumber } from '../records/records.service';
import { projectionTable } from '../projection/projection-names';
import { addAttachments, attachmentInfo } from '../attachments/attachments.service';
import { BlobStore } from '../attachments/blob-store';
import type { FileExtraction } from '../../workers/extract/file-extraction';
import { mappingForDrop, type ResolvedMapping } from './drawing-mapping.service';
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

export interface AddOptions {
  signal?: AbortSignal;
  /** After each file: files done of all, and what became of that file. */
  onProgress?: (done: number, total: number, item: JobItem) => void;
}

type Settled = { ok: true; ref: AttachmentRef; x: FileExtraction } | { ok: false; error: unknown };

/**
 * Copies and reads a few files at a time (the pool decides how many are read at once) and hands
 * each to `use` in the files' order as its reading arrives.
 */
async function readInOrder(ctx: BaseContext, paths: readonly string[], read: ReadDrawing, opts: AddOptions, use: (file: string, r: Settled) => void): Promise<void> {
  const readOne = async (file: string): Promise<{ ref: AttachmentRef; x: FileExtraction }> => {
    const [ref] = await addAttachments(ctx, [file], opts.signal ? { signal: opts.signal } : {});
    const info = attachmentInfo(ctx, ref!.id);
    const cached = storedReading(ctx, info.sha256);
    if (cached) return { ref: ref!, x: cached };
    const scratch = await BlobStore.beside(ctx.session.file).derivedScratch();
    try {
      const x = await read(info.file, path.basename(file), scratch, opts.signal);
      await BlobStore.beside(ctx.session.file).adoptDerived(scratch, info.sha256);
      storeReading(ctx, info.sha256, x, ref!.id);
      return { ref: ref!, x };
    } finally {
      await fs.promises.rm(scratch, { recursive: true, force: true });
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
    use(file, r);
  }
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
 * Adds one record per file to the table, in order. Returns each file's record id or error. Runs
 * under the base's write lock; reading the files happens in the pool (off this thread).
 */
export async function addDrawings(ctx: BaseContext, tableRef: string, paths: readonly string[], read: ReadDrawing, opts: AddOptions = {}): Promise<DrawingAddResult> {
  const { group, ctx: gctx } = UndoGroup.around(ctx);
  const files: DrawingAddResult['files'] = [];
  try {
    const mapping = mappingForDrop(gctx, tableRef);
    const table = mapping.table;
    const attachment = mapping.attachment!;
    let done = 0;
    try {
      await readInOrder(ctx, paths, read, opts, (file, r) => {
        if (r.ok) {
          try {
            const fills = mappedValues(mapping, r.x, r.ref.name);
            const values: Record<string, CellValue | null> = { [attachment.id]: [r.ref] };
            for (const f of fills) values[f.fieldId] = f.value;
            const id = newId('rec');
            change(gctx, 'Add record', (w, apply) => {
              apply({ op: 'createRecords', tableId: table.id, records: [{ id, base: { c: w.now, n: maxAutonumber(ctx, table.id) + 1, v: values } }] });
              recordFills(ctx.session.db, table.id, fills.map((f) => ({ ...f, recordId: id })), w.now);
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
        throw new EngineError('CANCELLED', `Adding drawings was cancelled after ${files.filter((f) => f.id).length} of ${paths.length}.`);
      }
      throw e;
    }
    return { table: table.id, files, added: files.filter((f) => f.id).length, failed: files.filter((f) => f.error).length };
  } finally {
    const added = files.filter((f) => f.id).length;
    group.commit(ctx, added === 1 ? 'Add drawing' : `Add ${added} drawings`);
  }
}

export interface AttachOptions extends AddOptions {
  /** The attachment field (id or name); by default the mapping's. */
  field?: string | undefined;
}

/**
 * Appends the files to a record's attachment cell, in order as their readings arrive, and fills the
 * mapped fields that are still empty from them (never over a value, the first file's values first).
 * A file that fails is not attached. One undo step.
 */
export async function attachDrawings(ctx: BaseContext, tableRef: string, recordId: string, paths: readonly string[], read: ReadDrawing, opts: AttachOptions = {}): Promise<DrawingAttachResult> {
  const table0 = ctx.session.table(tableRef);
  const row = ctx.session.db.prepare(`SELECT shard FROM ${projectionTable(table0.id)} WHERE id = ?`).get(recordId) as { shard: string } | undefined;
  if (!row) throw new EngineError('NOT_FOUND', `No record ${recordId} in table '${table0.name}'.`);
  const given = opts.field !== undefined ? resolveFieldRef(table0, opts.field) : null;
  if (given && given.type !== 'attachment') throw new EngineError('INVALID_INPUT', `'${given.name}' is not an attachment field; drawings go into an attachment field.`);
  const { group, ctx: gctx } = UndoGroup.around(ctx);
  const files: DrawingAttachResult['files'] = [];
  const filled = new Set<string>();
  try {
    const mapping = mappingForDrop(gctx, table0.id);
    const table = mapping.table;
    const field = given ?? mapping.attachment!;
    const fieldIds = table.fields.map((f) => f.id);
    let done = 0;
    await readInOrder(ctx, paths, read, opts, (file, r) => {
      if (r.ok) {
        try {
          change(gctx, 'Attach drawing', (w, apply) => {
            const rec = readRecord(w.shardDoc(table.id, row.shard), recordId, fieldIds);
            if (!rec) throw new EngineError('NOT_FOUND', `Record ${recordId} was deleted meanwhile.`);
            const current = rec.values[field.id];
            const refs = Array.isArray(current) ? (current as AttachmentRef[]) : [];
            const cells: CellWrite[] = [{ recordId, fieldId: field.id, value: [...refs, r.ref] }];
            const fills = mappedValues(mapping, r.x, r.ref.name).filter((f) => f.fieldId !== field.id && (rec.values[f.fieldId] ?? null) === null);
            for (const f of fills) cells.push({ recordId, fieldId: f.fieldId, value: f.value });
            apply({ op: 'setCells', tableId: table.id, cells });
            recordFills(ctx.session.db, table.id, fills.map((f) => ({ ...f, recordId })), w.now);
            for (const f of fills) filled.add(f.fieldId);
          });
          files.push({ file, attachment: r.ref.id });
        } catch (e) {
          files.push({ file, error: toErrorData(e) });
        }
      } else files.push({ file, error: toErrorData(r.error) });
      const last = files.at(-1)!;
      opts.onProgress?.(++done, paths.length, { index: done - 1, file, ...(last.error ? { error: last.error } : { id: recordId }) });
    });
    return { table: table.id, record: recordId, field: field.id, files, attached: files.filter((f) => f.attachment).length, failed: files.filter((f) => f.error).length, filled: [...filled] };
  } finally {
    group.commit(ctx, paths.length === 1 ? 'Attach drawing' : `Attach ${paths.length} drawings`);
  }
}
