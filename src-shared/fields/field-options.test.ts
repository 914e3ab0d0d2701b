import { describe, expect, it } from 'vitest';
import { getFieldType } from './field-registry';
import { isId } from '../ids';
import { SELECT_COLORS } from '../schema/schema.types';

const fail = (message: string) => ({ ok: false, message });

describe('field options', () => {
  it('fills each missing option with its default', () => {
    expect(getFieldType('number').normalizeOptions({})).toEqual({ ok: true, value: { precision: 0 } });
    expect(getFieldType('currency').normalizeOptions({})).toEqual({ ok: true, value: { precision: 2, symbol: '$' } });
    expect(getFieldType('percent').normalizeOptions({})).toEqual({ ok: true, value: { precision: 0 } });
    expect(getFieldType('rating').normalizeOptions({})).toEqual({ ok: true, value: { max: 5 } });
    expect(getFieldType('date').normalizeOptions({})).toEqual({ ok: true, value: { dateFormat: 'iso' } });
    expect(getFieldType('dateTime').normalizeOptions({ timeFormat: '12h' })).toEqual({
      ok: true,
      value: { dateFormat: 'iso', timeFormat: '12h', timeZone: 'UTC' },
    });
    expect(getFieldType('duration').normalizeOptions(null)).toEqual({ ok: true, value: { durationFormat: 'h:mm' } });
  });

  it('drops unknown keys', () => {
    expect(getFieldType('number').normalizeOptions({ precision: 3, colour: 'red' })).toEqual({ ok: true, value: { precision: 3 } });
    expect(getFieldType('singleLineText').normalizeOptions({ anything: 1 })).toEqual({ ok: true, value: {} });
  });

  it('refuses options that are not an object', () => {
    expect(getFieldType('number').normalizeOptions(5)).toEqual(fail('options must be an object'));
    expect(getFieldType('email').normalizeOptions('x')).toEqual(fail('options must be an object'));
  });

  it.each([9, -1, 1.5, 'two'])('refuses precision %s, naming the option', (precision) => {
    expect(getFieldType('number').normalizeOptions({ precision })).toEqual(fail('precision: must be a whole number from 0 to 8'));
  });

  it('checks the currency symbol: 1 to 5 characters, trimmed, nothing that looks like part of a number', () => {
    expect(getFieldType('currency').normalizeOptions({ symbol: ' € ' })).toEqual({ ok: true, value: { precision: 2, symbol: '€' } });
    expect(getFieldType('currency').normalizeOptions({ symbol: '' })).toEqual(fail('symbol: must be text of 1 to 5 characters'));
    expect(getFieldType('currency').normalizeOptions({ symbol: 'dollars' })).toEqual(fail('symbol: must be text of 1 to 5 characters'));
    expect(getFieldType('currency').normalizeOptions({ symbol: '1$' })).toEqual(fail('symbol: must not contain digits, signs, commas or parentheses'));
  });

  it.each([0, 11, 2.5])('refuses rating max %s', (max) => {
    expect(getFieldType('rating').normalizeOptions({ max })).toEqual(fail('max: must be a whole number from 1 to 10'));
  });

  it('refuses unknown formats, listing the allowed ones', () => {
    expect(getFieldType('date').normalizeOptions({ dateFormat: 'long' })).toEqual(fail('dateFormat: must be one of iso, us, european, friendly'));
    expect(getFieldType('dateTime').normalizeOptions({ timeFormat: 'am' })).toEqual(fail('timeFormat: must be one of 24h, 12h'));
    expect(getFieldType('duration').normalizeOptions({ durationFormat: 'mm:ss' })).toEqual(
      fail('durationFormat: must be one of h:mm, h:mm:ss, h:mm:ss.s, h:mm:ss.ss, h:mm:ss.sss'),
    );
  });

  it('requires an IANA time zone and stores its canonical name', () => {
    expect(getFieldType('dateTime').normalizeOptions({ timeZone: 'Mars/Olympus' })).toEqual(
      fail(`timeZone: 'Mars/Olympus' is not an IANA time zone (e.g. Europe/Berlin, UTC)`),
    );
    const result = getFieldType('createdTime').normalizeOptions({ timeZone: 'europe/berlin' });
    expect(result).toEqual({ ok: true, value: { dateFormat: 'iso', timeFormat: '24h', timeZone: 'Europe/Berlin' } });
  });

  it('keeps the listed fields of a last-modified time, without duplicates', () => {
    expect(getFieldType('lastModifiedTime').normalizeOptions({ fields: ['fldA', 'fldB', 'fldA'] })).toMatchObject({
      ok: true,
      value: { fields: ['fldA', 'fldB'] },
    });
    expect(getFieldType('lastModifiedTime').normalizeOptions({ fields: 'fldA' })).toEqual(fail('fields: must be a list of field ids'));
  });

  describe('select choices', () => {
    const select = getFieldType('singleSelect');
    it('trims names, keeps given ids and colours, generates the rest with colours cycling', () => {
      const result = select.normalizeOptions({ choices: [{ id: 'selKeep0000000000', name: ' Red ', color: 'pink' }, 'Green', { name: 'Blue' }] });
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      const [red, green, blue] = result.value.choices;
      expect(red).toEqual({ id: 'selKeep0000000000', name: 'Red', color: 'pink' });
      expect(green?.name).toBe('Green');
      expect(isId(green?.id, 'sel')).toBe(true);
      expect(green?.color).toBe(SELECT_COLORS[1]);
      expect(blue?.color).toBe(SELECT_COLORS[2]);
      expect(blue?.id).not.toBe(green?.id);
    });
    it('refuses duplicate names (case-sensitive), empty or overlong names, unknown colours and duplicate ids', () => {
      expect(select.normalizeOptions({ choices: ['Red', 'Red '] })).toEqual(fail(`choices: 'Red' appears twice`));
      expect(select.normalizeOptions({ choices: ['Red', 'red'] }).ok).toBe(true);
      expect(select.normalizeOptions({ choices: ['Red', '  '] })).toEqual(fail('choices: option 2 has an empty name'));
      expect(select.normalizeOptions({ choices: ['x'.repeat(201)] })).toEqual(fail('choices: option 1 is longer than 200 characters'));
      expect(select.normalizeOptions({ choices: ['x'.repeat(200)] }).ok).toBe(true);
      expect(select.normalizeOptions({ choices: [{ name: 'Red', color: 'mauve' }] })).toEqual(
        fail(`choices: 'mauve' is not a colour (use ${SELECT_COLORS.join(', ')})`),
      );
      expect(select.normalizeOptions({ choices: [{ id: 'sel1', name: 'A' }, { id: 'sel1', name: 'B' }] })).toEqual(fail(`choices: id 'sel1' appears twice`));
    });
    it('allows at most 1000 choices', () => {
      const names = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);
      expect(getFieldType('multipleSelect').normalizeOptions({ choices: names(1000) }).ok).toBe(true);
      expect(getFieldType('multipleSelect').normalizeOptions({ choices: names(1001) })).toEqual(fail('choices: at most 1000 options'));
    });
    it('refuses a choice list that is not a list of names or objects', () => {
      expect(select.normalizeOptions({ choices: 'Red' })).toEqual(fail('choices: must be a list of options'));
      expect(select.normalizeOptions({ choices: [5] })).toEqual(fail('choices item 1: must be a name or { id?, name, color? }'));
    });
  });
});
