/**
 * Records from drawings: each file is copied into the base's attachment store, read by the
 * extraction pool (DXF, PDF, images by OCR) and becomes one record, its title block filling the
 * table's drawing fields. The first drop on a table suggests those fields by creating them ("Drawing
 * No", "Title", "Revision", "Material", "Scale", and an attachment field "Drawing" when the table
 * has none); later drops fill fields of those names. Results are kept per file content (sha-256 and
 * extractor version), so the same file is never read twice. A file that fails does so alone, with
 * its reason; the others still become records.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DrawingAddResult, JobItem } from '../../../src-shared/api/engine.dto';
import { EngineError, toErrorData } from '../../../src-shared/errors';
import type { AttachmentRef, FieldSchema, TableSchema } from '../../../src-shared/schema/schema.types';
import type { BaseContext } from '../base/base-context';
import { createField } from '../schema/fields.service';
import { createRecords } from '../records/records.service';
import { addAttachments, attachmentInfo } from '../attachments/attachments.service';
import { BlobStore } from '../attachments/blob-store';
import type { FileExtraction } from '../../workers/extract/file-extraction';

/** Bumped when extraction changes what it reads, so older stored results are read again. */
export const EXTRACTOR = 'drawing';
export const EXTRACTOR_VERSION = 1;

/**
 * Reads one file (the extraction pool, or a stand-in), writing its preview files (thumbnails, DXF
 * geometry) into `outDir`.
 */
export type ReadDrawing = (file: string, label: string, outDir: string, signal?: AbortSignal) => Promise<FileExtraction>;

/** Table fields a drop fills, by title block key. */
export const DRAWING_FIELDS: Array<[keyof FileExtraction['titleBlock'], string]> = [
  ['drawingNumber', 'Drawing No'],
  ['title', 'Title'],
  ['revision', 'Revision'],
  ['material', 'Material'],
  ['scale', 'Scale'],
];

/** Files copied and read at once (reading itself is limited by the pool). */
const IN_FLIGHT = 4;

export interface AddOptions {
  signal?: AbortSignal;
  /** After each file: files done of all, and what became of that file. */
  onProgress?: (done: number, total: number, item: JobItem) => void;
}

/** The attachment field a drop fills, and the drawing fields by key; created where missing. */
function ensureFields(ctx: BaseContext, tableRef: string): { table: TableSchema; attachment: FieldSchema; byKey: Map<string, FieldSchema> } {
  const find = (): TableSchema => {
    const t = ctx.session.schema().tables.find((x) => x.id === tableRef || x.name.toLowerCase() === tableRef.toLowerCase());
    if (!t) throw new EngineError('NOT_FOUND', `No table '${tableRef}' in this base.`);
    return t;
  };
  let table = find();
  if (!table.fields.some((f) => f.type === 'attachment')) createField(ctx, table.id, { name: uniqueName(table, 'Drawing'), type: 'attachment' });
  for (const [, name] of DRAWING_FIELDS) {
    table = find();
    if (!table.fields.some((f) => f.name.toLowerCase() === name.toLowerCase())) createField(ctx, table.id, { name, type: 'singleLineText' });
  }
  table = find();
  const byKey = new Map<string, FieldSchema>();
  for (const [key, name] of DRAWING_FIELDS) {
    const field = table.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
    // A field of that name but another type (say a number) is filled only if its value converts.
    if (field && !['attachment', 'autonumber', 'createdTime', 'lastModifiedTime'].includes(field.type)) byKey.set(key, field);
  }
  return { table, attachment: table.fields.find((f) => f.type === 'attachment')!, byKey };
}

function uniqueName(table: TableSchema, want: string): string {
  const taken = new Set(table.fields.map((f) => f.name.toLowerCase()));
  for (let i = 1; ; i++) {
    const name = i === 1 ? want : `${want} ${i}`;
    if (!taken.has(name.toLowerCase())) return name;
  }
}

/** The stored reading of these bytes, if any (from an earlier drop, in any table). */
function storedReading(ctx: BaseContext, sha256: string): FileExtraction | null {
  const row = ctx.session.db.prepare('SELECT result FROM extractions WHERE sha256 = ? AND extractor = ? AND version = ?').get(sha256, EXTRACTOR, EXTRACTOR_VERSION) as
    | { result: string }
    | undefined;
  return row ? (JSON.parse(row.result) as FileExtraction) : null;
}

function storeReading(ctx: BaseContext, sha256: string, x: FileExtraction): void {
  ctx.session.db
    .prepare('INSERT OR REPLACE INTO extractions (sha256, extractor, version, result, created_at) VALUES (?, ?, ?, ?, ?)')
    .run(sha256, EXTRACTOR, EXTRACTOR_VERSION, JSON.stringify(x), ctx.session.now());
}

/**
 * Adds one record per file to the table, in order. Returns each file's record id or error. Runs
 * under the base's write lock; reading the files happens in the pool (off this thread).
 */
export async function addDrawings(ctx: BaseContext, tableRef: string, paths: readonly string[], read: ReadDrawing, opts: AddOptions = {}): Promise<DrawingAddResult> {
  const { table, attachment, byKey } = ensureFields(ctx, tableRef);
  const files: DrawingAddResult['files'] = [];
  let done = 0;
  // Copy and read a few files at a time (the pool decides how many are read at once); create the
  // records in the files' order as their readings arrive.
  const readOne = async (file: string): Promise<{ ref: AttachmentRef; x: FileExtraction }> => {
    const [ref] = await addAttachments(ctx, [file], opts.signal ? { signal: opts.signal } : {});
    const info = attachmentInfo(ctx, ref!.id);
    const cached = storedReading(ctx, info.sha256);
    if (cached) return { ref: ref!, x: cached };
    const scratch = await BlobStore.beside(ctx.session.file).derivedScratch();
    try {
      const x = await read(info.file, path.basename(file), scratch, opts.signal);
      await BlobStore.beside(ctx.session.file).adoptDerived(scratch, info.sha256);
      storeReading(ctx, info.sha256, x);
      return { ref: ref!, x };
    } finally {
      await fs.promises.rm(scratch, { recursive: true, force: true });
    }
  };
  type Settled = { ok: true; ref: AttachmentRef; x: FileExtraction } | { ok: false; error: unknown };
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
    if (opts.signal?.aborted) throw new EngineError('CANCELLED', `Adding drawings was cancelled after ${files.filter((f) => f.id).length} of ${paths.length}.`);
    if (r.ok) {
      const fields: Record<string, unknown> = { [attachment.id]: [r.ref] };
      for (const [key, field] of byKey) {
        const value = r.x.titleBlock[key as keyof FileExtraction['titleBlock']];
        if (value !== null && value !== undefined) fields[field.id] = value;
      }
      try {
        const [id] = createRecords(ctx, table.id, [fields]);
        files.push({ file, id: id! });
      } catch (e) {
        files.push({ file, error: toErrorData(e) });
      }
    } else files.push({ file, error: toErrorData(r.error) });
    opts.onProgress?.(++done, paths.length, { index: done - 1, ...files.at(-1)! });
  }
  return { table: table.id, files, added: files.filter((f) => f.id).length, failed: files.filter((f) => f.error).length };
}
