/**
 * What reading a drawing last wrote into each cell (`drawing_fills`), so applying a mapping again
 * can tell a cell a person changed (its value differs from what was written) from one only a
 * reading filled. Written in the same SQLite transaction as the cells, inside the change.
 *
 * Local to this base file: on another replica the same cells count as a person's (left alone
 * unless asked to overwrite). Undo puts a cell back but not its row here, so a cell whose fill was
 * undone also counts as a person's until it is overwritten or emptied.
 */
import type Database from 'better-sqlite3';
import type { CellValue } from '../../../src-shared/schema/schema.types';

export interface Fill {
  recordId: string;
  fieldId: string;
  value: CellValue;
}

/** Last fills of the given records, by `recordId.fieldId`, as JSON of the value written. */
export function lastFills(db: Database.Database, tableId: string, recordIds: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (recordIds.length === 0) return out;
  const rows = db
    .prepare('SELECT record_id AS r, field_id AS f, value AS v FROM drawing_fills WHERE table_id = ? AND record_id IN (SELECT value FROM json_each(?))')
    .all(tableId, JSON.stringify(recordIds)) as Array<{ r: string; f: string; v: string }>;
  for (const row of rows) out.set(`${row.r}.${row.f}`, row.v);
  return out;
}

export function recordFills(db: Database.Database, tableId: string, fills: readonly Fill[], at: number): void {
  if (fills.length === 0) return;
  const ins = db.prepare('INSERT OR REPLACE INTO drawing_fills (table_id, record_id, field_id, value, at) VALUES (?, ?, ?, ?, ?)');
  for (const f of fills) ins.run(tableId, f.recordId, f.fieldId, JSON.stringify(f.value), at);
}

/** Removes fills of tables and records that no longer exist (when a base opens: undo cannot bring them back then). */
export function collectFills(db: Database.Database, liveRecords: (tableId: string) => string | null): number {
  let removed = 0;
  const tables = (db.prepare('SELECT DISTINCT table_id AS t FROM drawing_fills').all() as Array<{ t: string }>).map((r) => r.t);
  for (const t of tables) {
    const projection = liveRecords(t);
    removed += projection
      ? db.prepare(`DELETE FROM drawing_fills WHERE table_id = ? AND record_id NOT IN (SELECT id FROM ${projection})`).run(t).changes
      : db.prepare('DELETE FROM drawing_fills WHERE table_id = ?').run(t).changes;
  }
  return removed;
}
