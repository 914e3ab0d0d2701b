/**
 * Readings of drawings kept per file content: the `extractions` table, one row per sha-256 and
 * extractor, with the extractor's version (an older version's row is read again) and the text
 * searches find the file by. Storing a reading re-projects the records that already hold those
 * bytes, so their search text includes the file's text from then on.
 */
import type { FileExtraction } from '../../workers/extract/file-extraction';
import { readRecord } from '../../../src-shared/docs/table-doc';
import type { BaseContext } from '../base/base-context';
import type { BaseSession } from '../base/base-session';
import { attachmentFieldIds, attachmentSearchText } from '../projection/attachment-text';
import { fieldColumn, projectionTable } from '../projection/projection-names';

/** Bumped when extraction changes what it reads, so older stored results are read again (2: previews, PDF tables, OCR of pages without text). */
export const EXTRACTOR = 'drawing';
export const EXTRACTOR_VERSION = 2;

/** A reading as stored, and `textPages` as the PDF reader gives it (1-based page of each `text` line) where it does. */
export type StoredReading = FileExtraction & { textPages?: number[] };

/** The stored reading of these bytes by the current extractor version, if any (from an earlier drop, in any table). */
export function storedReading(ctx: BaseContext, sha256: string): StoredReading | null {
  const row = ctx.session.db.prepare('SELECT result FROM extractions WHERE sha256 = ? AND extractor = ? AND version = ?').get(sha256, EXTRACTOR, EXTRACTOR_VERSION) as
    | { result: string }
    | undefined;
  return row ? (JSON.parse(row.result) as StoredReading) : null;
}

/**
 * Stores the reading of these bytes and re-projects the records already holding them under other
 * attachment ids than `newAttachment` (the attachment just made for them, in no cell yet).
 */
export function storeReading(ctx: BaseContext, sha256: string, x: FileExtraction, newAttachment?: string): void {
  ctx.session.db
    .prepare('INSERT OR REPLACE INTO extractions (sha256, extractor, version, result, created_at, search_text) VALUES (?, ?, ?, ?, ?, ?)')
    .run(sha256, EXTRACTOR, EXTRACTOR_VERSION, JSON.stringify(x), ctx.session.now(), attachmentSearchText(x.text));
  reprojectHolders(ctx.session, sha256, newAttachment);
}

/** Stored readings a ReadingCache holds parsed at most (readings of large drawings are large). */
const CACHED_READINGS = 500;

/** Readings by attachment id for one job: each stored reading parsed once, until CACHED_READINGS are held and the cache starts over. */
export class ReadingCache {
  private readonly bySha = new Map<string, StoredReading | null>();
  private readonly shaOf;

  constructor(private readonly ctx: BaseContext) {
    this.shaOf = ctx.session.db.prepare<[string], { sha256: string }>('SELECT sha256 FROM attachments WHERE id = ?');
  }

  /** The stored reading of an attachment's bytes; null when they were never read (or the attachment is unknown). */
  ofAttachment(id: string): StoredReading | null {
    const sha = this.shaOf.get(id)?.sha256;
    if (!sha) return null;
    let x = this.bySha.get(sha);
    if (x === undefined) {
      x = storedReading(this.ctx, sha);
      if (this.bySha.size >= CACHED_READINGS) this.bySha.clear();
      this.bySha.set(sha, x);
    }
    return x;
  }
}

/**
 * Re-projects every record whose attachment cells hold these bytes (under any attachment id but
 * `except`), so its search text takes the new reading's text. Nothing to do, and no table scanned,
 * when no other attachment holds them (the usual case: a file read on its first drop).
 */
function reprojectHolders(session: BaseSession, sha256: string, except?: string): void {
  const ids = (session.db.prepare('SELECT id FROM attachments WHERE sha256 = ? AND id IS NOT ?').all(sha256, except ?? null) as Array<{ id: string }>).map((r) => r.id);
  if (ids.length === 0) return;
  const holders: Array<{ tableId: string; id: string; shard: string }> = [];
  const idList = JSON.stringify(ids);
  for (const table of session.schema().tables) {
    for (const fieldId of attachmentFieldIds(table)) {
      const col = fieldColumn(fieldId);
      const rows = session.db
        .prepare(
          `SELECT DISTINCT p.id AS id, p.shard AS shard FROM ${projectionTable(table.id)} AS p, json_each(p.${col}) AS a ` +
            `WHERE p.${col} IS NOT NULL AND json_valid(p.${col}) AND json_extract(a.value, '$.id') IN (SELECT value FROM json_each(?))`,
        )
        .all(idList) as Array<{ id: string; shard: string }>;
      for (const r of rows) holders.push({ tableId: table.id, ...r });
    }
  }
  if (holders.length === 0) return;
  session.write({ kind: 'extraction', actor: session.actor }, (w) => {
    for (const h of holders) {
      const table = session.table(h.tableId);
      const rec = readRecord(w.shardDoc(h.tableId, h.shard), h.id, table.fields.map((f) => f.id));
      if (rec) session.projector.upsert(table, h.id, h.shard, rec);
    }
  });
}
