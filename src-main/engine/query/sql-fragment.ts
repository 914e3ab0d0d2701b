/**
 * A piece of SQL with its `?` parameters, in order. Values only ever travel as parameters; the SQL
 * text holds nothing but fixed keywords and quoted projection names (see projection-names.ts).
 */
import { EngineError } from '../../../src-shared/errors';
import type { FieldSchema, TableSchema } from '../../../src-shared/schema/schema.types';

export type SqlParam = string | number | null;

export interface SqlFragment {
  sql: string;
  params: SqlParam[];
}

/** Shared constants: frozen, params included, so no caller can append to them. */
export const TRUE_SQL: SqlFragment = Object.freeze({ sql: '1', params: Object.freeze([]) as unknown as SqlParam[] });
export const FALSE_SQL: SqlFragment = Object.freeze({ sql: '0', params: Object.freeze([]) as unknown as SqlParam[] });

export const fragment = (sql: string, ...params: SqlParam[]): SqlFragment => ({ sql, params });

/** Fragments joined by AND/OR, each parenthesized; constant fragments are folded away. */
export function joinFragments(parts: readonly SqlFragment[], connective: 'AND' | 'OR'): SqlFragment {
  const neutral = connective === 'AND' ? '1' : '0';
  const absorbing = connective === 'AND' ? '0' : '1';
  const kept = parts.filter((p) => p.sql !== neutral);
  if (kept.some((p) => p.sql === absorbing)) return connective === 'AND' ? FALSE_SQL : TRUE_SQL;
  if (kept.length === 0) return connective === 'AND' ? TRUE_SQL : FALSE_SQL;
  if (kept.length === 1 && kept[0]) return kept[0];
  return {
    sql: kept.map((p) => `(${p.sql})`).join(` ${connective} `),
    params: kept.flatMap((p) => p.params),
  };
}

/** The field with this id; a resolved query names only existing fields, so a miss is NOT_FOUND. */
export function fieldById(table: TableSchema, fieldId: string): FieldSchema {
  const field = table.fields.find((f) => f.id === fieldId);
  if (!field) throw new EngineError('NOT_FOUND', `No field with id '${fieldId}' in table '${table.name}'`, { table: table.id, field: fieldId });
  return field;
}
