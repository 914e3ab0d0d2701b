/**
 * Attachments: files copied into the base's store (blob-store.ts) and listed in its `attachments`
 * table, one row per attachment (id, content hash, name, size, type); attachment cells hold refs
 * `{ id, name, size, type }` to those rows. The same bytes attached twice are stored once.
 *
 * Collection: an attachment no cell refers to any more, and then bytes no attachment refers to,
 * are removed when the base is opened (the undo history of earlier sessions is gone by then, so
 * nothing can bring such a cell value back). A row written by an attach whose cell never got it
 * (a crash, an error) goes the same way, and so do the remembered drawing fills of records that are
 * gone (drawings/drawing-fills.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AttachmentRef } from '../../../src-shared/schema/schema.types';
import type { AttachmentInfo, CollectReport } from '../../../src-shared/api/engine.dto';
import { EngineError } from '../../../src-shared/errors';
import { newId, isId } from '../../../src-shared/ids';
import type { BaseContext } from '../base/base-context';
import type { BaseSession } from '../base/base-session';
import { fieldColumn, projectionTable } from '../projection/projection-names';
import { BlobStore, type StoredBlob } from './blob-store';
import { collectFills } from '../drawings/drawing-fills';

/** Types by file extension, for files people attach to engineering records. */
const TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  dxf: 'image/vnd.dxf',
  dwg: 'image/vnd.dwg',
  step: 'model/step',
  stp: 'model/step',
  iges: 'model/iges',
  igs: 'model/iges',
  stl: 'model/stl',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  xml: 'application/xml',
  zip: 'application/zip',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

export function typeOfFile(name: string): string {
  return TYPES[path.extname(name).slice(1).toLowerCase()] ?? 'application/octet-stream';
}

export interface AddOptions {
  signal?: AbortSignal;
  /** After each file: files done of all. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Copies files into the store and lists them as attachments, in order; their refs, for a cell.
 * A file that cannot be read fails the call naming it; the files before it stay stored (and are
 * collected at the next open if no cell takes them).
 */
export async function addAttachments(ctx: BaseContext, paths: readonly string[], opts: AddOptions = {}): Promise<AttachmentRef[]> {
  const store = BlobStore.beside(ctx.session.file);
  const refs: AttachmentRef[] = [];
  for (const [i, file] of paths.entries()) {
    const stored = await store.put(file, opts.signal ? { signal: opts.signal } : {});
    refs.push(listAttachment(ctx, file, stored));
    opts.onProgress?.(i + 1, paths.length);
  }
  return refs;
}

/** Lists bytes already in the store as an attachment named after `file`; its ref, for a cell. */
export function listAttachment(ctx: BaseContext, file: string, stored: Pick<StoredBlob, 'sha256' | 'size'>): AttachmentRef {
  const ref: AttachmentRef = { id: newId('att'), name: path.basename(file), size: stored.size, type: typeOfFile(file), sha256: stored.sha256 };
  ctx.session.db
    .prepare('INSERT INTO attachments (id, sha256, name, size, mime, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(ref.id, stored.sha256, ref.name, ref.size, ref.type, ctx.session.now());
  return ref;
}

/** An attachment's row and where its bytes are. */
export function attachmentInfo(ctx: BaseContext, id: string): AttachmentInfo {
  if (!isId(id, 'att')) throw new EngineError('INVALID_INPUT', `'${id}' is not an attachment id.`);
  const row = ctx.session.readDb.prepare('SELECT id, sha256, name, size, mime AS type FROM attachments WHERE id = ?').get(id) as
    | (AttachmentRef & { sha256: string })
    | undefined;
  if (!row) throw new EngineError('NOT_FOUND', `No attachment ${id} in this base.`);
  const file = BlobStore.beside(ctx.session.file).pathOf(row.sha256);
  if (!fs.existsSync(file)) throw new EngineError('NOT_FOUND', `The file of attachment '${row.name}' is missing from ${path.dirname(path.dirname(file))}.`);
  return { ...row, file };
}

/** Attachment ids that cells of the base refer to now. */
function referencedIds(session: BaseSession): Set<string> {
  const ids = new Set<string>();
  for (const table of session.schema().tables) {
    for (const field of table.fields) {
      if (field.type !== 'attachment') continue;
      const col = fieldColumn(field.id);
      const rows = session.db
        .prepare(`SELECT DISTINCT json_extract(a.value, '$.id') AS id FROM ${projectionTable(table.id)} AS p, json_each(p.${col}) AS a WHERE p.${col} IS NOT NULL AND json_valid(p.${col})`)
        .all() as Array<{ id: unknown }>;
      for (const r of rows) if (typeof r.id === 'string') ids.add(r.id);
    }
  }
  return ids;
}

/** Removes attachments no cell refers to, then bytes no attachment refers to. What went. */
export async function collectAttachments(session: BaseSession): Promise<CollectReport> {
  const store = BlobStore.beside(session.file);
  const keep = referencedIds(session);
  const rows = session.db.prepare('SELECT id FROM attachments').all() as Array<{ id: string }>;
  const gone = rows.filter((r) => !keep.has(r.id)).map((r) => r.id);
  const del = session.db.prepare('DELETE FROM attachments WHERE id = ?');
  session.db.transaction(() => {
    for (const id of gone) del.run(id);
    const tables = new Set(session.schema().tables.map((t) => t.id));
    collectFills(session.db, (tableId) => (tables.has(tableId) && session.projector.tableExists(tableId) ? projectionTable(tableId) : null));
  })();
  const wanted = new Set((session.db.prepare('SELECT DISTINCT sha256 FROM attachments').all() as Array<{ sha256: string }>).map((r) => r.sha256));
  let files = 0;
  let bytes = 0;
  for (const sha of await store.list()) {
    // Bytes stored a moment ago may be a drop's, about to be listed: they wait for a later collect.
    if (wanted.has(sha) || (await store.storedWithin(sha))) continue;
    bytes += fs.statSync(store.pathOf(sha)).size;
    await store.remove(sha);
    files++;
  }
  await store.clearTemporary();
  return { attachments: gone.length, files, bytes };
}
