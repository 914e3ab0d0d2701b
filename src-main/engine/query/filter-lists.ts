/**
 * Operators over lists of values and over select options: anyOf/allOf, multiple-select set
 * equality and membership. Operands are choice ids (see query-resolve.ts); the projection stores
 * choice names, so ids are mapped to the names the field's options give them now. A choice deleted
 * since the filter was saved matches nothing.
 */
import type { SqlFragment } from './sql-fragment';
import { FALSE_SQL, fragment, TRUE_SQL } from './sql-fragment';
import { badOperand, isEmptySql, negate, unsupported } from './filter-target';
import type { Target } from './filter-target';

/**
 * A list operand travels as one JSON-array parameter, so a long anyOf list costs one SQL variable.
 * `x IN (subquery)` compares with x's collation, so NOCASE columns stay case-insensitive.
 */
const JSON_LIST = '(SELECT value FROM json_each(?))';

export function listOpSql(t: Target, value: unknown): SqlFragment {
  if (!Array.isArray(value)) badOperand(t);
  const { kind, col, op } = t;
  if (kind === 'multiSelect') {
    const names = choiceNames(t, value);
    if (op === 'anyOf') {
      if (names.length === 0) return FALSE_SQL;
      return fragment(`EXISTS (SELECT 1 FROM json_each(${col}) WHERE value IN ${JSON_LIST})`, JSON.stringify(names));
    }
    // allOf: every listed option is present (an option deleted since the view was saved cannot be).
    if (names.length < value.length) return FALSE_SQL;
    if (names.length === 0) return TRUE_SQL;
    return fragment(
      `(SELECT COUNT(DISTINCT value) FROM json_each(${col}) WHERE value IN ${JSON_LIST}) = ?`,
      JSON.stringify(names),
      names.length,
    );
  }
  let params: (string | number)[];
  switch (kind) {
    case 'select':
      params = choiceNames(t, value);
      break;
    case 'text':
    case 'date':
      params = value.map((v) => (typeof v === 'string' ? v : badOperand(t)));
      break;
    case 'number':
      params = value.map((v) => (typeof v === 'number' ? v : badOperand(t)));
      break;
    case 'instant':
    case 'checkbox':
    case 'attachment':
    case 'json':
      return unsupported(t);
  }
  if (op === 'anyOf') return params.length === 0 ? FALSE_SQL : fragment(`${col} IN ${JSON_LIST}`, JSON.stringify(params));
  // allOf on a single-valued cell: at most one distinct value can be "all" of them.
  if (params.length === 0) return TRUE_SQL;
  return params.length === 1 ? fragment(`${col} = ?`, params[0] ?? null) : FALSE_SQL;
}

/** Multiple select `=`/`!=`: exactly this set of options, in any order. */
export function setComparisonSql(t: Target, value: unknown): SqlFragment {
  if (!Array.isArray(value)) badOperand(t);
  if (t.op !== '=' && t.op !== '!=') return unsupported(t);
  const names = choiceNames(t, value);
  let same: SqlFragment;
  if (names.length < value.length) same = FALSE_SQL;
  else if (names.length === 0) same = isEmptySql(t);
  else
    same = fragment(
      `((SELECT COUNT(DISTINCT value) FROM json_each(${t.col})) = ? AND ` +
        `(SELECT COUNT(DISTINCT value) FROM json_each(${t.col}) WHERE value IN ${JSON_LIST}) = ?)`,
      names.length,
      JSON.stringify(names),
      names.length,
    );
  return t.op === '=' ? same : negate(same);
}

/** The stored name of a choice id, or null when the choice no longer exists. */
export function choiceName(t: Target, id: unknown): string | null {
  if (typeof id !== 'string') badOperand(t);
  const choices = (t.field.options as { choices?: { id: string; name: string }[] }).choices ?? [];
  return choices.find((c) => c.id === id)?.name ?? null;
}

/** Names of the choice ids that still exist. */
export function choiceNames(t: Target, ids: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const id of ids) {
    const name = choiceName(t, id);
    if (name !== null && !out.includes(name)) out.push(name);
  }
  return out;
}
