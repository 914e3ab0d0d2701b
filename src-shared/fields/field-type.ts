/**
 * The contract every field type implements. One registry (field-registry.ts) maps each FieldType to
 * its definition; validation, normalization, display formatting, conversion between types, the
 * projection's SQL storage and search text all live there and nowhere else.
 */
import type { CellValue, FieldOptions, FieldSchema, FieldType } from '../schema/schema.types';
import type { FilterOp } from '../query/query.types';

export type Normalized = { ok: true; value: CellValue | null } | { ok: false; message: string };

/** SQL storage class of a field's projection column. */
export type SqlType = 'TEXT' | 'REAL' | 'INTEGER';
export type SqlValue = string | number | null;

/** Record-level facts computed fields are made of (see the projection). */
export interface RecordMeta {
  /** Creation time, ms since epoch (UTC). */
  createdAt: number;
  /** Per-field last edit time (ms); a field never edited after creation is absent. */
  editedAt: Record<string, number>;
  /** Autonumber assigned at creation. */
  autonumber: number;
}

export interface FieldTypeDef<T extends FieldType = FieldType> {
  type: T;
  /** What the UI shows in a type picker. */
  label: string;
  /** Computed types are never written by people or imports. */
  computed: boolean;
  /** Options a new field of this type gets. */
  defaultOptions(): FieldOptions<T>;
  /**
   * Validates options from the API (partial allowed) and fills defaults.
   * Unknown keys are dropped; invalid values are a failure with a message naming the option.
   */
  normalizeOptions(input: unknown): { ok: true; value: FieldOptions<T> } | { ok: false; message: string };
  /**
   * API/JSON input → stored value. Accepts the stored form and reasonable JSON alternatives
   * (e.g. a number as a numeric string for number fields, a choice name or id for selects).
   * `null`, `undefined` and '' give `{ ok: true, value: null }`.
   */
  normalize(input: unknown, options: FieldOptions<T>): Normalized;
  /** Display text (CSV cell, pasted text) → stored value. '' is empty. */
  parse(text: string, options: FieldOptions<T>): Normalized;
  /** Stored value → display text, as the grid and CSV export show it. Empty is ''. */
  format(value: CellValue | null, options: FieldOptions<T>): string;
  /** Storage class of the projection column. */
  sqlType: SqlType;
  /** Stored value → projection column value (selects store choice names; multi-selects a JSON array of names). */
  toSql(value: CellValue | null, options: FieldOptions<T>): SqlValue;
  /** Projection column value → the value's JSON form in API output (dates as ISO strings, selects as names). */
  fromSql(value: SqlValue, options: FieldOptions<T>): CellValue | null;
  /** Text indexed for full-text search; '' for none. */
  searchText(value: CellValue | null, options: FieldOptions<T>): string;
  /** Filter operators that make sense for this type. */
  filterOps: readonly FilterOp[];
  /** Computed types only: the value from record facts. */
  compute?(meta: RecordMeta, field: FieldSchema<T>): CellValue | null;
}
