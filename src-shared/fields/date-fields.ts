/**
 * Time field types: date ('YYYY-MM-DD'), dateTime (UTC ISO instant) and duration (seconds).
 *
 * Contracts:
 * - date: API strings are read like text, so ISO dates, an ISO date-time's date part as written, and
 *   every form `parseDateText` knows are accepted. Projected as TEXT 'YYYY-MM-DD' (sorts correctly).
 * - dateTime: stored as 'YYYY-MM-DDTHH:mm:ss.sssZ'. API input may be that form, any text
 *   `parseDateTimeText` reads (no offset → the field's time zone), or a number of ms since epoch.
 *   Projected as INTEGER ms since epoch; read back as the ISO form.
 * - duration: API numbers and numeric strings are seconds; `h:mm[:ss[.fff]]` strings are clock
 *   durations. Text in a cell follows `parseDurationText` (a plain number is minutes in 'h:mm').
 */
import type { CellValue, DateFormat, FieldOptions } from '../schema/schema.types';
import type { FieldTypeDef, Normalized, SqlValue } from './field-type';
import { empty, invalid, isBlank, quote, valid } from './field-result.util';
import { dateOptionsSchema, dateTimeOptionsSchema, durationOptionsSchema, parseOptions } from './field-options.schema';
import { DATE_OPS, NUMERIC_OPS } from './filter-ops.util';
import { formatCivilDate, isoDate, parseDateText, readStoredDate } from './civil-date.util';
import {
  formatDateTime,
  isoInstant,
  MAX_INSTANT_MS,
  MIN_INSTANT_MS,
  parseDateTimeText,
  readStoredInstant,
  type DateTimeOptions,
} from './date-time-text.util';
import { formatDuration, parseClockText, parseDurationText } from './duration-text.util';
import { finiteOrNull, readDecimal } from './number-text.util';

function readDate(text: string, dateFormat: DateFormat): Normalized {
  const s = text.trim();
  if (s === '') return empty();
  // Already the stored form (what most files hold): nothing to convert.
  if (readStoredDate(s)) return valid(s);
  const date = parseDateText(s, dateFormat);
  if (date === null) return invalid(`${quote(s)} is not a date (e.g. 2024-01-05)`);
  if (date === 'impossible') return invalid(`${quote(s)} is not a real date`);
  return valid(isoDate(date));
}

function formatDate(value: CellValue | null, options: FieldOptions<'date'>): string {
  if (typeof value !== 'string') return '';
  const date = readStoredDate(value);
  if (date === null) return '';
  return options.dateFormat === 'iso' ? value : formatCivilDate(date, options.dateFormat);
}

export const dateField: FieldTypeDef<'date'> = {
  type: 'date',
  label: 'Date',
  computed: false,
  defaultOptions: () => ({ dateFormat: 'iso' }),
  normalizeOptions: (input) => parseOptions(dateOptionsSchema, input),
  normalize(input, options) {
    if (isBlank(input)) return empty();
    if (typeof input !== 'string') return invalid(`${quote(input)} is not a date (e.g. 2024-01-05)`);
    return readStoredDate(input) ? valid(input) : readDate(input, options.dateFormat);
  },
  parse: (text, options) => readDate(text, options.dateFormat),
  format: formatDate,
  sqlType: 'TEXT',
  toSql: (value) => (typeof value === 'string' && readStoredDate(value) ? value : null),
  fromSql: (value) => (typeof value === 'string' && readStoredDate(value) ? value : null),
  searchText: formatDate,
  filterOps: DATE_OPS,
};

/** Text → stored instant, for dateTime and for reading the computed time fields' text. */
export function readInstant(text: string, options: DateTimeOptions): Normalized {
  const s = text.trim();
  if (s === '') return empty();
  const ms = parseDateTimeText(s, options);
  if (ms === null) return invalid(`${quote(s)} is not a date and time (e.g. 2024-01-05 14:30)`);
  if (ms === 'impossible') return invalid(`${quote(s)} is not a real date and time`);
  return valid(isoInstant(ms));
}

/** Stored instant → display text (dateTime, createdTime, lastModifiedTime). */
export function formatInstant(value: CellValue | null, options: DateTimeOptions): string {
  const ms = readStoredInstant(value);
  return ms === null ? '' : formatDateTime(ms, options);
}

export const instantToSql = (value: CellValue | null): SqlValue => readStoredInstant(value);

export function instantFromSql(value: SqlValue): CellValue | null {
  const ms = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : NaN;
  return Number.isInteger(ms) && ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS ? isoInstant(ms) : null;
}

export const dateTimeField: FieldTypeDef<'dateTime'> = {
  type: 'dateTime',
  label: 'Date and time',
  computed: false,
  defaultOptions: () => ({ dateFormat: 'iso', timeFormat: '24h', timeZone: 'UTC' }),
  normalizeOptions: (input) => parseOptions(dateTimeOptionsSchema, input),
  normalize(input, options) {
    if (isBlank(input)) return empty();
    if (typeof input === 'number') {
      return Number.isInteger(input) && input >= MIN_INSTANT_MS && input <= MAX_INSTANT_MS
        ? valid(isoInstant(input))
        : invalid(`${quote(input)} is not a time in ms since 1970`);
    }
    if (typeof input !== 'string') return invalid(`${quote(input)} is not a date and time (e.g. 2024-01-05 14:30)`);
    return readStoredInstant(input) === null ? readInstant(input, options) : valid(input);
  },
  parse: readInstant,
  format: formatInstant,
  sqlType: 'INTEGER',
  toSql: instantToSql,
  fromSql: instantFromSql,
  searchText: formatInstant,
  filterOps: DATE_OPS,
};

function formatStoredDuration(value: CellValue | null, options: FieldOptions<'duration'>): string {
  return typeof value === 'number' && Number.isFinite(value) ? formatDuration(value, options.durationFormat) : '';
}

const notADuration = (input: unknown, options: FieldOptions<'duration'>): Normalized =>
  invalid(`${quote(input)} is not a duration (use ${options.durationFormat} or a number)`);

export const durationField: FieldTypeDef<'duration'> = {
  type: 'duration',
  label: 'Duration',
  computed: false,
  defaultOptions: () => ({ durationFormat: 'h:mm' }),
  normalizeOptions: (input) => parseOptions(durationOptionsSchema, input),
  normalize(input, options) {
    if (isBlank(input)) return empty();
    if (typeof input === 'number') return Number.isFinite(input) ? valid(input + 0) : notADuration(input, options);
    if (typeof input !== 'string') return notADuration(input, options);
    const s = input.trim();
    if (s === '') return empty();
    const clock = parseClockText(s);
    if (clock !== null) return valid(clock);
    const literal = readDecimal(s);
    const seconds = literal === null ? null : finiteOrNull(literal);
    return seconds === null ? notADuration(s, options) : valid(seconds);
  },
  parse(text, options) {
    const s = text.trim();
    if (s === '') return empty();
    const seconds = parseDurationText(s, options.durationFormat);
    return seconds === null ? notADuration(s, options) : valid(seconds);
  },
  format: formatStoredDuration,
  sqlType: 'REAL',
  toSql: (value) => (typeof value === 'number' && Number.isFinite(value) ? value : null),
  fromSql: (value) => (typeof value === 'number' ? value : null),
  searchText: formatStoredDuration,
  filterOps: NUMERIC_OPS,
};
