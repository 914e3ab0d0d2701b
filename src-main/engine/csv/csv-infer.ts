/**
 * Column type inference for CSV import, streaming: rows are added batch by batch and memory stays
 * bounded: per column a few numbers, up to 50 distinct values while it may still be a select, and a
 * cache of up to 4096 values already seen (so repeated values are not parsed again), dropped as soon
 * as the column's values turn out to be mostly unique. Whitespace-only values count as empty.
 *
 * A type stays a candidate while every non-empty value parses with the field registry's `parse`
 * (the same function the import then uses, so an inferred column always imports cleanly). Once a
 * candidate fails it is never tested again. Of the candidates left, the first in this order wins:
 * checkbox, number, currency, percent, date, dateTime, email, url; then singleSelect for repetitive
 * columns, longText for long or multi-line values, else singleLineText.
 *
 * Guards beyond `parse`, so that the guess is what a person would choose:
 * - checkbox only for true/false and yes/no words (a 0/1 column is a number).
 * - number refuses leading zeros (`007`, zip codes, part numbers) and more than 15 digits (ids
 *   that a double would round), since those are codes, not quantities.
 * - currency needs at least one value with a currency symbol, and one symbol for the column; plain
 *   numbers may sit beside them. percent needs every value to end with `%`.
 * - date refuses values with a time; dateTime takes dates with or without times.
 * - url needs a scheme (`https://`) or `www.`; a bare `example.com` stays text.
 *
 * Shortcuts (for speed on 100k-row files; each is exact for what the registry does):
 * - text of the form `-123.45` is a number without calling the registry (it always reads those);
 * - a value that parses as a date is taken to parse as a date-time (midnight) too.
 */
import type { DateFormat, FieldOptions, FieldType, SelectChoice, TimeFormat } from '../../../src-shared/schema/schema.types';
import type { FieldTypeDef } from '../../../src-shared/fields/field-type';
import { getFieldType } from '../../../src-shared/fields/field-registry';
import { colorAt } from '../../../src-shared/fields/select-choices.util';
import { newId } from '../../../src-shared/ids';

/** An inferred field: a type and options valid for it. */
export type InferredField = { [T in FieldType]: { type: T; options: FieldOptions<T> } }[FieldType];

export interface InferOptions {
  /** IANA zone that date-times without an offset are read in. @default 'UTC' */
  timeZone?: string;
}

/** Limits for select detection. */
export const SELECT_MIN_VALUES = 10;
export const SELECT_MAX_CHOICES = 50;
export const SELECT_MAX_NAME = 100;
export const LONG_TEXT_CHARS = 255;
const MAX_PRECISION = 8;
const SEEN_CACHE_SIZE = 4096;

// Candidate bits. Dates are tested twice, month-first and day-first, for `1/2/2024`-style values.
const CHECKBOX = 1 << 0;
const NUMBER = 1 << 1;
const CURRENCY = 1 << 2;
const PERCENT = 1 << 3;
const DATE_MDY = 1 << 4;
const DATE_DMY = 1 << 5;
const DATETIME_MDY = 1 << 6;
const DATETIME_DMY = 1 << 7;
const EMAIL = 1 << 8;
const URL = 1 << 9;
const ALL = (1 << 10) - 1;

const BOOLEAN_WORDS = new Set(['true', 'false', 'yes', 'no']);
const LEADING_ZERO_RE = /^[+\-\u2212(]?\s*0\d/;
const SLASH_DATE_RE = /^\d{1,2}[/-]\d{1,2}[/-]\d{2,4}(?!\d)/;
const DOTTED_DATE_RE = /^\d{1,2}\.\d{1,2}\.\d{2,4}(?!\d)/;
const YEAR_FIRST_RE = /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}/;
const DATE_WITH_TIME_RE = /^\d{4}-\d{2}-\d{2}[T ]\d|:/;
const TWELVE_HOUR_RE = /\d\s*[ap]\.?m\.?\s*(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
const URL_PREFIX_RE = /^(?:[a-z][a-z0-9+.-]*:\/\/|www\.|mailto:)/i;
const CURRENCY_SYMBOLS = '$€£¥₹₩₽₺₪₫';
const SYMBOL_PREFIX_RE = new RegExp(`^(?:[A-Z]{0,2}[${CURRENCY_SYMBOLS}])`);
const SYMBOL_SUFFIX_RE = new RegExp(`[${CURRENCY_SYMBOLS}]$`);
const ISO_CODE_RE = /^([A-Z]{3})(?![A-Za-z])|(?<![A-Za-z])([A-Z]{3})$/;
/** ISO 4217 codes people put next to amounts; other three-letter prefixes are more likely codes of something else. */
const CURRENCY_CODES = new Set([
  'USD', 'EUR', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD', 'NZD', 'CNY', 'HKD', 'SGD', 'INR', 'KRW', 'SEK',
  'NOK', 'DKK', 'PLN', 'CZK', 'HUF', 'RON', 'BGN', 'TRY', 'RUB', 'ILS', 'ZAR', 'BRL', 'MXN', 'ARS',
  'CLP', 'COP', 'AED', 'SAR', 'THB', 'MYR', 'IDR', 'PHP', 'VND', 'TWD', 'UAH', 'ISK',
]);

interface ColumnState {
  live: number;
  nonEmpty: number;
  numberDecimals: number;
  currencyDecimals: number;
  percentDecimals: number;
  /** The column's currency symbol once a value carried one. */
  symbol: string | null;
  slashDates: boolean;
  dottedDates: boolean;
  namedDates: boolean;
  twelveHour: boolean;
  /** Distinct trimmed values in first-seen order while the column may be a select; null once it cannot. */
  distinct: Map<string, true> | null;
  long: boolean;
  /**
   * Raw values already accounted for (up to SEEN_CACHE_SIZE): a repeated value changes nothing but
   * the count, so it is not parsed again. Columns of dates, statuses or units repeat a lot.
   */
  seen: Set<string> | null;
  seenLookups: number;
  seenHits: number;
}

type Parse = (text: string) => boolean;

/**
 * What inference learned of one column, as plain data: a part of a file inferred elsewhere (an
 * import worker) is merged into the inference of the parts before it.
 */
export type ColumnSnapshot = Omit<ColumnState, 'distinct' | 'seen' | 'seenLookups' | 'seenHits'> & {
  /** Distinct values in first-seen order, or null once the column cannot be a select. */
  distinct: string[] | null;
};

export class ColumnTypeInferrer {
  private readonly columns: ColumnState[];
  private readonly timeZone: string;
  private readonly parsers: {
    checkbox: Parse;
    number: Parse;
    percent: Parse;
    dateMdy: Parse;
    dateDmy: Parse;
    dateTimeMdy: Parse;
    dateTimeDmy: Parse;
    email: Parse;
    url: Parse;
  };
  /** Currency parsing depends on the column's symbol. */
  private readonly currency: FieldTypeDef<'currency'>;

  constructor(
    readonly columnCount: number,
    options: InferOptions = {},
  ) {
    this.timeZone = options.timeZone ?? 'UTC';
    this.columns = Array.from({ length: columnCount }, () => ({
      live: ALL,
      nonEmpty: 0,
      numberDecimals: 0,
      currencyDecimals: 0,
      percentDecimals: 0,
      symbol: null,
      slashDates: false,
      dottedDates: false,
      namedDates: false,
      twelveHour: false,
      distinct: new Map<string, true>(),
      long: false,
      seen: new Set<string>(),
      seenLookups: 0,
      seenHits: 0,
    }));
    const parser = <T extends FieldType>(type: T, options: FieldOptions<T>): Parse => {
      const def = getFieldType(type);
      return (text) => def.parse(text, options).ok;
    };
    const dateTime = (dateFormat: DateFormat): FieldOptions<'dateTime'> => ({ dateFormat, timeFormat: '24h', timeZone: this.timeZone });
    this.parsers = {
      checkbox: parser('checkbox', {}),
      number: parser('number', { precision: 0 }),
      percent: parser('percent', { precision: 0 }),
      dateMdy: parser('date', { dateFormat: 'us' }),
      dateDmy: parser('date', { dateFormat: 'european' }),
      dateTimeMdy: parser('dateTime', dateTime('us')),
      dateTimeDmy: parser('dateTime', dateTime('european')),
      email: parser('email', {}),
      url: parser('url', {}),
    };
    this.currency = getFieldType('currency');
  }

  /** Adds rows; a row shorter than the column count counts its missing values as empty. */
  add(rows: readonly (readonly string[])[]): void {
    for (let c = 0; c < this.columns.length; c++) {
      const column = this.columns[c] as ColumnState;
      // A text column that is long and cannot be a select has nothing left to learn.
      if (column.live === 0 && column.distinct === null && column.long) continue;
      for (const row of rows) {
        const value = row[c];
        if (value !== undefined && value !== '') this.addValue(column, value);
      }
    }
  }

  /** How many values are held (select candidates and the seen-value cache): at most 50 + 4096 per column. */
  retainedValues(): number {
    let held = 0;
    for (const column of this.columns) held += (column.distinct?.size ?? 0) + (column.seen?.size ?? 0);
    return held;
  }

  result(): InferredField[] {
    return this.columns.map((column) => this.decide(column));
  }

  snapshot(): ColumnSnapshot[] {
    return this.columns.map((c) => ({
      live: c.live,
      nonEmpty: c.nonEmpty,
      numberDecimals: c.numberDecimals,
      currencyDecimals: c.currencyDecimals,
      percentDecimals: c.percentDecimals,
      symbol: c.symbol,
      slashDates: c.slashDates,
      dottedDates: c.dottedDates,
      namedDates: c.namedDates,
      twelveHour: c.twelveHour,
      distinct: c.distinct ? [...c.distinct.keys()] : null,
      long: c.long,
    }));
  }

  /**
   * Adds what another inferrer learned from the rows after this one's: the result is what one
   * inferrer given all rows in order would decide. Each fact is one that only grows (a candidate
   * dropped, a maximum, a flag) or, for select choices, an ordered set; the currency symbol must
   * agree. (Facts recorded by the other part while a candidate was alive there but already dead
   * here only matter while that candidate lives, which after the merge it does not.)
   */
  merge(after: readonly ColumnSnapshot[]): void {
    if (after.length !== this.columns.length) throw new Error(`ColumnTypeInferrer.merge: ${after.length} columns, expected ${this.columns.length}`);
    for (let i = 0; i < after.length; i++) {
      const c = this.columns[i] as ColumnState;
      const o = after[i] as ColumnSnapshot;
      let live = c.live & o.live;
      if (c.symbol !== null && o.symbol !== null && c.symbol !== o.symbol) live &= ~CURRENCY;
      c.symbol ??= o.symbol;
      c.live = live;
      c.nonEmpty += o.nonEmpty;
      c.numberDecimals = Math.max(c.numberDecimals, o.numberDecimals);
      c.currencyDecimals = Math.max(c.currencyDecimals, o.currencyDecimals);
      c.percentDecimals = Math.max(c.percentDecimals, o.percentDecimals);
      c.slashDates ||= o.slashDates;
      c.dottedDates ||= o.dottedDates;
      c.namedDates ||= o.namedDates;
      c.twelveHour ||= o.twelveHour;
      c.long ||= o.long;
      if (c.distinct === null || o.distinct === null || c.long) c.distinct = null;
      else {
        for (const name of o.distinct) {
          if (c.distinct.has(name)) continue;
          if (c.distinct.size >= SELECT_MAX_CHOICES) {
            c.distinct = null;
            break;
          }
          c.distinct.set(name, true);
        }
      }
      if (live === 0) c.seen = null;
    }
  }

  private addValue(column: ColumnState, raw: string): void {
    if (column.live === 0 && column.distinct === null) {
      // Only the longText question is open (and nonEmpty > 0 already, as distinct was dropped on a value).
      if (isLong(raw) && raw.trim() !== '') column.long = true;
      return;
    }
    const seen = column.seen;
    if (seen !== null) {
      column.seenLookups++;
      if (seen.has(raw)) {
        column.seenHits++;
        column.nonEmpty++;
        return;
      }
    }
    const text = raw.trim();
    if (text === '') return;
    column.nonEmpty++;
    if (seen !== null) {
      if (seen.size < SEEN_CACHE_SIZE) seen.add(raw);
      else if (column.seenHits * 4 < column.seenLookups) column.seen = null; // mostly unique values: hashing them costs more than it saves
    }

    if (!column.long && isLong(raw)) column.long = true;
    const distinct = column.distinct;
    if (distinct !== null) {
      if (text.length > SELECT_MAX_NAME || column.long) column.distinct = null;
      else if (!distinct.has(text)) {
        if (distinct.size >= SELECT_MAX_CHOICES) column.distinct = null;
        else distinct.set(text, true);
      }
    }

    let live = column.live;
    if (live === 0) return;
    const p = this.parsers;
    if (live & CHECKBOX && !(BOOLEAN_WORDS.has(text.toLowerCase()) && p.checkbox(text))) live &= ~CHECKBOX;

    let isPlainNumber = false;
    if (live & (NUMBER | CURRENCY)) {
      // Most numbers are `-123.45`: read those here; anything else goes to the registry.
      let decimals = simpleDecimal(text);
      if (decimals === NOT_SIMPLE) {
        const ok = !LEADING_ZERO_RE.test(text) && digitCount(text) <= 15 && p.number(text);
        decimals = ok ? decimalsOf(text) : NOT_A_NUMBER;
      }
      isPlainNumber = decimals >= 0;
      if (isPlainNumber) {
        if (decimals > column.numberDecimals) column.numberDecimals = decimals;
        if (decimals > column.currencyDecimals) column.currencyDecimals = decimals;
      } else live &= ~NUMBER;
    }
    if (live & CURRENCY && !isPlainNumber) {
      const symbol = currencySymbolOf(text);
      if (symbol === null || (column.symbol !== null && symbol !== column.symbol)) live &= ~CURRENCY;
      else {
        column.symbol = symbol;
        if (this.currency.parse(text, { precision: 2, symbol }).ok) {
          column.currencyDecimals = Math.max(column.currencyDecimals, decimalsOf(text));
        } else live &= ~CURRENCY;
      }
    }
    if (live & PERCENT) {
      if (text.endsWith('%') && p.percent(text)) column.percentDecimals = Math.max(column.percentDecimals, decimalsOf(text));
      else live &= ~PERCENT;
    }

    if (live & (DATE_MDY | DATE_DMY | DATETIME_MDY | DATETIME_DMY)) {
      // Only slash dates read differently month-first and day-first; others are parsed once.
      const slash = SLASH_DATE_RE.test(text);
      const hasTime = DATE_WITH_TIME_RE.test(text);
      // A value that reads as a date also reads as a date-time (midnight), so while a date candidate
      // holds, its date-time twin needs no parse of its own.
      const mdy = (live & DATE_MDY) !== 0 && !hasTime && p.dateMdy(text);
      const dmy = (live & DATE_DMY) !== 0 && !hasTime && (slash ? p.dateDmy(text) : mdy || p.dateMdy(text));
      if (!mdy) live &= ~DATE_MDY;
      if (!dmy) live &= ~DATE_DMY;
      if (live & DATETIME_MDY && !mdy && !p.dateTimeMdy(text)) live &= ~DATETIME_MDY;
      if (live & DATETIME_DMY && !dmy && !(slash ? p.dateTimeDmy(text) : p.dateTimeMdy(text))) live &= ~DATETIME_DMY;
      if (live & (DATE_MDY | DATE_DMY | DATETIME_MDY | DATETIME_DMY)) {
        if (slash) column.slashDates = true;
        else if (DOTTED_DATE_RE.test(text)) column.dottedDates = true;
        else if (!YEAR_FIRST_RE.test(text)) column.namedDates = true;
        if (hasTime && TWELVE_HOUR_RE.test(text)) column.twelveHour = true;
      }
    }

    if (live & EMAIL && !p.email(text)) live &= ~EMAIL;
    if (live & URL && !(URL_PREFIX_RE.test(text) && p.url(text))) live &= ~URL;
    column.live = live;
    if (live === 0) column.seen = null; // nothing left to parse, so nothing to save
  }

  private decide(column: ColumnState): InferredField {
    const live = column.live;
    if (column.nonEmpty === 0) return { type: 'singleLineText', options: {} };
    if (live & CHECKBOX) return { type: 'checkbox', options: {} };
    if (live & NUMBER) return { type: 'number', options: { precision: Math.min(column.numberDecimals, MAX_PRECISION) } };
    if (live & CURRENCY && column.symbol !== null) {
      return { type: 'currency', options: { precision: Math.min(column.currencyDecimals, MAX_PRECISION), symbol: column.symbol } };
    }
    if (live & PERCENT) return { type: 'percent', options: { precision: Math.min(column.percentDecimals, MAX_PRECISION) } };
    if (live & (DATE_MDY | DATE_DMY)) {
      return { type: 'date', options: { dateFormat: this.dateFormat(column, (live & DATE_MDY) !== 0) } };
    }
    if (live & (DATETIME_MDY | DATETIME_DMY)) {
      const timeFormat: TimeFormat = column.twelveHour ? '12h' : '24h';
      const dateFormat = this.dateFormat(column, (live & DATETIME_MDY) !== 0);
      return { type: 'dateTime', options: { dateFormat, timeFormat, timeZone: this.timeZone } };
    }
    if (live & EMAIL) return { type: 'email', options: {} };
    if (live & URL) return { type: 'url', options: {} };
    const distinct = column.distinct;
    if (
      distinct !== null &&
      column.nonEmpty >= SELECT_MIN_VALUES &&
      distinct.size <= SELECT_MAX_CHOICES &&
      distinct.size * 2 <= column.nonEmpty
    ) {
      const choices: SelectChoice[] = [...distinct.keys()].map((name, i) => ({ id: newId('sel'), name, color: colorAt(i) }));
      return { type: 'singleSelect', options: { choices } };
    }
    if (column.long) return { type: 'longText', options: {} };
    return { type: 'singleLineText', options: {} };
  }

  /**
   * The display format that matches how the column writes its dates; it also decides how the import
   * reads slash dates, so month-first wins only while it still reads every value.
   */
  private dateFormat(column: ColumnState, monthFirst: boolean): DateFormat {
    if (column.slashDates) return monthFirst ? 'us' : 'european';
    if (column.dottedDates) return 'european';
    if (column.namedDates) return 'friendly';
    return 'iso';
  }
}

function isLong(raw: string): boolean {
  return raw.length > LONG_TEXT_CHARS || raw.includes('\n') || raw.includes('\r');
}

const NOT_SIMPLE = -1;
const NOT_A_NUMBER = -2;

/**
 * For text of the form `-?digits(.digits)?` (which the number field always reads): its decimals, or
 * NOT_A_NUMBER when it is a code (leading zero, more than 15 digits). NOT_SIMPLE for any other text.
 */
function simpleDecimal(text: string): number {
  const n = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  const first = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  const intDigits = i - first;
  if (intDigits === 0) return NOT_SIMPLE;
  let decimals = 0;
  if (i < n) {
    if (text.charCodeAt(i) !== 46) return NOT_SIMPLE;
    const dot = ++i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    decimals = i - dot;
    if (i < n || decimals === 0) return NOT_SIMPLE;
  }
  if ((intDigits > 1 && text.charCodeAt(first) === 48) || intDigits + decimals > 15) return NOT_A_NUMBER;
  return decimals > MAX_PRECISION ? MAX_PRECISION : decimals;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function digitCount(text: string): number {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
  }
  return digits;
}

/** Decimals as written: the digits after the decimal point, adjusted for an exponent (`1.5e-3` has 4). */
function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  let decimals = 0;
  if (dot >= 0) {
    let i = dot + 1;
    while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    decimals = i - dot - 1;
  }
  const e = text.includes('e') || text.includes('E') ? text.search(/\d[eE][+-]?\d/) : -1;
  if (e >= 0) decimals -= Number(text.slice(e + 2).replace(/[^\d+-].*$/, ''));
  return Math.max(0, Math.min(decimals, MAX_PRECISION));
}

/** The currency marker of an amount (`$`, `US$`, `€`, `EUR`), or null. Signs and parentheses are skipped. */
function currencySymbolOf(text: string): string | null {
  const s = text.replace(/^[(\s+\-\u2212]+|[)\s]+$/g, '');
  const prefix = SYMBOL_PREFIX_RE.exec(s);
  if (prefix) return prefix[0];
  const suffix = SYMBOL_SUFFIX_RE.exec(s);
  if (suffix) return suffix[0];
  const code = ISO_CODE_RE.exec(s);
  const iso = code?.[1] ?? code?.[2];
  return iso !== undefined && CURRENCY_CODES.has(iso) ? iso : null;
}
