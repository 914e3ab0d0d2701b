/**
 * Date and date-time conditions. Date cells are 'YYYY-MM-DD' text and compare as text; date-time
 * cells (dateTime, createdTime, lastModifiedTime) are ms since epoch. A 'YYYY-MM-DD' operand on a
 * date-time field means that calendar day in the field's time zone. Relative ranges are anchored
 * at `now` (ms), a parameter so results are deterministic.
 */
import { utcFromFields, wallToUtc } from '../../../src-shared/fields/time-zone.util';
import { isDateOnly } from '../../../src-shared/query/query-field-kind';
import type { FieldSchema } from '../../../src-shared/schema/schema.types';
import { fragment } from './sql-fragment';
import type { SqlFragment } from './sql-fragment';
import { badOperand, scalarComparison, unsupported } from './filter-target';
import type { Target } from './filter-target';

const DAY_MS = 86_400_000;

/** withinPastDays N: [now − N days, now]; withinNextDays N: [now, now + N days]; date fields use UTC days. */
export function withinSql(t: Target, value: unknown, now: number): SqlFragment {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) badOperand(t);
  const from = t.op === 'withinPastDays' ? now - value * DAY_MS : now;
  const to = t.op === 'withinPastDays' ? now : now + value * DAY_MS;
  switch (t.kind) {
    case 'instant':
      return fragment(`${t.col} BETWEEN ? AND ?`, from, to);
    case 'date':
      return fragment(`${t.col} BETWEEN ? AND ?`, utcDay(from), utcDay(to));
    default:
      return unsupported(t);
  }
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Date-time columns hold ms. A 'YYYY-MM-DD' operand is that whole day in the field's time zone:
 * `=` is the day's range, `<` before its start, `<=` before the next day's start, and so on.
 */
export function instantComparisonSql(t: Target, value: unknown): SqlFragment {
  const { col, op } = t;
  if (typeof value !== 'string') badOperand(t);
  if (isDateOnly(value)) {
    const [start, end] = dayRange(value, timeZoneOf(t.field));
    switch (op) {
      case '=':
        return fragment(`(${col} >= ? AND ${col} < ?)`, start, end);
      case '!=':
        return fragment(`(${col} IS NULL OR ${col} < ? OR ${col} >= ?)`, start, end);
      case '<':
        return fragment(`${col} < ?`, start);
      case '<=':
        return fragment(`${col} < ?`, end);
      case '>':
        return fragment(`${col} >= ?`, end);
      case '>=':
        return fragment(`${col} >= ?`, start);
      default:
        return unsupported(t);
    }
  }
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) badOperand(t);
  return scalarComparison(t, ms);
}

function timeZoneOf(field: FieldSchema): string {
  const options = field.options as { timeZone?: unknown };
  return typeof options.timeZone === 'string' && options.timeZone !== '' ? options.timeZone : 'UTC';
}

/** [start, end) in ms of a calendar day in a time zone. */
export function dayRange(day: string, timeZone: string): [number, number] {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return [wallToUtc(utcFromFields(y, m, d), timeZone), wallToUtc(utcFromFields(y, m, d) + DAY_MS, timeZone)];
}
