import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, isAmbiguousInstant, isValidTimeZone, wallToUtc, zoneOffset } from './time-zone.util';
import { isoInstant, MAX_INSTANT_MS, MIN_INSTANT_MS, readStoredInstant } from './date-time-text.util';

const HOUR = 3_600_000;

/** The offset straight from Intl, with no caching, to check the cached one against. */
function intlOffset(ms: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(ms);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = new Date(0);
  wall.setUTCFullYear(get('year'), get('month') - 1, get('day'));
  wall.setUTCHours(get('hour'), get('minute'), get('second'), 0);
  return wall.getTime() - (ms - (((ms % 1000) + 1000) % 1000));
}

describe('time zones', () => {
  it('knows IANA zones and their canonical names', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(canonicalTimeZone('america/new_york')).toBe('America/New_York');
  });

  it('gives the same offsets as Intl at every instant, including around DST changes', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Kolkata', 'Africa/Casablanca', 'Pacific/Apia'];
    let seed = 12345;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (const zone of zones) {
      for (let i = 0; i < 300; i++) {
        const ms = Math.floor(Date.UTC(1900, 0, 1) + random() * (Date.UTC(2040, 0, 1) - Date.UTC(1900, 0, 1)));
        expect(zoneOffset(ms, zone), `${zone} ${new Date(ms).toISOString()}`).toBe(intlOffset(ms, zone));
      }
      // Every 30 minutes through 2024, which crosses each of the year's transitions.
      for (let ms = Date.UTC(2024, 0, 1); ms < Date.UTC(2025, 0, 1); ms += HOUR / 2) {
        expect(zoneOffset(ms, zone), `${zone} ${new Date(ms).toISOString()}`).toBe(intlOffset(ms, zone));
      }
    }
  });

  it('switches offset at the exact second of a DST change', () => {
    const change = Date.UTC(2024, 2, 31, 1, 0, 0); // Europe/Berlin: 02:00 CET → 03:00 CEST
    expect(zoneOffset(change - 1, 'Europe/Berlin')).toBe(HOUR);
    expect(zoneOffset(change, 'Europe/Berlin')).toBe(2 * HOUR);
  });

  it('reads a wall time in a DST gap with the offset before the change, and in an overlap as the earlier instant', () => {
    expect(new Date(wallToUtc(Date.UTC(2024, 2, 10, 2, 30), 'America/New_York')).toISOString()).toBe('2024-03-10T07:30:00.000Z');
    expect(new Date(wallToUtc(Date.UTC(2024, 10, 3, 1, 30), 'America/New_York')).toISOString()).toBe('2024-11-03T05:30:00.000Z');
    // Lord Howe moves by half an hour.
    expect(new Date(wallToUtc(Date.UTC(2024, 3, 7, 1, 45), 'Australia/Lord_Howe')).toISOString()).toBe('2024-04-06T14:45:00.000Z');
  });

  it('knows which instants fall in the repeated hour', () => {
    expect(isAmbiguousInstant(Date.UTC(2024, 9, 27, 0, 30), 'Europe/Berlin')).toBe(true);
    expect(isAmbiguousInstant(Date.UTC(2024, 9, 27, 1, 30), 'Europe/Berlin')).toBe(true);
    expect(isAmbiguousInstant(Date.UTC(2024, 9, 27, 2, 30), 'Europe/Berlin')).toBe(false);
    expect(isAmbiguousInstant(Date.UTC(2024, 9, 27, 0, 30), 'UTC')).toBe(false);
  });
});

describe('stored instants', () => {
  it('are written exactly as Date#toISOString writes them, for years 1 to 9999', () => {
    const step = Math.floor((MAX_INSTANT_MS - MIN_INSTANT_MS) / 5000) + 7;
    for (let ms = MIN_INSTANT_MS; ms <= MAX_INSTANT_MS; ms += step) {
      expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
      expect(readStoredInstant(isoInstant(ms))).toBe(ms);
    }
    expect(isoInstant(MAX_INSTANT_MS)).toBe('9999-12-31T23:59:59.999Z');
    expect(isoInstant(MIN_INSTANT_MS)).toBe('0001-01-01T00:00:00.000Z');
  });
  it('are read only in the exact stored form and only when real', () => {
    expect(readStoredInstant('2024-02-29T23:59:59.999Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59, 999));
    expect(readStoredInstant('2023-02-29T00:00:00.000Z')).toBeNull();
    expect(readStoredInstant('2024-01-05T24:00:00.000Z')).toBeNull();
    expect(readStoredInstant('2024-01-05T10:00:00Z')).toBeNull();
    expect(readStoredInstant(5)).toBeNull();
  });
});
