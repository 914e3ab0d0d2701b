/**
 * Instants (dateTime and the computed time fields): reading them from text, writing them in a
 * field's formats and time zone, and the stored form `YYYY-MM-DDTHH:mm:ss.sssZ`.
 *
 * Reading (`parseDateTimeText`):
 * - ISO 8601 with `T` or a space, seconds and fractions optional, `Z` or an offset (`+01:00`,
 *   `+0100`, `+01`); without an offset the wall time is read in the field's time zone (DST gaps and
 *   overlaps as in `wallToUtc`). Fractions beyond milliseconds are cut.
 * - Any date `parseDateText` reads, followed by a time: `H:mm`, `H:mm:ss(.fff)`, `h AM`, `h:mm PM`
 *   (also `a.m.`), separated by a space, a comma, `T` or ` at `, optionally followed by `Z`, `UTC`,
 *   `GMT` or an offset.
 * - A date alone is midnight in the field's time zone.
 *
 * Writing (`formatDateTime`): the date in the field's date format, then the time; the 'iso' format
 * shows seconds (`2024-01-05 14:30:00`), the others minutes only (`1/5/2024 2:30 PM`). A wall time
 * that occurs twice (the repeated hour when DST ends) gets its offset appended so the text reads
 * back to the same instant.
 */
import type { DateFormat, TimeFormat } from '../schema/schema.types';
import { civilFromDays, formatCivilDate, isoDate, isRealDate, parseDateText, type CivilDate } from './civil-date.util';
import { isAmbiguousInstant, utcFromFields, wallToUtc, zoneOffset } from './time-zone.util';

export interface DateTimeOptions {
  dateFormat: DateFormat;
  timeFormat: TimeFormat;
  timeZone: string;
}

export const MIN_INSTANT_MS = utcFromFields(1, 1, 1);
export const MAX_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const TIME_TAIL_RE =
  /^(.+?)(?:T|\s+at\s+|,?\s+)(\d{1,2})(?::(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(?:([ap])\.?m\.?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
const OFFSET_RE = /^([+-])(\d{2}):?(\d{2})?$/;
const STORED_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/;
const DAY_MS = 86_400_000;

/** Milliseconds into the day, or null if the parts are not a time of day. */
function timeOfDay(hour: string, minute?: string, second?: string, fraction?: string, meridiem?: string): number | null {
  let h = Number(hour);
  const mi = minute === undefined ? 0 : Number(minute);
  const s = second === undefined ? 0 : Number(second);
  if (meridiem !== undefined) {
    if (h > 12) return null;
    h = (h % 12) + (meridiem === 'p' || meridiem === 'P' ? 12 : 0);
  } else if (h > 23) {
    return null;
  }
  if (mi > 59 || s > 59) return null;
  const ms = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  return ((h * 60 + mi) * 60 + s) * 1000 + ms;
}

/** Offset in ms east of UTC; undefined when absent, null when malformed. */
function offsetOf(text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined;
  const upper = text.toUpperCase();
  if (upper === 'Z' || upper === 'UTC' || upper === 'GMT') return 0;
  const m = OFFSET_RE.exec(text);
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = m[3] === undefined ? 0 : Number(m[3]);
  if (hours > 18 || minutes > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}

function instant(wallMs: number, offset: number | undefined, zone: string): number | 'impossible' {
  const ms = offset === undefined ? wallToUtc(wallMs, zone) : wallMs - offset;
  return ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS ? ms : 'impossible';
}

/** An instant (ms) from text (see the file comment); null when the text is not a date and time. */
export function parseDateTimeText(text: string, options: DateTimeOptions): number | 'impossible' | null {
  const s = text.trim();
  if (s.length > 60) return null;
  let m = ISO_RE.exec(s);
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    const time = timeOfDay(m[4] ?? '', m[5], m[6], m[7]);
    const offset = offsetOf(m[8]);
    if (!isRealDate(year, month, day) || time === null || offset === null) return 'impossible';
    return instant(utcFromFields(year, month, day) + time, offset, options.timeZone);
  }
  m = TIME_TAIL_RE.exec(s);
  if (m && (m[3] !== undefined || m[6] !== undefined)) {
    const date = parseDateText(m[1] ?? '', options.dateFormat);
    if (date === null || date === 'impossible') return date;
    const time = timeOfDay(m[2] ?? '', m[3], m[4], m[5], m[6]);
    const offset = offsetOf(m[7]);
    if (time === null || offset === null) return 'impossible';
    return instant(utcFromFields(date.year, date.month, date.day) + time, offset, options.timeZone);
  }
  const date = parseDateText(s, options.dateFormat);
  if (date === null || date === 'impossible') return date;
  return instant(utcFromFields(date.year, date.month, date.day), undefined, options.timeZone);
}

/** ms of a value in the stored form `YYYY-MM-DDTHH:mm:ss.sssZ`, or null if it is not exactly that. */
export function readStoredInstant(value: unknown): number | null {
  if (typeof value !== 'string' || value.length !== 24) return null;
  const m = STORED_RE.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (!isRealDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  return utcFromFields(year, month, day, hour, minute, second, Number(m[7]));
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/** Wall-clock parts of ms encoded as UTC (see time-zone.util). */
function partsOf(ms: number): { date: CivilDate; hours: number; minutes: number; seconds: number; millis: number } {
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  return { date: civilFromDays(days), hours: Math.floor(rest / 60), minutes: rest % 60, seconds, millis };
}

/** The stored form of an instant in 0001..9999 (what `Date#toISOString` gives, about ten times cheaper). */
export function isoInstant(ms: number): string {
  const p = partsOf(ms);
  return `${isoDate(p.date)}T${pad2(p.hours)}:${pad2(p.minutes)}:${pad2(p.seconds)}.${pad3(p.millis)}Z`;
}

function offsetText(offsetMs: number): string {
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  return `${offsetMs < 0 ? '-' : '+'}${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

/** The calendar date of an instant in a time zone. */
export function dateInZone(ms: number, zone: string): CivilDate {
  return civilFromDays(Math.floor((ms + zoneOffset(ms, zone)) / DAY_MS));
}

/** An instant as the field shows it, in the field's time zone (see the file comment). */
export function formatDateTime(ms: number, options: DateTimeOptions): string {
  const offset = zoneOffset(ms, options.timeZone);
  const wall = partsOf(ms + offset);
  const date = formatCivilDate(wall.date, options.dateFormat);
  const hours = wall.hours;
  const seconds = options.dateFormat === 'iso' ? `:${pad2(wall.seconds)}` : '';
  const time =
    options.timeFormat === '12h'
      ? `${hours % 12 || 12}:${pad2(wall.minutes)}${seconds} ${hours < 12 ? 'AM' : 'PM'}`
      : `${pad2(hours)}:${pad2(wall.minutes)}${seconds}`;
  const text = `${date} ${time}`;
  return isAmbiguousInstant(ms, options.timeZone) ? `${text} ${offsetText(offset)}` : text;
}

/**
 * The wall time of a stored instant in `zone`, as a `datetime-local` input shows it:
 * `YYYY-MM-DDTHH:mm`, with `:ss` when the instant has seconds. '' for anything not an instant.
 */
export function wallTimeInput(value: unknown, zone: string): string {
  const ms = readStoredInstant(value);
  if (ms === null) return '';
  const wall = isoInstant(ms + zoneOffset(ms, zone));
  return wall.slice(17, 19) === '00' ? wall.slice(0, 16) : wall.slice(0, 19);
}

const WALL_INPUT_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;

/**
 * The stored instant of a `datetime-local` value read as wall time in `zone` (a time skipped by a
 * DST change reads as wallToUtc reads it), or null when the text is empty or not such a value.
 */
export function instantFromWallInput(text: string, zone: string): string | null {
  const m = WALL_INPUT_RE.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (!isRealDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  return isoInstant(wallToUtc(utcFromFields(year, month, day, hour, minute, second), zone));
}
