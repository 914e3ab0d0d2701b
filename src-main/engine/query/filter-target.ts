/**
 * What every part of the filter compiler shares: the condition being compiled (its field, type
 * definition, query kind, column and operator), the errors for operators and operands the compiler
 * cannot handle, and the building blocks used by several field kinds.
 */
import { EngineError } from '../../../src-shared/errors';
import type { FieldTypeDef } from '../../../src-shared/fields/field-type';
import type { QueryKind } from '../../../src-shared/query/query-field-kind';
import type { FilterOp } from '../../../src-shared/query/query.types';
import type { FieldSchema } from '../../../src-shared/schema/schema.types';
import { FALSE_SQL, fragment, TRUE_SQL } from './sql-fragment';
import type { SqlFragment, SqlParam } from './sql-fragment';

/** One condition being compiled. */
export interface Target {
  field: FieldSchema;
  def: FieldTypeDef;
  kind: QueryKind;
  col: string;
  op: FilterOp;
}

export function unsupported(t: Target): never {
  throw new EngineError('INVALID_INPUT', `'${t.field.name}' (${t.def.label.toLowerCase()}) does not support '${t.op}'`, {
    field: t.field.name,
    op: t.op,
  });
}

export function badOperand(t: Target): never {
  throw new EngineError('INVALID_INPUT', `'${t.field.name}' with '${t.op}' has an operand of the wrong form; resolve the filter first`, {
    field: t.field.name,
    op: t.op,
  });
}

/** NOT of a fragment that is never NULL. */
export function negate(f: SqlFragment): SqlFragment {
  if (f.sql === '0') return TRUE_SQL;
  if (f.sql === '1') return FALSE_SQL;
  return { sql: `NOT ${f.sql}`, params: f.params };
}

/** The operand as the projection stores it, through the registry. */
export function sqlOf(t: Target, value: unknown): SqlParam {
  return t.def.toSql(value as Parameters<FieldTypeDef['toSql']>[0], t.field.options);
}

export function scalarComparison({ col, op }: Target, param: SqlParam): SqlFragment {
  if (param === null) return op === '!=' ? TRUE_SQL : FALSE_SQL;
  return op === '!=' ? fragment(`(${col} IS NULL OR ${col} <> ?)`, param) : fragment(`${col} ${op} ?`, param);
}

/** isEmpty: NULL, '' and, for list-valued cells, '[]'. An unchecked checkbox is empty. */
export function isEmptySql({ kind, col }: Target): SqlFragment {
  switch (kind) {
    case 'number':
    case 'instant':
      return fragment(`${col} IS NULL`);
    case 'checkbox':
      return fragment(`(${col} IS NULL OR ${col} = 0)`);
    case 'multiSelect':
    case 'attachment':
      return fragment(`(${col} IS NULL OR ${col} = '' OR ${col} = '[]')`);
    case 'text':
    case 'date':
    case 'select':
    case 'json':
      return fragment(`(${col} IS NULL OR ${col} = '')`);
  }
}

export function isNotEmptySql({ kind, col }: Target): SqlFragment {
  switch (kind) {
    case 'number':
    case 'instant':
      return fragment(`${col} IS NOT NULL`);
    case 'checkbox':
      return fragment(`${col} = 1`);
    case 'multiSelect':
    case 'attachment':
      return fragment(`(${col} IS NOT NULL AND ${col} <> '' AND ${col} <> '[]')`);
    case 'text':
    case 'date':
    case 'select':
    case 'json':
      return fragment(`(${col} IS NOT NULL AND ${col} <> '')`);
  }
}
