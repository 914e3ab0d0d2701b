/**
 * How the query language treats each field type: what its operands look like once resolved and how
 * its projection column compares. Resolution (query-resolve.ts) and the SQL compiler
 * (src-main/engine/query) both switch over this, so a new field type is handled in one place.
 */
import { assertNever } from '../errors';
import type { FieldType } from '../schema/schema.types';

export type QueryKind =
  /** TEXT column, case-insensitive (COLLATE NOCASE); operand: string. */
  | 'text'
  /** REAL/INTEGER column; operand: number. */
  | 'number'
  /** TEXT 'YYYY-MM-DD'; operand: 'YYYY-MM-DD'. */
  | 'date'
  /** INTEGER ms since epoch; operand: 'YYYY-MM-DD' (a day in the field's time zone) or an ISO instant. */
  | 'instant'
  /** INTEGER 1, NULL when unchecked; operand: boolean. */
  | 'checkbox'
  /** TEXT choice name; operand: choice id. */
  | 'select'
  /** TEXT JSON array of choice names; operand: choice id(s). */
  | 'multiSelect'
  /** TEXT JSON array of attachment refs; text operators look at file names. */
  | 'attachment'
  /** TEXT JSON; text operators look at the JSON text. */
  | 'json';

export function queryKindOf(type: FieldType): QueryKind {
  switch (type) {
    case 'singleLineText':
    case 'longText':
    case 'url':
    case 'email':
    case 'phone':
      return 'text';
    case 'number':
    case 'currency':
    case 'percent':
    case 'duration':
    case 'rating':
    case 'autonumber':
      return 'number';
    case 'date':
      return 'date';
    case 'dateTime':
    case 'createdTime':
    case 'lastModifiedTime':
      return 'instant';
    case 'checkbox':
      return 'checkbox';
    case 'singleSelect':
      return 'select';
    case 'multipleSelect':
      return 'multiSelect';
    case 'attachment':
      return 'attachment';
    case 'json':
      return 'json';
    default:
      return assertNever(type, 'field type');
  }
}

/** 'YYYY-MM-DD' naming a real calendar day. */
export function isDateOnly(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}
