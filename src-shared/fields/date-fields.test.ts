import { describe, expect, it } from 'vitest';
import { dateField, dateTimeField, durationField } from './date-fields';
import { readStoredDate } from './civil-date.util';
import { instantFromWallInput, wallTimeInput } from './date-time-text.util';
import type { FieldOptions } from '../schema/schema.types';

describe('date', () => {
  const f = dateField;
  const iso: FieldOptions<'date'> = { dateFormat: 'iso' };
  const us: FieldOptions<'date'> = { dateFormat: 'us' };
  const eu: FieldOptions<'date'> = { dateFormat: 'european' };
  const friendly: FieldOptions<'date'> = { dateFormat: 'friendly' };

  it.each([
    ['2024-01-05', '2024-01-05'],
    ['2024-1-5', '2024-01-05'],
    ['2024/01/05', '2024-01-05'],
    ['1/5/2024', '2024-01-05'],
    ['01-05-2024', '2024-01-05'],
    ['1/5/24', '2024-01-05'],
    ['1/5/99', '1999-01-05'],
    ['Jan 5, 2024', '2024-01-05'],
    ['January 5 2024', '2024-01-05'],
    ['5 January 2024', '2024-01-05'],
    ['5-Jan-2024', '2024-01-05'],
    ['Fri, Jan 5th, 2024', '2024-01-05'],
    ['Sept 9, 2024', '2024-09-09'],
    ['2024-01-05T23:30:00-05:00', '2024-01-05'],
  ])('reads %s as %s', (text, value) => {
    expect(f.parse(text, us)).toEqual({ ok: true, value });
  });
  it('reads slash dates month-first unless the field is European', () => {
    expect(f.parse('3/4/2024', iso)).toEqual({ ok: true, value: '2024-03-04' });
    expect(f.parse('3/4/2024', eu)).toEqual({ ok: true, value: '2024-04-03' });
  });
  it('reads a dotted date day-first whatever the format', () => {
    expect(f.parse('3.4.2024', us)).toEqual({ ok: true, value: '2024-04-03' });
    expect(f.parse('31.12.2023', iso)).toEqual({ ok: true, value: '2023-12-31' });
  });
  it('refuses impossible dates instead of rolling them over', () => {
    expect(f.parse('2023-02-30', iso)).toEqual({ ok: false, message: `'2023-02-30' is not a real date` });
    expect(f.parse('2/29/2023', us)).toEqual({ ok: false, message: `'2/29/2023' is not a real date` });
    expect(f.parse('2024-02-29', iso)).toEqual({ ok: true, value: '2024-02-29' });
    expect(f.parse('13/13/2024', eu)).toEqual({ ok: false, message: `'13/13/2024' is not a real date` });
  });
  it('refuses text that is not a date', () => {
    expect(f.parse('tomorrow', iso)).toEqual({ ok: false, message: `'tomorrow' is not a date (e.g. 2024-01-05)` });
    expect(f.parse('Foo 5, 2024', iso)).toEqual({ ok: false, message: `'Foo 5, 2024' is not a date (e.g. 2024-01-05)` });
    expect(f.normalize(20240105, iso)).toEqual({ ok: false, message: `'20240105' is not a date (e.g. 2024-01-05)` });
  });
  it('takes ISO strings from the API', () => {
    expect(f.normalize('2024-01-05', iso)).toEqual({ ok: true, value: '2024-01-05' });
    expect(f.normalize('2024-01-05T10:00:00.000Z', iso)).toEqual({ ok: true, value: '2024-01-05' });
  });
  it('shows the date in the field format', () => {
    expect(f.format('2024-01-05', iso)).toBe('2024-01-05');
    expect(f.format('2024-01-05', us)).toBe('1/5/2024');
    expect(f.format('2024-01-05', eu)).toBe('5/1/2024');
    expect(f.format('2024-01-05', friendly)).toBe('Jan 5, 2024');
    expect(f.format('0900-03-04', us)).toBe('3/4/0900');
    expect(f.format(null, iso)).toBe('');
  });
  it("projects to TEXT 'YYYY-MM-DD'", () => {
    expect(f.sqlType).toBe('TEXT');
    expect(f.toSql('2024-01-05', iso)).toBe('2024-01-05');
    expect(f.toSql('garbage', iso)).toBeNull();
    expect(f.fromSql('2024-01-05', iso)).toBe('2024-01-05');
    expect(f.fromSql(null, iso)).toBeNull();
    expect(f.filterOps).toContain('withinPastDays');
    expect(f.filterOps).toContain('withinNextDays');
  });
});

describe('date and time', () => {
  const f = dateTimeField;
  const utc: FieldOptions<'dateTime'> = { dateFormat: 'iso', timeFormat: '24h', timeZone: 'UTC' };
  const berlin: FieldOptions<'dateTime'> = { dateFormat: 'iso', timeFormat: '24h', timeZone: 'Europe/Berlin' };
  const nyUs: FieldOptions<'dateTime'> = { dateFormat: 'us', timeFormat: '12h', timeZone: 'America/New_York' };

  it('reads ISO with Z or an offset as that instant', () => {
    expect(f.parse('2024-01-05T14:30:00Z', berlin)).toEqual({ ok: true, value: '2024-01-05T14:30:00.000Z' });
    expect(f.parse('2024-01-05T14:30:00.123456+02:00', utc)).toEqual({ ok: true, value: '2024-01-05T12:30:00.123Z' });
    expect(f.parse('2024-01-05 14:30-0500', utc)).toEqual({ ok: true, value: '2024-01-05T19:30:00.000Z' });
  });
  it("reads a time without an offset in the field's time zone", () => {
    expect(f.parse('2024-01-05 14:30', berlin)).toEqual({ ok: true, value: '2024-01-05T13:30:00.000Z' });
    expect(f.parse('2024-07-05 14:30:15', berlin)).toEqual({ ok: true, value: '2024-07-05T12:30:15.000Z' });
    expect(f.parse('2024-01-05', berlin)).toEqual({ ok: true, value: '2024-01-04T23:00:00.000Z' });
  });
  it('reads the date forms followed by a time, with AM/PM', () => {
    expect(f.parse('1/5/2024 2:30 PM', nyUs)).toEqual({ ok: true, value: '2024-01-05T19:30:00.000Z' });
    expect(f.parse('Jan 5, 2024 at 9am', utc)).toEqual({ ok: true, value: '2024-01-05T09:00:00.000Z' });
    expect(f.parse('5.1.2024 12:00 a.m.', utc)).toEqual({ ok: true, value: '2024-01-05T00:00:00.000Z' });
    expect(f.parse('5 January 2024, 18:05:09 UTC', berlin)).toEqual({ ok: true, value: '2024-01-05T18:05:09.000Z' });
  });
  it('reads a wall time in the skipped hour of spring-forward as the hour after (Europe/Berlin)', () => {
    // 2024-03-31: 02:00 CET jumps to 03:00 CEST.
    expect(f.parse('2024-03-31 01:30', berlin)).toEqual({ ok: true, value: '2024-03-31T00:30:00.000Z' });
    expect(f.parse('2024-03-31 02:30', berlin)).toEqual({ ok: true, value: '2024-03-31T01:30:00.000Z' });
    expect(f.parse('2024-03-31 03:30', berlin)).toEqual({ ok: true, value: '2024-03-31T01:30:00.000Z' });
  });
  it('reads a repeated wall time at fall-back as its first occurrence, and an offset picks the second (Europe/Berlin)', () => {
    // 2024-10-27: 03:00 CEST falls back to 02:00 CET.
    expect(f.parse('2024-10-27 02:30', berlin)).toEqual({ ok: true, value: '2024-10-27T00:30:00.000Z' });
    expect(f.parse('2024-10-27 02:30 +01:00', berlin)).toEqual({ ok: true, value: '2024-10-27T01:30:00.000Z' });
    expect(f.parse('2024-10-27 03:30', berlin)).toEqual({ ok: true, value: '2024-10-27T02:30:00.000Z' });
  });
  it('shows the repeated hour with its offset so both instants read back', () => {
    expect(f.format('2024-10-27T00:30:00.000Z', berlin)).toBe('2024-10-27 02:30:00 +02:00');
    expect(f.format('2024-10-27T01:30:00.000Z', berlin)).toBe('2024-10-27 02:30:00 +01:00');
    for (const v of ['2024-10-27T00:30:00.000Z', '2024-10-27T01:30:00.000Z']) {
      expect(f.parse(f.format(v, berlin), berlin)).toEqual({ ok: true, value: v });
    }
  });
  it('refuses impossible and unreadable date-times', () => {
    expect(f.parse('2023-02-30 10:00', utc)).toEqual({ ok: false, message: `'2023-02-30 10:00' is not a real date and time` });
    expect(f.parse('2024-01-05 25:00', utc)).toEqual({ ok: false, message: `'2024-01-05 25:00' is not a real date and time` });
    expect(f.parse('1/5/2024 13:00 PM', utc)).toEqual({ ok: false, message: `'1/5/2024 13:00 PM' is not a real date and time` });
    expect(f.parse('soon', utc)).toEqual({ ok: false, message: `'soon' is not a date and time (e.g. 2024-01-05 14:30)` });
  });
  it('takes the stored form, other text and ms since epoch from the API', () => {
    expect(f.normalize('2024-01-05T14:30:00.000Z', berlin)).toEqual({ ok: true, value: '2024-01-05T14:30:00.000Z' });
    expect(f.normalize('2024-01-05T14:30:00Z', berlin)).toEqual({ ok: true, value: '2024-01-05T14:30:00.000Z' });
    expect(f.normalize(Date.UTC(2024, 0, 5, 14, 30), berlin)).toEqual({ ok: true, value: '2024-01-05T14:30:00.000Z' });
    expect(f.normalize(1.5, berlin)).toEqual({ ok: false, message: `'1.5' is not a time in ms since 1970` });
  });
  it("shows the time in the field's zone and formats", () => {
    expect(f.format('2024-01-05T13:30:00.000Z', berlin)).toBe('2024-01-05 14:30:00');
    expect(f.format('2024-01-05T19:30:00.000Z', nyUs)).toBe('1/5/2024 2:30 PM');
    expect(f.format('2024-01-05T05:00:00.000Z', { dateFormat: 'friendly', timeFormat: '24h', timeZone: 'UTC' })).toBe('Jan 5, 2024 05:00');
    expect(f.format('2024-01-05T00:05:00.000Z', { dateFormat: 'european', timeFormat: '12h', timeZone: 'UTC' })).toBe('5/1/2024 12:05 AM');
    expect(f.format('not a time', utc)).toBe('');
  });
  it('projects to INTEGER ms and reads back the ISO form', () => {
    expect(f.sqlType).toBe('INTEGER');
    expect(f.toSql('2024-01-05T14:30:00.000Z', utc)).toBe(Date.UTC(2024, 0, 5, 14, 30));
    expect(f.toSql('yesterday', utc)).toBeNull();
    expect(f.fromSql(Date.UTC(2024, 0, 5, 14, 30), utc)).toBe('2024-01-05T14:30:00.000Z');
    expect(f.fromSql(null, utc)).toBeNull();
  });
});

describe('duration', () => {
  const f = durationField;
  const hm: FieldOptions<'duration'> = { durationFormat: 'h:mm' };
  const hms: FieldOptions<'duration'> = { durationFormat: 'h:mm:ss' };
  const ms3: FieldOptions<'duration'> = { durationFormat: 'h:mm:ss.sss' };

  it('reads clock text', () => {
    expect(f.parse('1:30', hms)).toEqual({ ok: true, value: 5400 });
    expect(f.parse('1:02:03', hm)).toEqual({ ok: true, value: 3723 });
    expect(f.parse('0:00:01.5', ms3)).toEqual({ ok: true, value: 1.5 });
    expect(f.parse('1:02:03.123', ms3)).toEqual({ ok: true, value: 3723.123 });
    expect(f.parse('-0:30', hm)).toEqual({ ok: true, value: -1800 });
    expect(f.parse('36:00', hm)).toEqual({ ok: true, value: 129600 });
  });
  it("reads a plain number in text as minutes for h:mm and seconds otherwise", () => {
    expect(f.parse('90', hm)).toEqual({ ok: true, value: 5400 });
    expect(f.parse('90', hms)).toEqual({ ok: true, value: 90 });
  });
  it('takes a number from the API as seconds', () => {
    expect(f.normalize(90, hm)).toEqual({ ok: true, value: 90 });
    expect(f.normalize('90', hm)).toEqual({ ok: true, value: 90 });
    expect(f.normalize('1:30', hm)).toEqual({ ok: true, value: 5400 });
  });
  it('refuses text that is not a duration', () => {
    expect(f.parse('1:75', hm)).toEqual({ ok: false, message: `'1:75' is not a duration (use h:mm or a number)` });
    expect(f.parse('an hour', hms)).toEqual({ ok: false, message: `'an hour' is not a duration (use h:mm:ss or a number)` });
    expect(f.normalize({}, hms)).toEqual({ ok: false, message: `'{}' is not a duration (use h:mm:ss or a number)` });
  });
  it('shows the duration rounded to its format', () => {
    expect(f.format(5400, hm)).toBe('1:30');
    expect(f.format(5429, hm)).toBe('1:30');
    expect(f.format(3723, hms)).toBe('1:02:03');
    expect(f.format(3723.5, { durationFormat: 'h:mm:ss.s' })).toBe('1:02:03.5');
    expect(f.format(3723.123, ms3)).toBe('1:02:03.123');
    expect(f.format(0.05, { durationFormat: 'h:mm:ss.ss' })).toBe('0:00:00.05');
    expect(f.format(-90, hms)).toBe('-0:01:30');
    expect(f.format(129600, hm)).toBe('36:00');
  });
  it('projects seconds to REAL', () => {
    expect(f.sqlType).toBe('REAL');
    expect(f.toSql(90, hm)).toBe(90);
    expect(f.fromSql(90, hm)).toBe(90);
    expect(f.searchText(5400, hm)).toBe('1:30');
  });
});

describe('readStoredDate', () => {
  it('reads exactly YYYY-MM-DD of a real day, and nothing else', () => {
    expect(readStoredDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(readStoredDate('0001-01-01')).toEqual({ year: 1, month: 1, day: 1 });
    expect(readStoredDate('9999-12-31')).toEqual({ year: 9999, month: 12, day: 31 });
    for (const text of ['2023-02-29', '2024-13-01', '2024-00-10', '2024-01-00', '0000-01-01', '2024-1-05', '2024-01-5', ' 2024-01-05', '2024-01-05 ', '2024/01/05', '2024-01-0a', '２０２４-01-05', '+024-01-05', '', '2024-01-05T00:00']) {
      expect(readStoredDate(text), text).toBeNull();
    }
  });
});

describe('date-time pickers: wall time in the field’s zone', () => {
  it('shows a stored instant as the zone’s wall time, with seconds only when it has them', () => {
    expect(wallTimeInput('2024-01-05T14:30:00.000Z', 'UTC')).toBe('2024-01-05T14:30');
    expect(wallTimeInput('2024-01-05T14:30:00.000Z', 'Europe/Berlin')).toBe('2024-01-05T15:30');
    expect(wallTimeInput('2024-07-05T14:30:07.000Z', 'America/New_York')).toBe('2024-07-05T10:30:07');
    expect(wallTimeInput('2024-01-01T02:00:00.000Z', 'Asia/Kolkata')).toBe('2024-01-01T07:30');
    for (const bad of ['', null, 5, '2024-01-05', 'soon']) expect(wallTimeInput(bad, 'UTC')).toBe('');
  });

  it('reads a picked wall time in the zone back to the same instant, DST changes included', () => {
    expect(instantFromWallInput('2024-01-05T15:30', 'Europe/Berlin')).toBe('2024-01-05T14:30:00.000Z');
    expect(instantFromWallInput('2024-07-05T10:30:07', 'America/New_York')).toBe('2024-07-05T14:30:07.000Z');
    // 02:30 on the spring-forward night does not exist in Berlin: read with the offset before (03:30).
    expect(instantFromWallInput('2024-03-31T02:30', 'Europe/Berlin')).toBe('2024-03-31T01:30:00.000Z');
    // 02:30 on the fall-back night happens twice: the earlier one.
    expect(instantFromWallInput('2024-10-27T02:30', 'Europe/Berlin')).toBe('2024-10-27T00:30:00.000Z');
    for (const zone of ['UTC', 'Europe/Berlin', 'Australia/Lord_Howe', 'America/St_Johns']) {
      for (const iso of ['2024-01-05T14:30:00.000Z', '1999-12-31T23:59:59.000Z', '2024-11-03T05:30:00.000Z']) {
        expect(instantFromWallInput(wallTimeInput(iso, zone), zone), `${zone} ${iso}`).toBe(iso);
      }
    }
    for (const bad of ['', '2024-02-30T10:00', '2024-01-05T24:00', '2024-01-05 10:00', 'tomorrow']) expect(instantFromWallInput(bad, 'UTC')).toBeNull();
  });
});
