/**
 * A table's drawing mapping: which field each value read from a drawing goes into (keys and the
 * field types they take in src-shared/schema/drawing-mapping.ts). Stored with the table in the
 * schema doc, changed as one undoable change like any schema edit.
 *
 * The first drop on a table without a mapping suggests one: the table's first attachment field (or
 * a new "Drawing") for the files, and fields named "Drawing No", "Title", "Revision", "Material"
 * and "Scale" for those title block values, made as single line text where missing; a field of
 * such a name that cannot take its value is left out. Fields and mapping are one change.
 */
import type { DrawingMappingInfo } from '../../../src-shared/api/engine.dto';
import { orderKeys } from '../../../src-shared/docs/schema-doc';
import { EngineError } from '../../../src-shared/errors';
import { getFieldType } from '../../../src-shared/fields/field-registry';
import { resolveFieldRef } from '../../../src-shared/query/query-resolve';
import {
  DRAWING_KEY_INFO, DRAWING_KEYS, SUGGESTED_ATTACHMENT_FIELD, SUGGESTED_DRAWING_FIELDS, fieldTakesKey, type DrawingKey, type DrawingMappingEntry,
} from '../../../src-shared/schema/drawing-mapping';
import type { FieldSchema, FieldType, TableSchema } from '../../../src-shared/schema/schema.types';
import { change, type BaseContext } from '../base/base-context';
import { buildField } from '../schema/fields.service';
import { freeName } from '../schema/schema-names';
import { placeBefore } from '../schema/tables.service';
import type { ValueKey } from './drawing-values';

/** A mapping with its fields: where the files go, and where each value goes. */
export interface ResolvedMapping {
  table: TableSchema;
  attachment: FieldSchema | null;
  values: Array<{ key: ValueKey; field: FieldSchema }>;
}

export function resolveMapping(table: TableSchema, entries: readonly DrawingMappingEntry[] = table.drawingMapping ?? []): ResolvedMapping {
  const byId = new Map(table.fields.map((f) => [f.id, f]));
  const out: ResolvedMapping = { table, attachment: null, values: [] };
  for (const e of entries) {
    const field = byId.get(e.field);
    if (!field) continue;
    if (e.key === 'attachment') out.attachment = field;
    else out.values.push({ key: e.key, field });
  }
  return out;
}

/** What the first drop would map among the fields the table has (it creates the missing ones). */
function suggestion(table: TableSchema): DrawingMappingEntry[] {
  const out: DrawingMappingEntry[] = [];
  const attachment = table.fields.find((f) => f.type === 'attachment');
  if (attachment) out.push({ key: 'attachment', field: attachment.id });
  for (const [key, name] of SUGGESTED_DRAWING_FIELDS) {
    const field = table.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (field && fieldTakesKey(key, field.type)) out.push({ key, field: field.id });
  }
  return out;
}

export function mappingInfo(ctx: BaseContext, tableRef: string): DrawingMappingInfo {
  const table = ctx.session.table(tableRef);
  return {
    table: table.id,
    saved: table.drawingMapping !== undefined,
    mapping: table.drawingMapping ?? suggestion(table),
    keys: DRAWING_KEYS.map((key) => ({ key, label: DRAWING_KEY_INFO[key].label, fieldTypes: [...DRAWING_KEY_INFO[key].fieldTypes] })),
    fields: table.fields.map((f) => ({ id: f.id, name: f.name, type: f.type })),
  };
}

const typeLabel = (type: FieldType): string => getFieldType(type).label.toLowerCase();

function checkEntry(key: DrawingKey, field: FieldSchema): void {
  if (fieldTakesKey(key, field.type)) return;
  if (key === 'attachment') throw new EngineError('INVALID_INPUT', `The drawing files go into an attachment field; '${field.name}' is ${typeLabel(field.type)}.`, { key, field: field.id });
  const takes = DRAWING_KEY_INFO[key].fieldTypes.map(typeLabel).join(', ');
  throw new EngineError('INVALID_INPUT', `${DRAWING_KEY_INFO[key].label} can't go into '${field.name}' (${typeLabel(field.type)}); it goes into a field of type ${takes}.`, {
    key,
    field: field.id,
  });
}

/** Saves a table's mapping after checking every entry; one undo step. */
export function setMapping(ctx: BaseContext, tableRef: string, input: ReadonlyArray<{ key: DrawingKey; field: string }>): DrawingMappingInfo {
  const table = ctx.session.table(tableRef);
  const entries: DrawingMappingEntry[] = [];
  const keyOfField = new Map<string, DrawingKey>();
  for (const e of input) {
    const field = resolveFieldRef(table, e.field);
    if (entries.some((x) => x.key === e.key)) throw new EngineError('INVALID_INPUT', `${DRAWING_KEY_INFO[e.key].label} is mapped twice; map it to one field.`, { key: e.key });
    const other = keyOfField.get(field.id);
    if (other) {
      throw new EngineError('INVALID_INPUT', `'${field.name}' is mapped twice (${DRAWING_KEY_INFO[other].label} and ${DRAWING_KEY_INFO[e.key].label}); a field takes one value.`, {
        field: field.id,
      });
    }
    checkEntry(e.key, field);
    keyOfField.set(field.id, e.key);
    entries.push({ key: e.key, field: field.id });
  }
  entries.sort((a, b) => DRAWING_KEYS.indexOf(a.key) - DRAWING_KEYS.indexOf(b.key));
  change(ctx, `Change drawing mapping of '${table.name}'`, (_w, apply) => apply({ op: 'updateTable', tableId: table.id, drawingMapping: entries }));
  return mappingInfo(ctx, table.id);
}

/**
 * The mapping a drop uses: the saved one, or the suggestion (fields made where missing, mapping
 * saved). A mapping without an attachment field gets the table's first one, or a new "Drawing".
 * One change when anything is made; none when the saved mapping is complete.
 */
export function mappingForDrop(ctx: BaseContext, tableRef: string): ResolvedMapping {
  const table = ctx.session.table(tableRef);
  const saved = table.drawingMapping;
  const current = saved ? resolveMapping(table, saved) : null;
  if (current?.attachment) return current;
  change(ctx, saved ? `Change drawing mapping of '${table.name}'` : `Add drawing fields to '${table.name}'`, (_w, apply) => {
    const fields = [...table.fields];
    const add = (name: string, type: FieldType): FieldSchema => {
      const field = buildField({ name: freeName(name, fields), type });
      apply({ op: 'createField', tableId: table.id, field, order: placeBefore(orderKeys(ctx.session.schemaDoc, table.id, 'fields'), null), restore: false });
      fields.push(field);
      return field;
    };
    const entries: DrawingMappingEntry[] = saved ? [...saved] : [];
    const attachment = table.fields.find((f) => f.type === 'attachment') ?? add(SUGGESTED_ATTACHMENT_FIELD, 'attachment');
    entries.unshift({ key: 'attachment', field: attachment.id });
    if (!saved) {
      for (const [key, name] of SUGGESTED_DRAWING_FIELDS) {
        const existing = table.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
        if (!existing) entries.push({ key, field: add(name, 'singleLineText').id });
        else if (fieldTakesKey(key, existing.type)) entries.push({ key, field: existing.id });
      }
    }
    apply({ op: 'updateTable', tableId: table.id, drawingMapping: entries });
  });
  return resolveMapping(ctx.session.table(table.id));
}
