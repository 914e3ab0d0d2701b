/**
 * The shape of a base's schema as the rest of the app sees it: plain, immutable snapshots read from
 * the schema Y.Doc (see src-main/engine/docs). Ids are stable; names are what people see and may change.
 */
import type { FilterGroup, GroupBy, Sort } from '../query/query.types';
import type { DrawingMappingEntry } from './drawing-mapping';

export const FIELD_TYPES = [
  'singleLineText',
  'longText',
  'number',
  'currency',
  'percent',
  'date',
  'dateTime',
  'duration',
  'checkbox',
  'singleSelect',
  'multipleSelect',
  'rating',
  'url',
  'email',
  'phone',
  'attachment',
  'autonumber',
  'createdTime',
  'lastModifiedTime',
  'json',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const SELECT_COLORS = [
  'gray', 'brown', 'orange', 'yellow', 'green', 'teal', 'blue', 'purple', 'pink', 'red',
] as const;
export type SelectColor = (typeof SELECT_COLORS)[number];

export interface SelectChoice {
  id: string;
  name: string;
  color: SelectColor;
}

export type DateFormat = 'iso' | 'us' | 'european' | 'friendly';
export type TimeFormat = '24h' | '12h';
export type DurationFormat = 'h:mm' | 'h:mm:ss' | 'h:mm:ss.s' | 'h:mm:ss.ss' | 'h:mm:ss.sss';

/** Options per field type. Every key is present after normalization (see the field registry). */
export interface FieldOptionsByType {
  singleLineText: Record<string, never>;
  longText: Record<string, never>;
  number: { precision: number };
  currency: { precision: number; symbol: string };
  percent: { precision: number };
  date: { dateFormat: DateFormat };
  /** timeZone: an IANA zone used for display and for parsing input without an offset. */
  dateTime: { dateFormat: DateFormat; timeFormat: TimeFormat; timeZone: string };
  duration: { durationFormat: DurationFormat };
  checkbox: Record<string, never>;
  singleSelect: { choices: SelectChoice[] };
  multipleSelect: { choices: SelectChoice[] };
  rating: { max: number };
  url: Record<string, never>;
  email: Record<string, never>;
  phone: Record<string, never>;
  attachment: Record<string, never>;
  autonumber: Record<string, never>;
  createdTime: { dateFormat: DateFormat; timeFormat: TimeFormat; timeZone: string };
  /** fields: the field ids whose edits count; empty means every editable field. */
  lastModifiedTime: { dateFormat: DateFormat; timeFormat: TimeFormat; timeZone: string; fields: string[] };
  json: Record<string, never>;
}
export type FieldOptions<T extends FieldType = FieldType> = FieldOptionsByType[T];

export interface FieldSchema<T extends FieldType = FieldType> {
  id: string;
  name: string;
  type: T;
  options: FieldOptions<T>;
  description: string;
}

/** A view is a saved query: the same object queries use. Field references are field ids. */
export interface ViewSchema {
  id: string;
  name: string;
  filter: FilterGroup | null;
  sorts: Sort[];
  groups: GroupBy[];
  hidden: string[];
  /** Field ids in display order; fields missing from it follow in table order. */
  fieldOrder: string[];
  /** Column widths in px by field id. */
  widths: Record<string, number>;
}

export interface TableSchema {
  id: string;
  name: string;
  /** Fields in table order; the first is the primary field. */
  fields: FieldSchema[];
  views: ViewSchema[];
  /**
   * Where values read from drawings go (records from drawings, see drawing-mapping.ts); absent until
   * the first drop on the table or a `drawings.mapping.set`.
   */
  drawingMapping?: DrawingMappingEntry[];
}

export interface BaseSchema {
  tables: TableSchema[];
}

/** Attachment cell values: metadata only; the bytes live in the base's content-addressed store. */
export interface AttachmentRef {
  id: string;
  name: string;
  size: number;
  type: string;
  /**
   * SHA-256 of the bytes, lowercase hex: how another replica finds them (a sync server keeps
   * attachment bytes by this hash). Refs made before sync existed have none.
   */
  sha256?: string;
}

/**
 * The stored (JSON) form of a cell, per type. `null` is an empty cell.
 * - text-like types: string; number/currency/percent/duration: number (percent as a fraction, 0.5 = 50 %;
 *   duration in seconds); date: 'YYYY-MM-DD'; dateTime: ISO 8601 UTC 'YYYY-MM-DDTHH:mm:ss.sssZ';
 *   checkbox: true (unchecked is empty); singleSelect: choice id; multipleSelect: choice ids;
 *   rating: integer 1..max; attachment: AttachmentRef[]; json: any JSON value.
 * - autonumber/createdTime/lastModifiedTime are computed and never stored in cells.
 */
export type CellValue = string | number | boolean | string[] | AttachmentRef[] | JsonValue;
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
