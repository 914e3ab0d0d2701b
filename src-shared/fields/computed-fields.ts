/**
 * Computed field types: autonumber, createdTime, lastModifiedTime. Their values come from record
 * facts (`compute`), never from cells: normalize/parse accept only empty input and otherwise fail
 * with "'<type>' fields are computed and can't be edited".
 *
 * Contracts:
 * - autonumber = the number assigned at creation.
 * - createdTime = the creation instant (ISO UTC, like dateTime).
 * - lastModifiedTime = the latest of the creation time and the edit times of `options.fields`
 *   (every edited field when the list is empty). Edits to fields not listed do not count.
 */
import type { CellValue, FieldOptions } from '../schema/schema.types';
import type { FieldTypeDef, Normalized, RecordMeta } from './field-type';
import { empty, invalid, isBlank } from './field-result.util';
import { dateTimeOptionsSchema, emptyOptionsSchema, lastModifiedOptionsSchema, parseOptions } from './field-options.schema';
import { DATE_OPS, NUMERIC_OPS } from './filter-ops.util';
import { formatInstant, instantFromSql, instantToSql } from './date-fields';
import { isoInstant, MAX_INSTANT_MS, MIN_INSTANT_MS } from './date-time-text.util';

type ComputedType = 'autonumber' | 'createdTime' | 'lastModifiedTime';

function readOnly(type: ComputedType): Pick<FieldTypeDef<ComputedType>, 'normalize' | 'parse'> {
  const refuse: Normalized = invalid(`'${type}' fields are computed and can't be edited`);
  return {
    normalize: (input) => (isBlank(input) || (typeof input === 'string' && input.trim() === '') ? empty() : refuse),
    parse: (text) => (text.trim() === '' ? empty() : refuse),
  };
}

const instantOrNull = (ms: number): CellValue | null =>
  Number.isFinite(ms) && ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS ? isoInstant(Math.trunc(ms)) : null;

const formatNumber = (value: CellValue | null): string => (typeof value === 'number' && Number.isFinite(value) ? String(value) : '');

export const autonumberField: FieldTypeDef<'autonumber'> = {
  type: 'autonumber',
  label: 'Autonumber',
  computed: true,
  defaultOptions: () => ({}),
  normalizeOptions(input) {
    const result = parseOptions(emptyOptionsSchema, input);
    return result.ok ? { ok: true, value: {} as FieldOptions<'autonumber'> } : result;
  },
  ...readOnly('autonumber'),
  format: formatNumber,
  sqlType: 'INTEGER',
  toSql: (value) => (typeof value === 'number' && Number.isFinite(value) ? value : null),
  fromSql: (value) => (typeof value === 'number' ? value : null),
  searchText: formatNumber,
  filterOps: NUMERIC_OPS,
  compute: (meta: RecordMeta) => (Number.isFinite(meta.autonumber) ? meta.autonumber : null),
};

export const createdTimeField: FieldTypeDef<'createdTime'> = {
  type: 'createdTime',
  label: 'Created time',
  computed: true,
  defaultOptions: () => ({ dateFormat: 'iso', timeFormat: '24h', timeZone: 'UTC' }),
  normalizeOptions: (input) => parseOptions(dateTimeOptionsSchema, input),
  ...readOnly('createdTime'),
  format: formatInstant,
  sqlType: 'INTEGER',
  toSql: instantToSql,
  fromSql: instantFromSql,
  searchText: formatInstant,
  filterOps: DATE_OPS,
  compute: (meta) => instantOrNull(meta.createdAt),
};

export const lastModifiedTimeField: FieldTypeDef<'lastModifiedTime'> = {
  type: 'lastModifiedTime',
  label: 'Last modified time',
  computed: true,
  defaultOptions: () => ({ dateFormat: 'iso', timeFormat: '24h', timeZone: 'UTC', fields: [] }),
  normalizeOptions: (input) => parseOptions(lastModifiedOptionsSchema, input),
  ...readOnly('lastModifiedTime'),
  format: formatInstant,
  sqlType: 'INTEGER',
  toSql: instantToSql,
  fromSql: instantFromSql,
  searchText: formatInstant,
  filterOps: DATE_OPS,
  compute(meta, field) {
    let latest = meta.createdAt;
    const fields = field.options.fields;
    const edits = fields.length === 0 ? Object.values(meta.editedAt) : fields.map((id) => meta.editedAt[id]);
    for (const at of edits) if (at !== undefined && Number.isFinite(at) && at > latest) latest = at;
    return instantOrNull(latest);
  },
};
