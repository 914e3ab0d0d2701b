/** Records: create, partial update, delete, duplicate — single or bulk, each one transaction and one undo step. */
import { readRecord } from '../../../src-shared/docs/table-doc';
import { EngineError } from '../../../src-shared/errors';
import { newId } from '../../../src-shared/ids';
import { getFieldType } from '../../../src-shared/fields/field-registry';
import type { CellValue, FieldSchema, TableSchema } from '../../../src-shared/schema/schema.types';
import { resolveFieldRef } from '../../../src-shared/query/query-resolve';
import { change, type BaseContext } from '../base/base-context';
import type { CellWrite, RecordSeed } from '../ops/ops';
import { projectionTable } from '../projection/projection-names';

/**
 * API values keyed by field name or id → stored values keyed by field id. A value that does not fit
 * its field is INVALID_VALUE naming the field; computed fields are READ_ONLY_FIELD.
 */
export function normalizeValues(table: TableSchema, input: Record<string, unknown>, where = ''): Record<string, CellValue | null> {
  const out: Record<string, CellValue | null> = {};
  for (const [ref, raw] of Object.entries(input)) {
    const field: FieldSchema = resolveFieldRef(table, ref);
    const def = getFieldType(field.type);
    if (def.computed) {
      if (raw === null || raw === undefined || raw === '') continue;
      throw new EngineError('READ_ONLY_FIELD', `${where}'${field.name}' is ${def.label.toLowerCase()} and is computed; it can't be set.`);
    }
    const r = def.normalize(raw, field.options);
    if (!r.ok) throw new EngineError('INVALID_VALUE', `${where}field '${field.name}': ${r.message}`, { field: field.name });
    out[field.id] = r.value;
  }
  return out;
}

/** Highest autonumber in the table's projection. */
export function maxAutonumber(ctx: BaseContext, tableId: string): number {
  if (!ctx.session.projector.tableExists(tableId)) return 0;
  const r = ctx.session.db.prepare(`SELECT max(n) AS n FROM ${projectionTable(tableId)}`).get() as { n: number | null };
  return r.n ?? 0;
}

function withoutEmpty(values: Record<string, CellValue | null>): Record<string, CellValue | null> {
  const v: Record<string, CellValue | null> = {};
  for (const [k, x] of Object.entries(values)) if (x !== null) v[k] = x;
  return v;
}

export function createRecords(ctx: BaseContext, tableRef: string, inputs: Array<Record<string, unknown>>): string[] {
  const table = ctx.session.table(tableRef);
  const values = inputs.map((input, i) => normalizeValues(table, input, inputs.length > 1 ? `record ${i + 1}, ` : ''));
  return change(ctx, inputs.length === 1 ? 'Add record' : `Add ${inputs.length} records`, (w, apply) => {
    let n = maxAutonumber(ctx, table.id);
    const seeds: RecordSeed[] = values.map((v) => ({ id: newId('rec'), base: { c: w.now, n: ++n, v: withoutEmpty(v) } }));
    apply({ op: 'createRecords', tableId: table.id, records: seeds });
    return seeds.map((s) => s.id);
  });
}

function assertRecordsExist(ctx: BaseContext, table: TableSchema, ids: readonly string[]): void {
  const stmt = ctx.session.db.prepare(`SELECT 1 FROM ${projectionTable(table.id)} WHERE id = ?`);
  for (const id of ids) {
    if (!stmt.get(id)) throw new EngineError('NOT_FOUND', `No record ${id} in table '${table.name}'.`);
  }
}

function cellWrites(ctx: BaseContext, table: TableSchema, updates: Array<{ id: string; fields: Record<string, unknown> }>): CellWrite[] {
  assertRecordsExist(ctx, table, updates.map((u) => u.id));
  const cells: CellWrite[] = [];
  for (const u of updates) {
    for (const [fieldId, value] of Object.entries(normalizeValues(table, u.fields, updates.length > 1 ? `record ${u.id}, ` : ''))) {
      cells.push({ recordId: u.id, fieldId, value });
    }
  }
  return cells;
}

export function updateRecords(ctx: BaseContext, tableRef: string, updates: Array<{ id: string; fields: Record<string, unknown> }>): number {
  const table = ctx.session.table(tableRef);
  const cells = cellWrites(ctx, table, updates);
  change(ctx, cells.length === 1 ? 'Edit cell' : `Edit ${cells.length} cells`, (_w, apply) => apply({ op: 'setCells', tableId: table.id, cells }));
  return updates.length;
}

/** Cell updates and new records as one change, so one undo takes back a whole paste. */
export function pasteRecords(
  ctx: BaseContext,
  tableRef: string,
  updates: Array<{ id: string; fields: Record<string, unknown> }>,
  inputs: Array<Record<string, unknown>>,
): { updated: number; ids: string[] } {
  const table = ctx.session.table(tableRef);
  const cells = cellWrites(ctx, table, updates);
  const values = inputs.map((input, i) => normalizeValues(table, input, `new record ${i + 1}, `));
  const ids = change(ctx, 'Paste', (w, apply) => {
    if (cells.length > 0) apply({ op: 'setCells', tableId: table.id, cells });
    if (values.length === 0) return [];
    let n = maxAutonumber(ctx, table.id);
    const seeds: RecordSeed[] = values.map((v) => ({ id: newId('rec'), base: { c: w.now, n: ++n, v: withoutEmpty(v) } }));
    apply({ op: 'createRecords', tableId: table.id, records: seeds });
    return seeds.map((s) => s.id);
  });
  return { updated: updates.length, ids };
}

export function deleteRecords(ctx: BaseContext, tableRef: string, ids: string[]): number {
  const table = ctx.session.table(tableRef);
  const unique = [...new Set(ids)];
  assertRecordsExist(ctx, table, unique);
  change(ctx, unique.length === 1 ? 'Delete record' : `Delete ${unique.length} records`, (_w, apply) =>
    apply({ op: 'deleteRecords', tableId: table.id, ids: unique }),
  );
  return unique.length;
}

export function duplicateRecords(ctx: BaseContext, tableRef: string, ids: string[]): string[] {
  const table = ctx.session.table(tableRef);
  assertRecordsExist(ctx, table, ids);
  const editable = table.fields.filter((f) => !getFieldType(f.type).computed).map((f) => f.id);
  const shardOf = ctx.session.db.prepare(`SELECT shard FROM ${projectionTable(table.id)} WHERE id = ?`);
  return change(ctx, ids.length === 1 ? 'Duplicate record' : `Duplicate ${ids.length} records`, (w, apply) => {
    let n = maxAutonumber(ctx, table.id);
    const seeds: RecordSeed[] = ids.map((id) => {
      const { shard } = shardOf.get(id) as { shard: string };
      const rec = readRecord(w.shardDoc(table.id, shard), id, editable);
      if (!rec) throw new EngineError('NOT_FOUND', `No record ${id} in table '${table.name}'.`);
      return { id: newId('rec'), base: { c: w.now, n: ++n, v: withoutEmpty(rec.values) } };
    });
    apply({ op: 'createRecords', tableId: table.id, records: seeds });
    return seeds.map((s) => s.id);
  });
}
