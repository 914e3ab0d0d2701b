/**
 * Fields: create, rename, retype, reorder, delete. A type change converts every cell in the same
 * change, reports what could not convert, and is one undo step (undo restores type and values).
 */
import { orderKeys } from '../../../src-shared/docs/schema-doc';
import { readRecord, recordIds } from '../../../src-shared/docs/table-doc';
import { EngineError } from '../../../src-shared/errors';
import { newId } from '../../../src-shared/ids';
import { getFieldType } from '../../../src-shared/fields/field-registry';
import { choicesForConversion, conversionChoiceNames, convertCell } from '../../../src-shared/fields/convert';
import type { FieldChangeReport } from '../../../src-shared/api/engine.dto';
import type { CellValue, FieldSchema, FieldType, SelectChoice, TableSchema } from '../../../src-shared/schema/schema.types';
import { resolveFieldRef } from '../../../src-shared/query/query-resolve';
import { change, type BaseContext } from '../base/base-context';
import type { CellWrite } from '../ops/ops';
import { assertNameFree } from './schema-names';
import { placeBefore } from './tables.service';

export interface FieldInput {
  name: string;
  type: FieldType;
  options?: unknown;
  description?: string;
}

function normalizeOptions(type: FieldType, input: unknown, fieldName: string): FieldSchema['options'] {
  const r = getFieldType(type).normalizeOptions(input ?? {});
  if (!r.ok) throw new EngineError('INVALID_INPUT', `Field '${fieldName}': ${r.message}`);
  return r.value;
}

export function buildField(input: FieldInput): FieldSchema {
  return {
    id: newId('fld'),
    name: input.name,
    type: input.type,
    options: normalizeOptions(input.type, input.options, input.name),
    description: input.description ?? '',
  };
}

export function fieldOf(table: TableSchema, ref: string): FieldSchema {
  return resolveFieldRef(table, ref);
}

export function createField(ctx: BaseContext, tableRef: string, input: FieldInput & { before?: string | null }): FieldSchema {
  const table = ctx.session.table(tableRef);
  assertNameFree(`A field named`, input.name, table.fields);
  const field = buildField(input);
  const keys = orderKeys(ctx.session.schemaDoc, table.id, 'fields');
  const order = placeBefore(keys, input.before ? fieldOf(table, input.before).id : null);
  change(ctx, `Add field '${field.name}'`, (_w, apply) => apply({ op: 'createField', tableId: table.id, field, order, restore: false }));
  return fieldOf(ctx.session.table(table.id), field.id);
}

export function moveField(ctx: BaseContext, tableRef: string, fieldRef: string, beforeRef: string | null): TableSchema {
  const table = ctx.session.table(tableRef);
  const field = fieldOf(table, fieldRef);
  const keys = orderKeys(ctx.session.schemaDoc, table.id, 'fields').filter((k) => k.id !== field.id);
  const order = placeBefore(keys, beforeRef === null ? null : fieldOf(table, beforeRef).id);
  change(ctx, `Move field '${field.name}'`, (_w, apply) => apply({ op: 'updateField', tableId: table.id, fieldId: field.id, patch: { order } }));
  return ctx.session.table(table.id);
}

export function deleteField(ctx: BaseContext, tableRef: string, fieldRef: string): void {
  const table = ctx.session.table(tableRef);
  const field = fieldOf(table, fieldRef);
  if (table.fields[0]?.id === field.id) {
    throw new EngineError('INVALID_INPUT', `'${field.name}' is the primary field of '${table.name}' and can't be deleted; move another field first to make it primary.`);
  }
  change(ctx, `Delete field '${field.name}'`, (_w, apply) => apply({ op: 'deleteField', tableId: table.id, fieldId: field.id }));
}

export interface FieldPatchInput {
  name?: string;
  type?: FieldType;
  options?: unknown;
  description?: string;
}

/**
 * Select choices given by name keep the id of the existing choice of that name, so cells (which
 * store choice ids) keep their value when options are edited without ids.
 */
export function keepChoiceIds(input: unknown, field: FieldSchema): unknown {
  if (field.type !== 'singleSelect' && field.type !== 'multipleSelect') return input;
  if (typeof input !== 'object' || input === null || !Array.isArray((input as { choices?: unknown }).choices)) return input;
  const existing = (field.options as { choices: SelectChoice[] }).choices;
  const byName = new Map(existing.map((c) => [c.name, c]));
  const choices = ((input as { choices: unknown[] }).choices).map((c) => {
    const given = typeof c === 'string' ? { name: c } : c;
    if (typeof given !== 'object' || given === null || 'id' in given) return given;
    const name = (given as { name?: unknown }).name;
    const match = typeof name === 'string' ? byName.get(name.trim()) : undefined;
    return match ? { color: match.color, ...given, id: match.id } : given;
  });
  return { ...(input as object), choices };
}

interface Conversion {
  target: FieldSchema;
  cells: CellWrite[];
  converted: number;
  failed: number;
  failures: FieldChangeReport['failures'];
}

/** Every cell of `field` as stored (computed fields: their computed value). */
function* cellsOf(ctx: BaseContext, table: TableSchema, field: FieldSchema): Generator<{ recordId: string; value: CellValue }> {
  const def = getFieldType(field.type);
  for (const docId of ctx.session.shardDocIds(table.id)) {
    const doc = ctx.session.docs.get(docId);
    for (const rid of recordIds(doc)) {
      const rec = readRecord(doc, rid, [field.id]);
      if (!rec) continue;
      const value = def.computed && def.compute ? def.compute({ createdAt: rec.createdAt, editedAt: rec.editedAt, autonumber: rec.autonumber }, field) : rec.values[field.id];
      if (value !== null && value !== undefined) yield { recordId: rid, value };
    }
  }
}

/** Works out a type change: the target field (with choices created for selects) and every cell's new value. */
function planConversion(ctx: BaseContext, table: TableSchema, field: FieldSchema, type: FieldType, optionsInput: unknown): Conversion {
  let options = normalizeOptions(type, optionsInput, field.name);
  const targetDef = getFieldType(type);
  if ((type === 'singleSelect' || type === 'multipleSelect') && optionsInput === undefined) {
    const names: string[] = [];
    const seen = new Set<string>();
    for (const { value } of cellsOf(ctx, table, field)) {
      for (const n of conversionChoiceNames(value, field, type)) {
        if (!seen.has(n)) {
          seen.add(n);
          names.push(n);
        }
      }
      if (names.length >= 1000) break;
    }
    const existing = field.type === 'singleSelect' || field.type === 'multipleSelect' ? (field.options as { choices: SelectChoice[] }).choices : [];
    options = { choices: choicesForConversion(names, existing) } as FieldSchema['options'];
  }
  const target: FieldSchema = { ...field, type, options };
  const conv: Conversion = { target, cells: [], converted: 0, failed: 0, failures: [] };
  if (targetDef.computed) return conv;
  for (const { recordId, value } of cellsOf(ctx, table, field)) {
    const r = convertCell(value, field, target);
    if (r.ok && r.value !== null) {
      conv.converted++;
      if (JSON.stringify(r.value) !== JSON.stringify(value)) conv.cells.push({ recordId, fieldId: field.id, value: r.value });
    } else {
      conv.failed++;
      conv.cells.push({ recordId, fieldId: field.id, value: null });
      if (conv.failures.length < 5) {
        const shown = getFieldType(field.type).format(value, field.options).slice(0, 40);
        conv.failures.push({ recordId, value: shown, message: r.ok ? `'${shown}' has no ${targetDef.label.toLowerCase()} equivalent` : r.message });
      }
    }
  }
  return conv;
}

export function previewFieldChange(ctx: BaseContext, tableRef: string, fieldRef: string, type: FieldType, options?: unknown): Omit<FieldChangeReport, 'field'> {
  const table = ctx.session.table(tableRef);
  const field = fieldOf(table, fieldRef);
  const c = planConversion(ctx, table, field, type, options);
  ctx.session.unloadIdle(0);
  return { converted: c.converted, failed: c.failed, failures: c.failures };
}

export function updateField(ctx: BaseContext, tableRef: string, fieldRef: string, patch: FieldPatchInput): FieldChangeReport {
  const table = ctx.session.table(tableRef);
  const field = fieldOf(table, fieldRef);
  if (patch.name !== undefined) assertNameFree('A field named', patch.name, table.fields, field.id);
  const retype = patch.type !== undefined && patch.type !== field.type;
  const report: FieldChangeReport = { field, converted: 0, failed: 0, failures: [] };
  change(ctx, retype ? `Change type of '${field.name}'` : `Change field '${field.name}'`, (_w, apply) => {
    const meta: { name?: string; description?: string } = {};
    if (patch.name !== undefined) meta.name = patch.name;
    if (patch.description !== undefined) meta.description = patch.description;
    if (Object.keys(meta).length > 0) apply({ op: 'updateField', tableId: table.id, fieldId: field.id, patch: meta });
    if (retype) {
      const c = planConversion(ctx, table, field, patch.type!, patch.options);
      apply({ op: 'updateField', tableId: table.id, fieldId: field.id, patch: { type: c.target.type, options: c.target.options } });
      if (c.cells.length > 0) apply({ op: 'setCells', tableId: table.id, cells: c.cells });
      report.converted = c.converted;
      report.failed = c.failed;
      report.failures = c.failures;
    } else if (patch.options !== undefined) {
      const options = normalizeOptions(field.type, keepChoiceIds(patch.options, field), field.name);
      // Written with the type, so a concurrent retype elsewhere wins or loses both keys together.
      apply({ op: 'updateField', tableId: table.id, fieldId: field.id, patch: { type: field.type, options } });
    }
  });
  report.field = fieldOf(ctx.session.table(table.id), field.id);
  return report;
}
