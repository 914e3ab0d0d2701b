/**
 * Resolved queries → SQL over a table's projection: ORDER BY, full-text search, the WHERE of a
 * whole query, a page with its count, and grouped counts. Filters compile in filter-compiler.ts.
 * Every function takes a query resolved by src-shared/query/query-resolve.ts (field ids).
 */
import { getFieldType } from '../../../src-shared/fields/field-registry';
import type { FieldTypeDef, SqlValue } from '../../../src-shared/fields/field-type';
import type { GroupBy, QuerySpec, Sort } from '../../../src-shared/query/query.types';
import { DEFAULT_PAGE_LIMIT } from '../../../src-shared/query/query.schema';
import type { CellValue, TableSchema } from '../../../src-shared/schema/schema.types';
import { fieldColumn, projectionTable, searchTable } from '../projection/projection-names';
import { compileFilter } from './filter-compiler';
import { fieldById, fragment, joinFragments, TRUE_SQL } from './sql-fragment';
import type { SqlFragment } from './sql-fragment';

/**
 * ORDER BY terms (without the keyword) for group levels then sorts, ending in `rid` so equal keys
 * keep one stable order. NULLs sort in SQLite's natural order (first ascending, last descending) and
 * `rid` runs in the direction of the last term, so a one-column index (which orders equal keys by
 * rowid) serves the whole sort, scanned backwards for descending; TEXT columns compare through
 * their NOCASE collation.
 */
export function compileOrderBy(table: TableSchema, sorts: readonly (Sort | GroupBy)[]): string {
  const dir = (s: Sort | GroupBy): string => (s.direction === 'desc' ? 'DESC' : 'ASC');
  const terms = sorts.map((s) => `${fieldColumn(fieldById(table, s.field).id)} ${dir(s)}`);
  const last = sorts[sorts.length - 1];
  terms.push(`rid ${last ? dir(last) : 'ASC'}`);
  return terms.join(', ');
}

/** Characters the FTS5 unicode61 tokenizer keeps in tokens (letters, digits, private use). */
const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}]/u;

/** Search words that can match: those with at least one letter or digit. */
function searchWords(search: string | undefined | null): string[] {
  if (!search) return [];
  return search.split(/\s+/).filter((w) => TOKEN_CHAR.test(w));
}

/**
 * An FTS5 MATCH expression for search text: whitespace-separated words, each a quoted prefix query
 * (`"bolt"*`, quotes doubled), all required. Words with no letter or digit ("-", "/") would be
 * empty phrases that match nothing, so they are dropped. Null when nothing is left to search for.
 */
export function ftsMatchExpression(search: string | undefined | null): string | null {
  const words = searchWords(search);
  if (words.length === 0) return null;
  return words.map((w) => `"${w.replace(/"/g, '""')}"*`).join(' AND ');
}

/**
 * Rows the search finds: those the full-text index matches, and rows not indexed yet (above the
 * table's search backlog mark, right after a bulk import) whose stored search text matches by the
 * same rule (`bp_search_match`, search-match.ts). The mark is read in the same statement, so the
 * two parts never overlap or leave a gap.
 */
export function compileSearch(table: TableSchema, search: string | undefined | null): SqlFragment {
  const match = ftsMatchExpression(search);
  if (match === null) return TRUE_SQL;
  const fts = searchTable(table.id);
  return fragment(
    // One IN over a UNION ALL, not an OR: SQLite answers each part by rowid (the index's matches; a
    // rid range above the mark), where an OR would scan the whole table.
    `rid IN (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ? UNION ALL SELECT rid FROM ${projectionTable(table.id)} WHERE rid > coalesce((SELECT indexed_through FROM search_backlog WHERE table_id = ?), 9223372036854775807) AND bp_search_match(search_text, ?))`,
    match,
    table.id,
    search!,
  );
}

/** The WHERE condition of a query: its filter and its search text. */
export function compileWhere(table: TableSchema, spec: Pick<QuerySpec, 'filter' | 'search'>, now: number): SqlFragment {
  return joinFragments([compileFilter(table, spec.filter, now), compileSearch(table, spec.search)], 'AND');
}

function whereClause(where: SqlFragment): string {
  return where.sql === '1' ? '' : ` WHERE ${where.sql}`;
}

export interface PageQuery {
  /** Rows `rid`, `id` and one `c_<fieldId>` column per field, in table field order. */
  page: SqlFragment;
  /** One row `{ n }`: the number of records the query matches, ignoring paging. */
  count: SqlFragment;
  /** Field id of each value column of `page`, by column name. */
  columns: { fieldId: string; column: string }[];
}

/**
 * SELECT for one page of a query (rows grouped first when the query has groups, then sorted) and
 * the COUNT with the same WHERE.
 */
export function buildPageQuery(table: TableSchema, spec: QuerySpec, now: number): PageQuery {
  const from = projectionTable(table.id);
  const where = compileWhere(table, spec, now);
  const columns = table.fields.map((f) => ({ fieldId: f.id, column: `c_${f.id}` }));
  const select = ['rid', 'id', ...table.fields.map((f) => fieldColumn(f.id))].join(', ');
  const orderBy = compileOrderBy(table, [...(spec.groups ?? []), ...(spec.sorts ?? [])]);
  const limit = spec.limit ?? DEFAULT_PAGE_LIMIT;
  const offset = spec.offset ?? 0;
  return {
    page: {
      sql: `SELECT ${select} FROM ${from}${whereClause(where)} ORDER BY ${orderBy} LIMIT ? OFFSET ?`,
      params: [...where.params, limit, offset],
    },
    count: { sql: `SELECT COUNT(*) AS n FROM ${from}${whereClause(where)}`, params: [...where.params] },
    columns,
  };
}

export interface PageRecord {
  rid: number;
  id: string;
  /** Cell values in their API JSON form, by field id; empty cells are null. */
  cells: Record<string, CellValue | null>;
}

/** One row of `buildPageQuery(...).page` as a record, values through the registry's fromSql. */
export function readPageRow(table: TableSchema, row: Record<string, SqlValue>): PageRecord {
  const cells: Record<string, CellValue | null> = {};
  for (const field of table.fields) {
    const def = getFieldType(field.type) as FieldTypeDef;
    cells[field.id] = def.fromSql(row[`c_${field.id}`] ?? null, field.options);
  }
  return { rid: Number(row.rid), id: String(row.id), cells };
}
