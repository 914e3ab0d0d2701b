/** Record history: who changed which cell when, newest first (written with each change, see base-session). */
import type { HistoryEntry } from '../../../src-shared/api/engine.dto';
import type { BaseContext } from '../base/base-context';

interface Row {
  fieldId: string | null;
  kind: 'set' | 'create' | 'delete';
  actor: string;
  origin: string;
  at: number;
  oldValue: string | null;
  newValue: string | null;
}

export function recordHistory(ctx: BaseContext, tableRef: string, recordId: string, limit: number): HistoryEntry[] {
  const table = ctx.session.table(tableRef);
  const names = new Map(table.fields.map((f) => [f.id, f.name]));
  const rows = ctx.session.readDb
    .prepare(
      `SELECT field_id AS fieldId, kind, actor, origin, at, old_value AS oldValue, new_value AS newValue
       FROM cell_history WHERE table_id = ? AND record_id = ? ORDER BY id DESC LIMIT ?`,
    )
    .all(table.id, recordId, limit) as Row[];
  return rows.map((r) => ({
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    origin: r.origin,
    kind: r.kind,
    fieldId: r.fieldId,
    fieldName: r.fieldId ? (names.get(r.fieldId) ?? null) : null,
    oldValue: r.oldValue === null ? null : JSON.parse(r.oldValue),
    newValue: r.newValue === null ? null : JSON.parse(r.newValue),
  }));
}
