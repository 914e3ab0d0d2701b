/**
 * Numeric field types: number, currency, percent, rating. Stored as JSON numbers.
 *
 * Contracts:
 * - The stored number is kept as given; `precision` only affects display (changing precision never
 *   loses data). -0 is stored as 0; NaN and ±Infinity are refused.
 * - API input may be a number or numeric text (text is read like `parse`, except for percent: see below).
 * - currency text may carry a symbol or ISO code before or after the number (`$1,234.50`,
 *   `-€3`, `12 EUR`, `US$5`, or the field's own symbol); it is dropped, not converted.
 * - percent is stored as a fraction (0.5 = 50 %). Text is always in percent: `50%` and `50` are both
 *   0.5. A JSON number is the stored fraction; a JSON string is read as text only when it ends in
 *   `%`, otherwise it is the fraction written as text ("0.5" = 50 %).
 * - rating is a whole number 1..max; 0 is empty; `★★★` (☆ ignored) is 3.
 */
import type { FieldOptions } from '../schema/schema.types';
import type { FieldTypeDef, Normalized, SqlType } from './field-type';
import { empty, invalid, isBlank, quote, valid } from './field-result.util';
import {
  currencyOptionsSchema,
  numberOptionsSchema,
  parseOptions,
  percentOptionsSchema,
  ratingOptionsSchema,
  type OptionsResult,
} from './field-options.schema';
import { NUMERIC_OPS } from './filter-ops.util';
import { finiteOrNull, formatFixed, groupThousands, readDecimal, shiftDecimal, shiftNumber } from './number-text.util';

type NumericType = 'number' | 'currency' | 'percent' | 'rating';

interface NumericSpec<T extends NumericType> {
  type: T;
  label: string;
  sqlType: SqlType;
  defaultOptions: () => FieldOptions<T>;
  normalizeOptions: (input: unknown) => OptionsResult<FieldOptions<T>>;
  /** Display/paste text (non-blank) → stored. */
  read: (text: string, options: FieldOptions<T>) => Normalized;
  /** A JSON number → stored. */
  fromNumber: (value: number, options: FieldOptions<T>) => Normalized;
  /** A JSON string → stored; defaults to `read`. */
  fromString?: (text: string, options: FieldOptions<T>) => Normalized;
  show: (value: number, options: FieldOptions<T>) => string;
}

const asNumber = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** A finite number or a failure naming the text. */
function decimal(literal: string | null, text: string): Normalized {
  if (literal === null) return invalid(`${quote(text.trim())} is not a number`);
  const n = finiteOrNull(literal);
  return n === null ? invalid(`${quote(text.trim())} is too large a number`) : valid(n);
}

function finite(value: number): Normalized {
  return Number.isFinite(value) ? valid(value + 0) : invalid(`${quote(value)} is not a number`);
}

function numericDef<T extends NumericType>(spec: NumericSpec<T>): FieldTypeDef<T> {
  const format = (value: unknown, options: FieldOptions<T>): string => {
    const n = asNumber(value);
    return n === null ? '' : spec.show(n, options);
  };
  return {
    type: spec.type,
    label: spec.label,
    computed: false,
    defaultOptions: spec.defaultOptions,
    normalizeOptions: spec.normalizeOptions,
    normalize(input, options) {
      if (isBlank(input)) return empty();
      if (typeof input === 'number') return spec.fromNumber(input, options);
      if (typeof input === 'string') return input.trim() === '' ? empty() : (spec.fromString ?? spec.read)(input, options);
      return invalid(`${quote(input)} is not a number`);
    },
    parse: (text, options) => (text.trim() === '' ? empty() : spec.read(text, options)),
    format,
    sqlType: spec.sqlType,
    toSql: (value) => asNumber(value),
    fromSql: (value) => (typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? finiteOrNull(value) : null),
    searchText: format,
    filterOps: NUMERIC_OPS,
  };
}

export const numberField = numericDef({
  type: 'number',
  label: 'Number',
  sqlType: 'REAL',
  defaultOptions: () => ({ precision: 0 }),
  normalizeOptions: (input) => parseOptions(numberOptionsSchema, input),
  read: (text) => decimal(readDecimal(text), text),
  fromNumber: finite,
  show: (n, options) => formatFixed(n, options.precision),
});

const CURRENCY_PREFIX_RE = /^(?:[A-Z]{3}(?![A-Za-z])|[A-Z]{0,2}[$€£¥₹₩₽₺₪₫])\s*/;
const CURRENCY_SUFFIX_RE = /\s*(?:(?<![A-Za-z])[A-Z]{3}|[$€£¥₹₩₽₺₪₫])$/;

/** Drops one currency marker (the field's symbol, a common symbol or an ISO code) before or after the number. */
function stripCurrency(symbol: string): (s: string) => string {
  return (s) => {
    if (symbol !== '' && s.startsWith(symbol)) return s.slice(symbol.length);
    if (symbol !== '' && s.endsWith(symbol)) return s.slice(0, s.length - symbol.length);
    const prefix = CURRENCY_PREFIX_RE.exec(s);
    if (prefix) return s.slice(prefix[0].length);
    const suffix = CURRENCY_SUFFIX_RE.exec(s);
    return suffix ? s.slice(0, suffix.index) : s;
  };
}

export const currencyField = numericDef({
  type: 'currency',
  label: 'Currency',
  sqlType: 'REAL',
  defaultOptions: () => ({ precision: 2, symbol: '$' }),
  normalizeOptions: (input) => parseOptions(currencyOptionsSchema, input),
  read: (text, options) => decimal(readDecimal(text, stripCurrency(options.symbol)), text),
  fromNumber: finite,
  show(n, options) {
    const fixed = formatFixed(n, options.precision);
    return fixed.startsWith('-')
      ? `-${options.symbol}${groupThousands(fixed.slice(1))}`
      : `${options.symbol}${groupThousands(fixed)}`;
  },
});

const stripPercent = (s: string): string => (s.endsWith('%') ? s.slice(0, -1) : s);

function readPercent(text: string): Normalized {
  const literal = readDecimal(text, stripPercent);
  if (literal === null) return invalid(`${quote(text.trim())} is not a percentage`);
  const n = shiftDecimal(literal, -2);
  return Number.isFinite(n) ? valid(n) : invalid(`${quote(text.trim())} is too large a number`);
}

export const percentField = numericDef({
  type: 'percent',
  label: 'Percent',
  sqlType: 'REAL',
  defaultOptions: () => ({ precision: 0 }),
  normalizeOptions: (input) => parseOptions(percentOptionsSchema, input),
  read: readPercent,
  fromNumber: finite,
  fromString: (text) => (text.trimEnd().endsWith('%') ? readPercent(text) : decimal(readDecimal(text), text)),
  show: (n, options) => `${formatFixed(shiftNumber(n, 2), options.precision)}%`,
});

const STAR = '★';
const EMPTY_STAR = '☆';

function rate(n: number, max: number, shown: unknown): Normalized {
  if (n === 0) return empty();
  if (!Number.isInteger(n) || n < 0) return invalid(`${quote(shown)} is not a rating (use a whole number from 1 to ${max})`);
  if (n > max) return invalid(`${quote(shown)} is more than the maximum rating of ${max}`);
  return valid(n);
}

function readRating(text: string, max: number): Normalized {
  const s = text.trim();
  if (s.startsWith(STAR) || s.startsWith(EMPTY_STAR)) {
    let stars = 0;
    for (const c of s) {
      if (c === STAR) stars++;
      else if (c !== EMPTY_STAR) return invalid(`${quote(s)} is not a rating (use a whole number from 1 to ${max})`);
    }
    return rate(stars, max, s);
  }
  const literal = readDecimal(s);
  if (literal === null) return invalid(`${quote(s)} is not a rating (use a whole number from 1 to ${max})`);
  return rate(Number(literal), max, s);
}

export const ratingField = numericDef({
  type: 'rating',
  label: 'Rating',
  sqlType: 'INTEGER',
  defaultOptions: () => ({ max: 5 }),
  normalizeOptions: (input) => parseOptions(ratingOptionsSchema, input),
  read: (text, options) => readRating(text, options.max),
  fromNumber: (n, options) => rate(n, options.max, n),
  show: (n) => String(n),
});
