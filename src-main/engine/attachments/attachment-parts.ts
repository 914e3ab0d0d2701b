/**
 * An attachment's parts as the app shows them: its own bytes (`file`), the thumbnails extraction
 * made of it (`thumb-0`, `thumb-1`, … one per PDF page) and a DXF's viewer geometry (`geometry`).
 * Resolved to a path inside the base's store, only for names the stored extraction lists, so a
 * request can never name another file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AttachmentPart, AttachmentPreviews } from '../../../src-shared/api/engine.dto';
import { EngineError } from '../../../src-shared/errors';
import { ATTACHMENT_PART_RE } from '../../../src-shared/api/file-urls';
import type { BaseContext } from '../base/base-context';
import { EXTRACTOR, EXTRACTOR_VERSION } from '../drawings/drawings.service';
import type { Previews } from '../../workers/extract/file-extraction';
import { attachmentInfo } from './attachments.service';
import { BlobStore } from './blob-store';

/** A preview file name as a worker writes it: plain, no folders. */
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function storedPreviews(ctx: BaseContext, sha256: string): { kind: string | null; pages: number | null; previews: Previews | null } {
  const row = ctx.session.readDb
    .prepare("SELECT json_extract(result, '$.kind') AS kind, json_extract(result, '$.pages') AS pages, json_extract(result, '$.previews') AS previews FROM extractions WHERE sha256 = ? AND extractor = ? AND version = ?")
    .get(sha256, EXTRACTOR, EXTRACTOR_VERSION) as { kind: string | null; pages: number | null; previews: string | null } | undefined;
  if (!row) return { kind: null, pages: null, previews: null };
  let previews: Previews | null = null;
  try {
    previews = row.previews ? (JSON.parse(row.previews) as Previews) : null;
  } catch {
    previews = null;
  }
  return { kind: row.kind, pages: row.pages, previews };
}

/** What there is to show of an attachment, beyond its bytes. */
export function attachmentPreviews(ctx: BaseContext, id: string): AttachmentPreviews {
  const info = attachmentInfo(ctx, id);
  const { kind, pages, previews } = storedPreviews(ctx, info.sha256);
  const dir = BlobStore.beside(ctx.session.file).derivedDir(info.sha256);
  const present = (name: string | undefined): boolean => !!name && NAME_RE.test(name) && fs.existsSync(path.join(dir, name));
  return {
    id: info.id,
    name: info.name,
    type: info.type,
    size: info.size,
    kind: kind === 'dxf' || kind === 'pdf' || kind === 'image' ? kind : null,
    pages,
    // By position: thumbnail N is page N+1 ('' where a page has none, which answers not found).
    thumbnails: previews?.thumbnails.length ?? 0,
    geometry: present(previews?.geometry),
  };
}

/** Where the bytes of one part of an attachment are. */
export function attachmentPart(ctx: BaseContext, id: string, part: string): AttachmentPart {
  if (!ATTACHMENT_PART_RE.test(part)) throw new EngineError('INVALID_INPUT', `'${part}' is not a part of an attachment (file, geometry, thumb-N).`);
  const info = attachmentInfo(ctx, id);
  if (part === 'file') return { file: info.file, type: info.type, size: info.size, name: info.name };
  const { previews } = storedPreviews(ctx, info.sha256);
  const name = part === 'geometry' ? previews?.geometry : previews?.thumbnails[Number(part.slice('thumb-'.length))];
  const missing = (): EngineError => new EngineError('NOT_FOUND', `'${info.name}' has no ${part === 'geometry' ? 'drawing geometry' : 'thumbnail'} (it has not been read as a drawing, or has no such page).`);
  if (!name || !NAME_RE.test(name)) throw missing();
  const file = path.join(BlobStore.beside(ctx.session.file).derivedDir(info.sha256), name);
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw missing();
  }
  return { file, type: part === 'geometry' ? 'application/octet-stream' : 'image/png', size, name };
}
