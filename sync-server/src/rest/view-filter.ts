/**
 * A view's saved filter (src-shared/query, resolved: field ids, operands in stored form) evaluated
 * in memory over one record, for the records API's `view` parameter. It follows the engine's SQL
 * semantics (src-main/engine/query/README.md) for the common cases: text `=` and text operators
 * case-insensitive, empty groups impose nothing, `= false` on a checkbox matches unchecked.
 * Dates compare as ISO text; a 'YYYY-MM-DD' operand on a date-time field matches that UTC day
 * (the engine uses the field's zone: a simplification here).
 */
import type { CellValue, FieldSchema } from '../../../src-shared/schema/schema.types';
import { isFilterGroup, type FilterCondition, type FilterNode } from '../../../src-shared/query/query.types';

const DAY_MS = 86_400_000;

const empty = (v: unknown): boolean => v === null || v === undefined || v === '' || v === false || (Array.isArray(v) && v.length === 0);
const lower = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v ?? '')).toLowerCase();

function cmp(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function dayMatch(value: unknown, operand: unknown): boolean | null {
  if (typeof value === 'string' && typeof operand === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(operand) && value.length > 10) return value.slice(0, 10) === operand;
  return null;
}

function condition(c: FilterCondition, value: CellValue | null, field: FieldSchema | undefined, now: number): boolean {
  const type = field?.type;
  const text = type === 'singleLineText' || type === 'longText' || type === 'url' || type === 'email' || type === 'phone';
  const operand = c.value;
  switch (c.op) {
    case 'isEmpty':
      return empty(value);
    case 'isNotEmpty':
      return !empty(value);
    case '=': {
      if (type === 'checkbox') return operand === true ? value === true : value !== true;
      if (empty(value)) return false;
      if (Array.isArray(value) && Array.isArray(operand)) return value.length === operand.length && operand.every((o) => (value as unknown[]).includes(o));
      const day = dayMatch(value, operand);
      if (day !== null) return day;
      return text ? lower(value) === lower(operand) : cmp(value, operand) === 0;
    }
    case '!=': {
      if (Array.isArray(value) && Array.isArray(operand)) return !condition({ ...c, op: '=' }, value, field, now);
      if (empty(value)) return true;
      return text ? lower(value) !== lower(operand) : cmp(value, operand) !== 0;
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (empty(value)) return false;
      const d = cmp(typeof value === 'string' && typeof operand === 'string' && operand.length === 10 ? value.slice(0, 10) : value, operand);
      return c.op === '<' ? d < 0 : c.op === '<=' ? d <= 0 : c.op === '>' ? d > 0 : d >= 0;
    }
    case 'contains':
      if (Array.isArray(value)) return value.some((v) => (typeof v === 'string' ? v === operand : lower((v as { name?: string }).name).includes(lower(operand))));
      return !empty(value) && lower(value).includes(lower(operand));
    case 'notContains':
      return !condition({ ...c, op: 'contains' }, value, field, now);
    case 'startsWith':
      return !empty(value) && lower(value).startsWith(lower(operand));
    case 'anyOf': {
      const list = Array.isArray(operand) ? operand : [];
      return Array.isArray(value) ? value.some((v) => list.includes(v)) : list.includes(value);
    }
    case 'allOf': {
      const list = Array.isArray(operand) ? operand : [];
      return Array.isArray(value) && list.every((o) => (value as unknown[]).includes(o));
    }
    case 'withinPastDays':
    case 'withinNextDays': {
      if (typeof value !== 'string') return false;
      const t = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
      const days = typeof operand === 'number' ? operand : 0;
      return c.op === 'withinPastDays' ? t <= now && t >= now - days * DAY_MS : t >= now - DAY_MS && t <= now + days * DAY_MS;
    }
    default: {
      const never: never = c.op;
      throw new Error(`Unhandled filter operator ${String(never)}`);
    }
  }
}

/** Whether a record (stored values by field id) passes a view's filter. */
export function passesFilter(node: FilterNode | null, values: Record<string, CellValue | null>, fields: ReadonlyMap<string, FieldSchema>, now: number): boolean {
  if (node === null) return true;
  if (isFilterGroup(node)) {
    if ('and' in node) return node.and.every((n) => passesFilter(n, values, fields, now));
    return node.or.length === 0 || node.or.some((n) => passesFilter(n, values, fields, now));
  }
  return condition(node, values[node.field] ?? null, fields.get(node.field), now);
}
