/**
 * Durations (stored in seconds, may be negative or fractional) as text.
 *
 * Reading: `h:mm`, `h:mm:ss`, `h:mm:ss.fff` (any number of fraction digits), optional leading sign;
 * two parts are always hours and minutes, whatever the format. A plain number is read in the
 * format's smallest whole unit shown: minutes for 'h:mm', seconds for every other format (so a
 * pasted "90" means 1:30 in an h:mm field and 0:01:30 in an h:mm:ss field).
 * Writing: hours are not wrapped at 24 (`36:00`); the value is rounded to the format's unit.
 */
import type { DurationFormat } from '../schema/schema.types';
import { finiteOrNull, readDecimal, shiftDecimal } from './number-text.util';

const CLOCK_RE = /^([+-])?(\d+):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?$/;

const FRACTION_DIGITS: Record<DurationFormat, number> = {
  'h:mm': 0,
  'h:mm:ss': 0,
  'h:mm:ss.s': 1,
  'h:mm:ss.ss': 2,
  'h:mm:ss.sss': 3,
};

/** Seconds from `h:mm[:ss[.fff]]`, or null. Minutes and seconds must be below 60. */
export function parseClockText(text: string): number | null {
  const m = CLOCK_RE.exec(text.trim());
  if (!m) return null;
  const minutes = Number(m[3]);
  const seconds = m[4] === undefined ? 0 : Number(m[4]);
  if (minutes > 59 || seconds > 59) return null;
  const whole = Number(m[2]) * 3600 + minutes * 60 + seconds;
  const value = m[5] === undefined ? whole : Number(`${whole}.${m[5]}`);
  return Number.isFinite(value) ? (m[1] === '-' && value !== 0 ? -value : value) : null;
}

/** Seconds from text in a field of this format (see the file comment), or null. */
export function parseDurationText(text: string, format: DurationFormat): number | null {
  const clock = parseClockText(text);
  if (clock !== null) return clock;
  const literal = readDecimal(text);
  if (literal === null) return null;
  if (format !== 'h:mm') return finiteOrNull(literal);
  const seconds = Number(literal) * 60;
  return Number.isFinite(seconds) ? seconds + 0 : null;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export function formatDuration(seconds: number, format: DurationFormat): string {
  const abs = Math.abs(seconds);
  if (format === 'h:mm') {
    const minutes = Math.round(abs / 60);
    const sign = seconds < 0 && minutes > 0 ? '-' : '';
    return `${sign}${Math.floor(minutes / 60)}:${pad(minutes % 60, 2)}`;
  }
  const digits = FRACTION_DIGITS[format];
  const scale = 10 ** digits;
  const units = Math.round(shiftDecimal(String(abs), digits));
  const whole = Math.floor(units / scale);
  const sign = seconds < 0 && units > 0 ? '-' : '';
  const clock = `${sign}${Math.floor(whole / 3600)}:${pad(Math.floor(whole / 60) % 60, 2)}:${pad(whole % 60, 2)}`;
  return digits === 0 ? clock : `${clock}.${pad(units % scale, digits)}`;
}
