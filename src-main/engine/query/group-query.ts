/**
 * Grouped counts of a query: one SQL statement returns every distinct combination of group keys
 * (up to MAX_GROUP_LEVELS levels) with its record count, ordered level by level; `buildGroupTree`
 * folds those rows into the nested tree the API returns, summing counts upwards.
 *
 * Group keys compare as the column does: TEXT columns are NOCASE, so 'Bolt' and 'bolt' are one
 * group (shown with either spelling); NULL is its own group, first ascending and last descending.
 * Multiple-select cells group by their whole set of options.
 */
import { EngineError } from '../../../src-shared/errors';
import { getFieldType } from '../../../src-shared/fields/field-registry';
import type { FieldTypeDef, SqlValue } from '../../../src-shared/fields/field-type';
import { MAX_GROUP_LEVELS } from '../../../src-shared/query/query.schema';
import type { GroupBy, QuerySpec } from '../../../src-shared/query/query.types';
import type { CellValue, FieldSchema, TableSchema } from '../../../src-shared/schema/schema.types';
import { fieldColumn, projectionTable } from '../projection/projection-names';
import { compileWhere } from './query-compiler';
import { fieldById } from './sql-fragment';
import type { SqlFragment } from './sql-fragment';

export interface GroupNode {
  /** The group's value in its API JSON form (the registry's fromSql); null for empty cells. */
  key: CellValue | null;
  count: number;
  /** Present on every level but the last. */
  children?: GroupNode[];
}

export interface GroupQuery extends SqlFragment {
  /** The field of each level; row column `k<i>` holds level i's key, `n` the count. */
  levels: FieldSchema[];
}

export type GroupRow = Record<string, SqlValue>;

/** SQL returning rows `{ k0, k1, …, n }` for the query's filter and search, grouped by `groups`. */
export function compileGroupQuery(
  table: TableSchema,
  spec: Pick<QuerySpec, 'filter' | 'search'>,
  groups: readonly GroupBy[],
  now: number,
): GroupQuery {
  if (groups.length === 0) throw new EngineError('INVALID_INPUT', 'Grouping needs at least one group level');
  if (groups.length > MAX_GROUP_LEVELS)
    throw new EngineError('INVALID_INPUT', `At most ${MAX_GROUP_LEVELS} group levels are allowed, got ${groups.length}`);
  const levels = groups.map((g) => fieldById(table, g.field));
  const cols = levels.map((f) => fieldColumn(f.id));
  const where = compileWhere(table, spec, now);
  const keys = cols.map((c, i) => `${c} AS k${i}`).join(', ');
  const orderBy = cols.map((c, i) => `${c} ${groups[i]?.direction === 'desc' ? 'DESC' : 'ASC'}`).join(', ');
  const sql =
    `SELECT ${keys}, COUNT(*) AS n FROM ${projectionTable(table.id)}` +
    `${where.sql === '1' ? '' : ` WHERE ${where.sql}`} GROUP BY ${cols.join(', ')} ORDER BY ${orderBy}`;
  return { sql, params: where.params, levels };
}

/** ASCII-only case folding, as SQLite's NOCASE collation does it. */
function foldAscii(text: string): string {
  return text.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

function sameKey(a: SqlValue, b: SqlValue, nocase: boolean): boolean {
  if (nocase && typeof a === 'string' && typeof b === 'string') return foldAscii(a) === foldAscii(b);
  return a === b;
}

/** Folds the ordered rows of a group query into a tree of `{ key, count, children }`. */
export function buildGroupTree(query: GroupQuery, rows: readonly GroupRow[]): GroupNode[] {
  const defs = query.levels.map((f) => getFieldType(f.type) as FieldTypeDef);
  const roots: GroupNode[] = [];
  // The raw key of the newest node at each level; rows arrive ordered, so a group's rows are adjacent.
  const path: { raw: SqlValue; node: GroupNode }[] = [];
  for (const row of rows) {
    const n = Number(row.n ?? 0);
    let siblings = roots;
    let diverged = false;
    for (let level = 0; level < query.levels.length; level++) {
      const field = query.levels[level] as FieldSchema;
      const def = defs[level] as FieldTypeDef;
      const raw = row[`k${level}`] ?? null;
      const current = path[level];
      if (diverged || !current || !sameKey(current.raw, raw, def.sqlType === 'TEXT')) {
        diverged = true;
        const node: GroupNode = { key: def.fromSql(raw, field.options), count: 0 };
        if (level < query.levels.length - 1) node.children = [];
        siblings.push(node);
        path[level] = { raw, node };
      }
      const entry = path[level] as { node: GroupNode };
      entry.node.count += n;
      siblings = entry.node.children ?? [];
    }
  }
  return roots;
}
