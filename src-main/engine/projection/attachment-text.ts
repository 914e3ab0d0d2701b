/**
 * Attachment text in a row's search text. Each reading of a file's bytes stores the text searches
 * find it by (`extractions.search_text`: its text lines joined by line feeds, at most
 * ATTACHMENT_TEXT_CAP characters); a row's search text is its cells' text followed by that text for
 * every attachment in its attachment cells (fields in id order, files in cell order, the same bytes
 * once). So the projection is a function of the docs and the readings this base file holds: rows
 * are re-projected when a reading of bytes they hold arrives (drawings/extraction-store.ts), and a
 * rebuild gives the same rows. Rows of tables without attachment fields pay one lookup in a
 * WeakMap; rows with empty attachment cells nothing more.
 */
import type Database from 'better-sqlite3';
import type { CellValue, TableSchema } from '../../../src-shared/schema/schema.types';

/** Characters of one file's text that searches see (about 200 KB of Latin text); the rest of a larger document is not found by search. */
export const ATTACHMENT_TEXT_CAP = 200_000;

/** The searchable text of a reading's text lines; null when there is none. */
export function attachmentSearchText(lines: readonly string[]): string | null {
  let text = lines.join('\n');
  if (text.length > ATTACHMENT_TEXT_CAP) {
    text = text.slice(0, ATTACHMENT_TEXT_CAP);
    // Never end in half a surrogate pair.
    const last = text.charCodeAt(text.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) text = text.slice(0, -1);
  }
  return text.trim() ? text : null;
}

const attachmentFields = new WeakMap<TableSchema, string[]>();

/** Ids of the table's attachment fields, in id order. */
export function attachmentFieldIds(table: TableSchema): string[] {
  let ids = attachmentFields.get(table);
  if (!ids) {
    ids = table.fields.filter((f) => f.type === 'attachment').map((f) => f.id).sort();
    attachmentFields.set(table, ids);
  }
  return ids;
}

function attachmentIdOf(ref: unknown): string | null {
  const id = typeof ref === 'object' && ref !== null ? (ref as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : null;
}

/** Looks up the stored text of attachments (on the connection that writes the projection). */
export class AttachmentTexts {
  private stmt: Database.Statement<[string], { sha: string; extractor: string; text: string }> | null = null;

  constructor(private readonly db: Database.Database) {}

  /** The text of the attachments in a record's attachment cells; '' when there is none. */
  of(table: TableSchema, values: Readonly<Record<string, CellValue | null>>): string {
    const fieldIds = attachmentFieldIds(table);
    if (fieldIds.length === 0) return '';
    let out = '';
    let seen: Set<string> | null = null;
    for (const fieldId of fieldIds) {
      const cell = values[fieldId];
      if (!Array.isArray(cell) || cell.length === 0) continue;
      this.stmt ??= this.db.prepare(
        "SELECT a.sha256 AS sha, e.extractor AS extractor, e.search_text AS text FROM attachments AS a JOIN extractions AS e ON e.sha256 = a.sha256 WHERE a.id = ? AND e.search_text IS NOT NULL AND e.search_text != '' ORDER BY e.extractor",
      );
      for (const ref of cell) {
        const id = attachmentIdOf(ref);
        if (id === null) continue;
        for (const r of this.stmt.all(id)) {
          const key = `${r.sha}/${r.extractor}`;
          if ((seen ??= new Set()).has(key)) continue;
          seen.add(key);
          out = out ? out + '\n' + r.text : r.text;
        }
      }
    }
    return out;
  }
}
