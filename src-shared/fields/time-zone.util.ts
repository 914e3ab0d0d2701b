/**
 * UTC offsets of IANA time zones, computed with Intl (the only time-zone database in pure
 * TypeScript). Formatting with Intl costs ~10 µs, so offsets are cached per zone and per UTC day:
 * a day's entry records the offset at its start and, if the offset changes within the day, the
 * instant of that change (found by bisection to the second). This assumes at most one transition a
 * day, which holds for every zone in current use.
 *
 * "Wall time" below is a local date and time encoded as if it were UTC milliseconds.
 */
const DAY_MS = 86_400_000;
const MAX_CACHED_DAYS = 100_000;

interface DayOffsets {
  /** First instant (ms) of the later offset; Infinity when the offset is constant all day. */
  at: number;
  before: number;
  after: number;
}

interface ZoneData {
  format: Intl.DateTimeFormat;
  days: Map<number, DayOffsets>;
}

const zones = new Map<string, ZoneData>();
const validity = new Map<string, string | null>();

/** The canonical name of an IANA zone (e.g. `europe/berlin` → `Europe/Berlin`), or null if unknown. */
export function canonicalTimeZone(zone: string): string | null {
  const known = validity.get(zone);
  if (known !== undefined) return known;
  let canonical: string | null;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    canonical = null;
  }
  if (validity.size > 1000) validity.clear();
  validity.set(zone, canonical);
  return canonical;
}

export function isValidTimeZone(zone: string): boolean {
  return canonicalTimeZone(zone) !== null;
}

function zoneData(zone: string): ZoneData {
  let data = zones.get(zone);
  if (!data) {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    data = { format, days: new Map() };
    zones.set(zone, data);
  }
  return data;
}

/** Milliseconds since epoch of a UTC date and time; handles years 1..99, which `Date.UTC` maps to 19xx. */
export function utcFromFields(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  date.setUTCFullYear(year);
  return date.getTime();
}

/** Offset (ms) of `zone` at a whole second, straight from Intl. */
function rawOffset(data: ZoneData, utcMs: number): number {
  const base = utcMs - (((utcMs % 1000) + 1000) % 1000);
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of data.format.formatToParts(base)) {
    switch (part.type) {
      case 'year': year = Number(part.value); break;
      case 'month': month = Number(part.value); break;
      case 'day': day = Number(part.value); break;
      case 'hour': hour = Number(part.value); break;
      case 'minute': minute = Number(part.value); break;
      case 'second': second = Number(part.value); break;
      default: break;
    }
  }
  return utcFromFields(year, month, day, hour, minute, second) - base;
}

function dayOffsets(data: ZoneData, dayIndex: number): DayOffsets {
  let entry = data.days.get(dayIndex);
  if (entry) return entry;
  const start = dayIndex * DAY_MS;
  const before = rawOffset(data, start);
  const after = rawOffset(data, start + DAY_MS);
  if (before === after) {
    entry = { at: Infinity, before, after };
  } else {
    let lo = start;
    let hi = start + DAY_MS;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (rawOffset(data, mid) === before) lo = mid;
      else hi = mid;
    }
    entry = { at: hi, before, after };
  }
  if (data.days.size >= MAX_CACHED_DAYS) data.days.clear();
  data.days.set(dayIndex, entry);
  return entry;
}

/** Offset (ms, east positive) of a valid zone at an instant. */
export function zoneOffset(utcMs: number, zone: string): number {
  if (zone === 'UTC') return 0;
  const entry = dayOffsets(zoneData(zone), Math.floor(utcMs / DAY_MS));
  return utcMs < entry.at ? entry.before : entry.after;
}

/** Every instant whose wall time in `zone` is `wallMs`: none in a DST gap, two in an overlap. */
function instantsOf(wallMs: number, zone: string): number[] {
  const before = zoneOffset(wallMs - DAY_MS, zone);
  const after = zoneOffset(wallMs + DAY_MS, zone);
  const out: number[] = [];
  for (const offset of before === after ? [before] : [before, after]) {
    const utc = wallMs - offset;
    if (zoneOffset(utc, zone) === offset) out.push(utc);
  }
  return out.sort((a, b) => a - b);
}

/**
 * The instant of a wall time in `zone`. In a DST overlap the earlier instant wins; in a gap the
 * time is read with the offset before the change, i.e. 02:30 on a spring-forward night is 03:30
 * (the "compatible" choice of Temporal and of most calendars).
 */
export function wallToUtc(wallMs: number, zone: string): number {
  if (zone === 'UTC') return wallMs;
  const instants = instantsOf(wallMs, zone);
  return instants[0] ?? wallMs - zoneOffset(wallMs - DAY_MS, zone);
}

/** True when the wall time of this instant occurs twice in `zone` (the repeated hour of a DST change). */
export function isAmbiguousInstant(utcMs: number, zone: string): boolean {
  if (zone === 'UTC') return false;
  return instantsOf(utcMs + zoneOffset(utcMs, zone), zone).length > 1;
}
