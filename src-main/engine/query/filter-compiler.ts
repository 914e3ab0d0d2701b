/**
 * Resolved filters (field ids, normalized operands: see src-shared/query/query-resolve.ts) → a
 * WHERE fragment over a table's projection. Semantics are listed in this folder's README; the
 * compiler trusts the operand forms resolution produces and refuses anything else as INVALID_INPUT.
 */
import { EngineError } from '../../../src-shared/errors';
import { getFieldType } from '../../../src-shared/fields/field-registry';
import type { FieldTypeDef } from '../../../src-shared/fields/field-type';
import { filterChildren } from '../../../src-shared/query/query.schema';
import { queryKindOf } from '../../../src-shared/query/query-field-kind';
import { isFilterGroup } from '../../../src-shared/query/query.types';
import type { FilterCondition, FilterGroup } from '../../../src-shared/query/query.types';
import type { TableSchema } from '../../../src-shared/schema/schema.types';
import { fieldColumn } from '../projection/projection-names';
import { instantComparisonSql, withinSql } from './filter-dates';
import { choiceName, listOpSql, setComparisonSql } from './filter-lists';
import { badOperand, isEmptySql, isNotEmptySql, negate, scalarComparison, sqlOf, unsupported } from './filter-target';
import type { Target } from './filter-target';
import { FALSE_SQL, fieldById, fragment, joinFragments, TRUE_SQL } from './sql-fragment';
import type { SqlFragment } from './sql-fragment';

const LIKE_ESCAPE = '\\';

/**
 * WHERE fragment for a resolved filter. No filter, and an empty group at any level, impose no
 * condition. `now` (ms) anchors withinPastDays/withinNextDays.
 */
export function compileFilter(table: TableSchema, filter: FilterGroup | null | undefined, now: number): SqlFragment {
  if (!filter) return TRUE_SQL;
  return compileGroup(table, filter, now);
}

function compileGroup(table: TableSchema, group: FilterGroup, now: number): SqlFragment {
  const children = filterChildren(group);
  if (children.length === 0) return TRUE_SQL;
  const parts = children.map((node) =>
    isFilterGroup(node) ? compileGroup(table, node, now) : compileCondition(table, node, now),
  );
  return joinFragments(parts, 'and' in group ? 'AND' : 'OR');
}

export function compileCondition(table: TableSchema, condition: FilterCondition, now: number): SqlFragment {
  const field = fieldById(table, condition.field);
  const t: Target = {
    field,
    def: getFieldType(field.type) as FieldTypeDef,
    kind: queryKindOf(field.type),
    col: fieldColumn(field.id),
    op: condition.op,
  };
  const value = condition.value;
  switch (t.op) {
    case 'isEmpty':
      return isEmptySql(t);
    case 'isNotEmpty':
      return isNotEmptySql(t);
    case 'contains':
    case 'notContains':
    case 'startsWith':
      return textOpSql(t, value);
    case 'anyOf':
    case 'allOf':
      return listOpSql(t, value);
    case 'withinPastDays':
    case 'withinNextDays':
      return withinSql(t, value, now);
    case '=':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return comparisonSql(t, value);
    default: {
      const op: never = t.op;
      throw new EngineError('INVALID_INPUT', `Unknown filter operator '${String(op)}'`);
    }
  }
}

/** A LIKE pattern matching `text` literally: %, _ and the escape character are escaped. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => LIKE_ESCAPE + c);
}

function textOpSql(t: Target, value: unknown): SqlFragment {
  const { kind, col, op } = t;
  if (kind === 'multiSelect') {
    if (op === 'startsWith') unsupported(t);
    const name = choiceName(t, value);
    const has = name === null ? FALSE_SQL : fragment(`EXISTS (SELECT 1 FROM json_each(${col}) WHERE value = ?)`, name);
    return op === 'contains' ? has : negate(has);
  }
  if (typeof value !== 'string') badOperand(t);
  const pattern = op === 'startsWith' ? `${likeLiteral(value)}%` : `%${likeLiteral(value)}%`;
  const like = `LIKE ? ESCAPE '${LIKE_ESCAPE}'`;
  switch (kind) {
    case 'attachment': {
      const any = fragment(`EXISTS (SELECT 1 FROM json_each(${col}) WHERE json_extract(value, '$.name') ${like})`, pattern);
      return op === 'notContains' ? negate(any) : any;
    }
    case 'checkbox':
    case 'instant':
      return unsupported(t);
    case 'text':
    case 'number':
    case 'date':
    case 'select':
    case 'json':
      // LIKE is case-insensitive for ASCII letters (SQLite's default), matching the NOCASE columns.
      return op === 'notContains'
        ? fragment(`(${col} IS NULL OR ${col} NOT ${like})`, pattern)
        : fragment(`${col} ${like}`, pattern);
  }
}

function comparisonSql(t: Target, value: unknown): SqlFragment {
  const { kind, col, op } = t;
  switch (kind) {
    case 'checkbox': {
      if (typeof value !== 'boolean') badOperand(t);
      if (op !== '=' && op !== '!=') return unsupported(t);
      const checked = (op === '=') === value;
      return checked ? fragment(`${col} = 1`) : fragment(`(${col} IS NULL OR ${col} = 0)`);
    }
    case 'multiSelect':
      return setComparisonSql(t, value);
    case 'instant':
      return instantComparisonSql(t, value);
    case 'select': {
      const name = choiceName(t, value);
      if (name === null) return op === '!=' ? TRUE_SQL : op === '=' ? FALSE_SQL : unsupported(t);
      return scalarComparison(t, name);
    }
    case 'number':
      return typeof value === 'number' ? scalarComparison(t, value) : badOperand(t);
    case 'text':
    case 'date':
      return typeof value === 'string' ? scalarComparison(t, sqlOf(t, value)) : badOperand(t);
    case 'json':
      if (op === '=') return fragment(`json(${col}) = json(?)`, sqlOf(t, value));
      if (op === '!=') return fragment(`(${col} IS NULL OR json(${col}) <> json(?))`, sqlOf(t, value));
      return unsupported(t);
    case 'attachment':
      return unsupported(t);
  }
}

