/**
 * Reads: pages, counts and groups of a table, from its SQL projection only (never the docs), on the
 * read-only connection, so they see committed data only (never half of a running import).
 * A query may start from a saved view; explicit filter/sorts/groups replace the view's.
 */
import type Database from 'better-sqlite3';
import type { GroupNode, QueryPage, RecordOut } from '../../../src-shared/api/engine.dto';
import { EngineError } from '../../../src-shared/errors';
import type { FilterGroup, GroupBy, QuerySpec, Sort } from '../../../src-shared/query/query.types';
import { resolveFilter, resolveGroups, resolveSorts } from '../../../src-shared/query/query-resolve';
import type { CellValue, TableSchema } from '../../../src-shared/schema/schema.types';
import type { BaseContext } from '../base/base-context';
import { buildPageQuery, compileWhere, readPageRow } from '../query/query-compiler';
import { buildGroupTree, compileGroupQuery } from '../query/group-query';
import { projectionTable } from '../projection/projection-names';
import { viewOf } from '../schema/tables.service';

export interface QueryInput {
  table: string;
  view?: string | undefined;
  filter?: FilterGroup | null | undefined;
  sorts?: Sort[] | undefined;
  groups?: GroupBy[] | undefined;
  search?: string | undefined;
  offset?: number;
  limit?: number;
}

export function resolveQuery(ctx: BaseContext, input: QueryInput): { table: TableSchema; spec: QuerySpec } {
  const table = ctx.session.table(input.table);
  const view = input.view !== undefined ? viewOf(table, input.view) : null;
  const spec: QuerySpec = {
    filter: input.filter !== undefined ? (input.filter === null ? null : resolveFilter(table, input.filter)) : view?.filter ? resolveFilter(table, view.filter) : null,
    sorts: input.sorts !== undefined ? resolveSorts(table, input.sorts) : view ? resolveSorts(table, view.sorts) : [],
    groups: input.groups !== undefined ? resolveGroups(table, input.groups) : view ? resolveGroups(table, view.groups) : [],
  };
  if (input.search) spec.search = input.search;
  if (input.offset !== undefined) spec.offset = input.offset;
  if (input.limit !== undefined) spec.limit = input.limit;
  return { table, spec };
}

export function toRecordOut(table: TableSchema, row: Record<string, unknown>, keys: 'id' | 'name'): RecordOut {
  const page = readPageRow(table, row as Record<string, string | number | null>);
  const fields: Record<string, CellValue> = {};
  for (const f of table.fields) {
    const v = page.cells[f.id];
    if (v !== null && v !== undefined) fields[keys === 'name' ? f.name : f.id] = v;
  }
  return { id: page.id, createdAt: new Date(Number(row.created_at)).toISOString(), fields };
}

export function queryPage(ctx: BaseContext, input: QueryInput & { keys: 'id' | 'name' }, db: Database.Database = ctx.session.readDb): QueryPage {
  const { table, spec } = resolveQuery(ctx, input);
  const q = buildPageQuery(table, spec, ctx.session.now());
  const sql = q.page.sql.replace(/^SELECT rid, id, /, 'SELECT rid, id, created_at, ');
  const rows = db.prepare(sql).all(...q.page.params) as Array<Record<string, unknown>>;
  const { n } = db.prepare(q.count.sql).get(...q.count.params) as { n: number };
  return { records: rows.map((r) => toRecordOut(table, r, input.keys)), total: n, offset: spec.offset ?? 0 };
}

export function countRecords(ctx: BaseContext, input: QueryInput): number {
  const { table, spec } = resolveQuery(ctx, input);
  const where = compileWhere(table, spec, ctx.session.now());
  const sql = `SELECT COUNT(*) AS n FROM ${projectionTable(table.id)}${where.sql === '1' ? '' : ` WHERE ${where.sql}`}`;
  return (ctx.session.readDb.prepare(sql).get(...where.params) as { n: number }).n;
}

export function groupRecords(ctx: BaseContext, input: QueryInput): GroupNode[] {
  const { table, spec } = resolveQuery(ctx, input);
  const groups = spec.groups ?? [];
  if (groups.length === 0) throw new EngineError('INVALID_INPUT', `No grouping given and the view has none; pass groups, e.g. [{"field":"Status"}].`);
  const q = compileGroupQuery(table, spec, groups, ctx.session.now());
  const rows = ctx.session.readDb.prepare(q.sql).all(...q.params) as Array<Record<string, string | number | null>>;
  return buildGroupTree(q, rows);
}

export function getRecord(ctx: BaseContext, tableRef: string, id: string, keys: 'id' | 'name'): RecordOut {
  const table = ctx.session.table(tableRef);
  const cols = ['rid', 'id', 'created_at', ...table.fields.map((f) => `"c_${f.id}"`)].join(', ');
  const row = ctx.session.readDb.prepare(`SELECT ${cols} FROM ${projectionTable(table.id)} WHERE id = ?`).get(id) as Record<string, unknown> | undefined;
  if (!row) throw new EngineError('NOT_FOUND', `No record ${id} in table '${table.name}'.`);
  return toRecordOut(table, row, keys);
}
