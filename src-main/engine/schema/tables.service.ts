/** Tables and views: create, rename, reorder, delete — each one undoable change. */
import { keyBetween } from '../../../src-shared/docs/order-key';
import { orderKeys } from '../../../src-shared/docs/schema-doc';
import { EngineError } from '../../../src-shared/errors';
import { newId } from '../../../src-shared/ids';
import type { BaseSchema, FieldSchema, TableSchema, ViewSchema } from '../../../src-shared/schema/schema.types';
import type { FilterGroup, GroupBy, Sort } from '../../../src-shared/query/query.types';
import { resolveFieldRef, resolveFilter, resolveGroups, resolveSorts } from '../../../src-shared/query/query-resolve';
import { change, type BaseContext } from '../base/base-context';
import { assertNameFree, freeName } from './schema-names';
import { buildField, type FieldInput } from './fields.service';

export function createTable(ctx: BaseContext, name: string, fields?: FieldInput[]): TableSchema {
  const schema = ctx.session.schema();
  assertNameFree('A table named', name, schema.tables);
  const built: FieldSchema[] = [];
  for (const f of fields && fields.length > 0 ? fields : [{ name: 'Name', type: 'singleLineText' as const }]) {
    assertNameFree(`Field`, f.name, built);
    built.push(buildField(f));
  }
  const id = newId('tbl');
  const keys = orderKeys(ctx.session.schemaDoc, null, 'tables');
  const order = keyBetween(keys.at(-1)?.order ?? null, null);
  const view: ViewSchema = { id: newId('viw'), name: 'Grid view', filter: null, sorts: [], groups: [], hidden: [], fieldOrder: [], widths: {} };
  change(ctx, `Create table '${name}'`, (w, apply) =>
    apply({ op: 'createTable', table: { id, name, fields: built, views: [view] }, order, shards: [], createdAt: w.now }),
  );
  return ctx.session.table(id);
}

export function renameTable(ctx: BaseContext, ref: string, name: string): TableSchema {
  const table = ctx.session.table(ref);
  assertNameFree('A table named', name, ctx.session.schema().tables, table.id);
  change(ctx, `Rename table '${table.name}'`, (_w, apply) => apply({ op: 'updateTable', tableId: table.id, name }));
  return ctx.session.table(table.id);
}

export function moveTable(ctx: BaseContext, ref: string, beforeRef: string | null): BaseSchema {
  const table = ctx.session.table(ref);
  const keys = orderKeys(ctx.session.schemaDoc, null, 'tables').filter((k) => k.id !== table.id);
  const order = placeBefore(keys, beforeRef === null ? null : ctx.session.table(beforeRef).id);
  change(ctx, `Move table '${table.name}'`, (_w, apply) => apply({ op: 'updateTable', tableId: table.id, order }));
  return ctx.session.schema();
}

/** An order key placing an item before `beforeId` among `keys` (null: at the end). */
export function placeBefore(keys: ReadonlyArray<{ id: string; order: string }>, beforeId: string | null): string {
  if (beforeId === null) return keyBetween(keys.at(-1)?.order ?? null, null);
  const i = keys.findIndex((k) => k.id === beforeId);
  if (i < 0) throw new EngineError('NOT_FOUND', `No item ${beforeId} to move before.`);
  const lo = keys[i - 1]?.order ?? null;
  const hi = keys[i]!.order;
  // Concurrent inserts can leave equal keys; placing between equals falls back to just before hi.
  return lo !== null && lo < hi ? keyBetween(lo, hi) : keyBetween(null, hi);
}

export function deleteTable(ctx: BaseContext, ref: string): void {
  const table = ctx.session.table(ref);
  change(ctx, `Delete table '${table.name}'`, (_w, apply) => apply({ op: 'deleteTable', tableId: table.id }));
}

export interface ViewInput {
  name?: string;
  filter?: FilterGroup | null;
  sorts?: Sort[];
  groups?: GroupBy[];
  hidden?: string[];
  fieldOrder?: string[];
  widths?: Record<string, number>;
}

/** A view patch with every field reference resolved to a field id and checked. */
function resolveView(table: TableSchema, input: ViewInput): Partial<Omit<ViewSchema, 'id'>> {
  const out: Partial<Omit<ViewSchema, 'id'>> = {};
  if (input.name !== undefined) out.name = input.name;
  if (input.filter !== undefined) out.filter = input.filter === null ? null : resolveFilter(table, input.filter);
  if (input.sorts !== undefined) out.sorts = resolveSorts(table, input.sorts);
  if (input.groups !== undefined) out.groups = resolveGroups(table, input.groups);
  if (input.hidden !== undefined) out.hidden = [...new Set(input.hidden.map((r) => resolveFieldRef(table, r).id))];
  if (input.fieldOrder !== undefined) out.fieldOrder = [...new Set(input.fieldOrder.map((r) => resolveFieldRef(table, r).id))];
  if (input.widths !== undefined) {
    out.widths = Object.fromEntries(Object.entries(input.widths).map(([r, px]) => [resolveFieldRef(table, r).id, px]));
  }
  return out;
}

export function viewOf(table: TableSchema, ref: string): ViewSchema {
  const v = table.views.find((x) => x.id === ref) ?? table.views.find((x) => x.name === ref) ?? table.views.find((x) => x.name.toLowerCase() === ref.toLowerCase());
  if (!v) throw new EngineError('NOT_FOUND', `No view '${ref}' in table '${table.name}'.`);
  return v;
}

export function createView(ctx: BaseContext, tableRef: string, input: ViewInput & { name: string }): ViewSchema {
  const table = ctx.session.table(tableRef);
  assertNameFree('A view named', input.name, table.views);
  const props = resolveView(table, input);
  const view: ViewSchema = { id: newId('viw'), name: input.name, filter: null, sorts: [], groups: [], hidden: [], fieldOrder: [], widths: {}, ...props };
  const keys = orderKeys(ctx.session.schemaDoc, table.id, 'views');
  const order = keyBetween(keys.at(-1)?.order ?? null, null);
  change(ctx, `Create view '${view.name}'`, (_w, apply) => apply({ op: 'createView', tableId: table.id, view, order }));
  return viewOf(ctx.session.table(table.id), view.id);
}

export function updateView(ctx: BaseContext, tableRef: string, viewRef: string, input: ViewInput): ViewSchema {
  const table = ctx.session.table(tableRef);
  const view = viewOf(table, viewRef);
  if (input.name !== undefined) assertNameFree('A view named', input.name, table.views, view.id);
  const patch = resolveView(table, input);
  change(ctx, `Change view '${view.name}'`, (_w, apply) => apply({ op: 'updateView', tableId: table.id, viewId: view.id, patch }));
  return viewOf(ctx.session.table(table.id), view.id);
}

export function deleteView(ctx: BaseContext, tableRef: string, viewRef: string): void {
  const table = ctx.session.table(tableRef);
  const view = viewOf(table, viewRef);
  if (table.views.length === 1) throw new EngineError('INVALID_INPUT', `'${view.name}' is the only view of '${table.name}'; a table keeps at least one view.`);
  change(ctx, `Delete view '${view.name}'`, (_w, apply) => apply({ op: 'deleteView', tableId: table.id, viewId: view.id }));
}

export { freeName };
