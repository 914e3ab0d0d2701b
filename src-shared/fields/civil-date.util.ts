/**
 * Calendar dates without a time or zone ("civil" dates): reading them from the ways people write
 * them, and writing them in a field's date format. Years are 0001..9999 so the stored form is always
 * `YYYY-MM-DD`.
 *
 * Reading (`parseDateText`):
 * - `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD` (year first is never ambiguous); an ISO date-time's
 *   date part as written (`2024-01-05T23:00-05:00` is 2024-01-05).
 * - `M/D/YYYY` (also with `-`), or `D/M/YYYY` when the field's format is 'european'.
 * - `D.M.YYYY`: always day first, whatever the format.
 * - English month names or abbreviations, either order, optional weekday and ordinal suffix:
 *   `Jan 5, 2024`, `January 5 2024`, `5 January 2024`, `5-Jan-2024`, `Fri, Jan 5th, 2024`.
 * - Two-digit years in slash, dotted and day-first month-name forms: 00–49 → 20xx, 50–99 → 19xx.
 * Impossible dates (2023-02-30) are reported as 'impossible', not rolled over.
 */
import type { DateFormat } from '../schema/schema.types';
import { assertNever } from '../errors';

export interface CivilDate {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
}

const YMD_RE = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/;
const ISO_DATE_TIME_PREFIX_RE = /^(\d{4})-(\d{2})-(\d{2})[T ]\d/;
const SLASH_RE = /^(\d{1,2})([/-])(\d{1,2})\2(\d{4}|\d{2})$/;
const DOT_RE = /^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})$/;
const WEEKDAY = '(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\\.?,?\\s+)?';
const MONTH_FIRST_RE = new RegExp(`^${WEEKDAY}([a-z]{3,9})\\.?[\\s-]+(\\d{1,2})(?:st|nd|rd|th)?,?[\\s-]+(\\d{4})$`, 'i');
const DAY_FIRST_RE = new RegExp(`^${WEEKDAY}(\\d{1,2})(?:st|nd|rd|th)?\\.?[\\s-]+([a-z]{3,9})\\.?,?[\\s-]+(\\d{4}|\\d{2})$`, 'i');
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MONTH_ABBR = MONTH_NAMES.map((m) => m.slice(0, 3));
const MONTHS_BY_NAME = new Map<string, number>();
MONTH_NAMES.forEach((name, i) => {
  MONTHS_BY_NAME.set(name.toLowerCase(), i + 1);
  MONTHS_BY_NAME.set(name.slice(0, 3).toLowerCase(), i + 1);
});
MONTHS_BY_NAME.set('sept', 9);

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function isRealDate(year: number, month: number, day: number): boolean {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function fullYear(text: string): number {
  const n = Number(text);
  if (text.length !== 2) return n;
  return n < 50 ? 2000 + n : 1900 + n;
}

function civil(year: number, month: number, day: number): CivilDate | 'impossible' {
  return isRealDate(year, month, day) ? { year, month, day } : 'impossible';
}

/** A date from text (see the file comment); null when the text is not a date at all. */
export function parseDateText(text: string, format: DateFormat): CivilDate | 'impossible' | null {
  const s = text.trim();
  if (s.length > 40) return null;
  let m = YMD_RE.exec(s);
  if (m) return civil(Number(m[1]), Number(m[3]), Number(m[4]));
  m = ISO_DATE_TIME_PREFIX_RE.exec(s);
  if (m) return civil(Number(m[1]), Number(m[2]), Number(m[3]));
  m = SLASH_RE.exec(s);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    const year = fullYear(m[4] ?? '');
    return format === 'european' ? civil(year, b, a) : civil(year, a, b);
  }
  m = DOT_RE.exec(s);
  if (m) return civil(fullYear(m[3] ?? ''), Number(m[2]), Number(m[1]));
  m = MONTH_FIRST_RE.exec(s);
  if (m) {
    const month = MONTHS_BY_NAME.get((m[1] ?? '').toLowerCase());
    return month === undefined ? null : civil(Number(m[3]), month, Number(m[2]));
  }
  m = DAY_FIRST_RE.exec(s);
  if (m) {
    const month = MONTHS_BY_NAME.get((m[2] ?? '').toLowerCase());
    return month === undefined ? null : civil(fullYear(m[3] ?? ''), month, Number(m[1]));
  }
  return null;
}

/** The stored form `YYYY-MM-DD` of a date, or null if `text` is not exactly that and real. */
export function readStoredDate(text: string): CivilDate | null {
  // By character codes rather than a regex: imports read every date cell this way several times.
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (year < 0 || month < 0 || day < 0) return null;
  return isRealDate(year, month, day) ? { year, month, day } : null;
}

/** The number written by the `count` ASCII digits at `at`, or -1 if any is not a digit. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * The date of a day number (days since 1970-01-01, UTC), by arithmetic on the proleptic Gregorian
 * calendar (Hinnant's civil-from-days); much cheaper than a Date and its UTC getters.
 */
export function civilFromDays(days: number): CivilDate {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad4 = (n: number): string => String(n).padStart(4, '0');

export function isoDate(date: CivilDate): string {
  return `${pad4(date.year)}-${pad2(date.month)}-${pad2(date.day)}`;
}

/** A date as the field shows it. Years are always four digits so the text reads back unchanged. */
export function formatCivilDate(date: CivilDate, format: DateFormat): string {
  switch (format) {
    case 'iso':
      return isoDate(date);
    case 'us':
      return `${date.month}/${date.day}/${pad4(date.year)}`;
    case 'european':
      return `${date.day}/${date.month}/${pad4(date.year)}`;
    case 'friendly':
      return `${MONTH_ABBR[date.month - 1] ?? ''} ${date.day}, ${pad4(date.year)}`;
    default:
      return assertNever(format, 'date format');
  }
}
