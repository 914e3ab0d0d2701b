/**
 * The schema document of a base: tables, fields, views and the shard list of each table.
 *
 *   root Y.Map 'tables': tableId → Y.Map {
 *     name: string, order: string (order key), createdAt: number,
 *     drawingMapping?: JSON [{ key, field }] (records from drawings; see ../schema/drawing-mapping.ts),
 *     fields: Y.Map fieldId → Y.Map { name, type, options (JSON), description, order },
 *     views:  Y.Map viewId  → Y.Map { name, order, filter, sorts, groups, hidden, fieldOrder, widths },
 *     shards: Y.Map shardId → { createdAt: number }
 *   }
 *
 * Every property is its own map key, so concurrent edits of different properties (a rename and a
 * retype of one field) both survive; the same property is last-writer-wins.
 * Callers run mutators inside `doc.transact(fn, origin)`.
 */
import * as Y from 'yjs';
import type { BaseSchema, FieldOptions, FieldSchema, FieldType, TableSchema, ViewSchema } from '../schema/schema.types';
import { FIELD_TYPES } from '../schema/schema.types';
import { compareByOrder } from './order-key';
import { isId } from '../ids';
import { getFieldType } from '../fields/field-registry';
import { readDrawingMapping, type DrawingMappingEntry } from '../schema/drawing-mapping';

export const SCHEMA_DOC_ID = 'schema';

export function tablesMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap('tables');
}

function sub(map: Y.Map<unknown>, key: 'fields' | 'views' | 'shards'): Y.Map<unknown> {
  const v = map.get(key);
  if (!(v instanceof Y.Map)) throw new Error(`schema doc: table is missing '${key}'`);
  return v as Y.Map<unknown>;
}

export function tableMap(doc: Y.Doc, tableId: string): Y.Map<unknown> | undefined {
  return tablesMap(doc).get(tableId);
}

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : fallback;
}
function json<T>(v: unknown, fallback: T): T {
  return v === undefined || v === null ? fallback : (v as T);
}

function readField(id: string, m: Y.Map<unknown>): (FieldSchema & { order: string }) | null {
  const type = m.get('type');
  if (typeof type !== 'string' || !(FIELD_TYPES as readonly string[]).includes(type)) return null;
  // Type and options are separate keys, so concurrent edits (a retype here, an options change
  // there) can merge into options that do not fit the type; such options read as the type's
  // normalization of them, or its defaults. The same on every replica.
  const def = getFieldType(type as FieldType);
  const normalized = def.normalizeOptions(json(m.get('options'), {}));
  return {
    id,
    name: str(m.get('name'), id),
    type: type as FieldType,
    options: (normalized.ok ? normalized.value : def.defaultOptions()) as FieldOptions,
    description: str(m.get('description')),
    order: str(m.get('order'), 'V'),
  };
}

function readView(id: string, m: Y.Map<unknown>): ViewSchema & { order: string } {
  return {
    id,
    name: str(m.get('name'), id),
    filter: json(m.get('filter'), null),
    sorts: json(m.get('sorts'), []),
    groups: json(m.get('groups'), []),
    hidden: json(m.get('hidden'), []),
    fieldOrder: json(m.get('fieldOrder'), []),
    widths: json(m.get('widths'), {}),
    order: str(m.get('order'), 'V'),
  };
}

function strip<T extends { order: string }>(x: T): Omit<T, 'order'> {
  const { order: _order, ...rest } = x;
  return rest;
}

export function readTable(id: string, m: Y.Map<unknown>): TableSchema & { order: string } {
  const fields: Array<FieldSchema & { order: string }> = [];
  sub(m, 'fields').forEach((f, fid) => {
    if (f instanceof Y.Map && isId(fid, 'fld')) {
      const field = readField(fid, f as Y.Map<unknown>);
      if (field) fields.push(field);
    }
  });
  const views: Array<ViewSchema & { order: string }> = [];
  sub(m, 'views').forEach((v, vid) => {
    if (v instanceof Y.Map && isId(vid, 'viw')) views.push(readView(vid, v as Y.Map<unknown>));
  });
  fields.sort(compareByOrder);
  views.sort(compareByOrder);
  const table: TableSchema & { order: string } = {
    id,
    name: str(m.get('name'), id),
    fields: fields.map((f) => strip(f) as FieldSchema),
    views: views.map((v) => strip(v) as ViewSchema),
    order: str(m.get('order'), 'V'),
  };
  const mapping = readDrawingMapping(m.get('drawingMapping'), table.fields);
  if (mapping) table.drawingMapping = mapping;
  return table;
}

function hasSubs(t: Y.Map<unknown>): boolean {
  return t.get('fields') instanceof Y.Map && t.get('views') instanceof Y.Map && t.get('shards') instanceof Y.Map;
}

/** A plain snapshot of the whole schema, tables/fields/views in display order. */
export function readSchema(doc: Y.Doc): BaseSchema {
  const tables: Array<TableSchema & { order: string }> = [];
  // Ids come from peers too: anything malformed is ignored rather than trusted (ids name SQL objects).
  tablesMap(doc).forEach((t, id) => {
    if (t instanceof Y.Map && isId(id, 'tbl') && hasSubs(t)) tables.push(readTable(id, t));
  });
  tables.sort(compareByOrder);
  return { tables: tables.map((t) => strip(t) as TableSchema) };
}

/** Order keys as stored, for placing new items. */
export function orderKeys(doc: Y.Doc, tableId: string | null, kind: 'tables' | 'fields' | 'views'): Array<{ id: string; order: string }> {
  const out: Array<{ id: string; order: string }> = [];
  const container = tableId === null ? tablesMap(doc) : sub(tableMap(doc, tableId)!, kind as 'fields' | 'views');
  container.forEach((v, id) => {
    if (v instanceof Y.Map) out.push({ id, order: str(v.get('order'), 'V') });
  });
  return out.sort(compareByOrder);
}

export function addTable(doc: Y.Doc, id: string, name: string, order: string, createdAt: number): void {
  const t = new Y.Map<unknown>();
  tablesMap(doc).set(id, t);
  t.set('name', name);
  t.set('order', order);
  t.set('createdAt', createdAt);
  t.set('fields', new Y.Map());
  t.set('views', new Y.Map());
  t.set('shards', new Y.Map());
}

/** Puts back a deleted table exactly as it was (undo). Records stay in their shard docs. */
export function restoreTable(doc: Y.Doc, table: TableSchema, order: string, shards: string[], createdAt: number): void {
  addTable(doc, table.id, table.name, order, createdAt);
  let i = 0;
  for (const f of table.fields) addField(doc, table.id, f, String(i++).padStart(6, '0') + 'V');
  let j = 0;
  for (const v of table.views) addView(doc, table.id, v, String(j++).padStart(6, '0') + 'V');
  for (const s of shards) addShard(doc, table.id, s, createdAt);
  if (table.drawingMapping) tableMap(doc, table.id)!.set('drawingMapping', table.drawingMapping);
}

/** `drawingMapping: null` removes the table's mapping. */
export function setTableProps(doc: Y.Doc, tableId: string, props: { name?: string; order?: string; drawingMapping?: DrawingMappingEntry[] | null }): void {
  const t = requireTable(doc, tableId);
  if (props.name !== undefined) t.set('name', props.name);
  if (props.order !== undefined) t.set('order', props.order);
  if (props.drawingMapping === null) t.delete('drawingMapping');
  else if (props.drawingMapping !== undefined) t.set('drawingMapping', props.drawingMapping);
}

/** The table's drawing mapping as stored (entries not checked against its fields), null when none. */
export function storedDrawingMapping(doc: Y.Doc, tableId: string): DrawingMappingEntry[] | null {
  const v = requireTable(doc, tableId).get('drawingMapping');
  return Array.isArray(v) ? (v as DrawingMappingEntry[]) : null;
}

export function deleteTable(doc: Y.Doc, tableId: string): void {
  tablesMap(doc).delete(tableId);
}

function requireTable(doc: Y.Doc, tableId: string): Y.Map<unknown> {
  const t = tableMap(doc, tableId);
  if (!t) throw new Error(`schema doc: no table ${tableId}`);
  return t;
}

export function addField(doc: Y.Doc, tableId: string, field: FieldSchema, order: string): void {
  const m = new Y.Map<unknown>();
  sub(requireTable(doc, tableId), 'fields').set(field.id, m);
  m.set('name', field.name);
  m.set('type', field.type);
  m.set('options', field.options);
  m.set('description', field.description);
  m.set('order', order);
}

export function fieldOrder(doc: Y.Doc, tableId: string, fieldId: string): string | undefined {
  const f = sub(requireTable(doc, tableId), 'fields').get(fieldId);
  return f instanceof Y.Map ? str(f.get('order')) : undefined;
}

export function updateField(
  doc: Y.Doc,
  tableId: string,
  fieldId: string,
  patch: Partial<Pick<FieldSchema, 'name' | 'type' | 'options' | 'description'>> & { order?: string },
): void {
  const f = sub(requireTable(doc, tableId), 'fields').get(fieldId);
  if (!(f instanceof Y.Map)) throw new Error(`schema doc: no field ${fieldId}`);
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) f.set(k, v);
}

export function deleteField(doc: Y.Doc, tableId: string, fieldId: string): void {
  sub(requireTable(doc, tableId), 'fields').delete(fieldId);
}

export function addView(doc: Y.Doc, tableId: string, view: ViewSchema, order: string): void {
  const m = new Y.Map<unknown>();
  sub(requireTable(doc, tableId), 'views').set(view.id, m);
  const { id: _id, ...props } = view;
  for (const [k, v] of Object.entries(props)) m.set(k, v);
  m.set('order', order);
}

export function updateView(doc: Y.Doc, tableId: string, viewId: string, patch: Partial<Omit<ViewSchema, 'id'>> & { order?: string }): void {
  const v = sub(requireTable(doc, tableId), 'views').get(viewId);
  if (!(v instanceof Y.Map)) throw new Error(`schema doc: no view ${viewId}`);
  for (const [k, val] of Object.entries(patch)) if (val !== undefined) v.set(k, val);
}

export function deleteView(doc: Y.Doc, tableId: string, viewId: string): void {
  sub(requireTable(doc, tableId), 'views').delete(viewId);
}

export function viewOrder(doc: Y.Doc, tableId: string, viewId: string): string | undefined {
  const v = sub(requireTable(doc, tableId), 'views').get(viewId);
  return v instanceof Y.Map ? str(v.get('order')) : undefined;
}

export function addShard(doc: Y.Doc, tableId: string, shardId: string, createdAt: number): void {
  sub(requireTable(doc, tableId), 'shards').set(shardId, { createdAt });
}

export function listShards(doc: Y.Doc, tableId: string): string[] {
  const t = tableMap(doc, tableId);
  if (!t) return [];
  return [...sub(t, 'shards').keys()].sort();
}

export function tableCreatedAt(doc: Y.Doc, tableId: string): number {
  const v = requireTable(doc, tableId).get('createdAt');
  return typeof v === 'number' ? v : 0;
}
