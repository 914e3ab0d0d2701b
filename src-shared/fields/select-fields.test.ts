import { describe, expect, it } from 'vitest';
import { multipleSelectField, singleSelectField } from './select-fields';
import type { FieldOptions, SelectChoice } from '../schema/schema.types';

const red: SelectChoice = { id: 'selRed00000000000', name: 'Red', color: 'red' };
const green: SelectChoice = { id: 'selGreen000000000', name: 'Green', color: 'green' };
const options: FieldOptions<'singleSelect'> = { choices: [red, green] };

describe('single select', () => {
  const f = singleSelectField;
  it('stores the choice id for a name or an id', () => {
    expect(f.normalize('Red', options)).toEqual({ ok: true, value: red.id });
    expect(f.normalize(red.id, options)).toEqual({ ok: true, value: red.id });
    expect(f.normalize({ name: 'Green' }, options)).toEqual({ ok: true, value: green.id });
    expect(f.normalize({ id: green.id }, options)).toEqual({ ok: true, value: green.id });
    expect(f.parse('Green', options)).toEqual({ ok: true, value: green.id });
  });
  it('matches a name ignoring case and surrounding space when that is unambiguous', () => {
    expect(f.parse('  red ', options)).toEqual({ ok: true, value: red.id });
    const both = { choices: [red, { id: 'selRED00000000000', name: 'RED', color: 'blue' as const }] };
    expect(f.parse('RED', both)).toEqual({ ok: true, value: 'selRED00000000000' });
    expect(f.parse('red', both).ok).toBe(false);
  });
  it('names the options when a value is not one of them', () => {
    expect(f.normalize('Purple', options)).toEqual({ ok: false, message: `'Purple' is not an option (options: Red, Green)` });
    expect(f.parse('Purple', { choices: [] })).toEqual({ ok: false, message: `'Purple' is not an option (the field has no options yet)` });
  });
  it('shortens the list of options in a message', () => {
    const many = { choices: Array.from({ length: 20 }, (_, i) => ({ id: `sel${String(i).padStart(14, '0')}`, name: `O${i}`, color: 'gray' as const })) };
    const result = f.parse('X', many);
    expect(result).toEqual({ ok: false, message: `'X' is not an option (options: O0, O1, O2, O3, O4, O5, O6, O7, … (20 in all))` });
  });
  it('shows and projects the choice name; a deleted choice is empty', () => {
    expect(f.format(red.id, options)).toBe('Red');
    expect(f.format('selGone0000000000', options)).toBe('');
    expect(f.sqlType).toBe('TEXT');
    expect(f.toSql(red.id, options)).toBe('Red');
    expect(f.toSql('selGone0000000000', options)).toBeNull();
    expect(f.fromSql('Red', options)).toBe('Red');
    expect(f.fromSql(null, options)).toBeNull();
    expect(f.searchText(green.id, options)).toBe('Green');
    expect(f.filterOps).toEqual(['=', '!=', 'anyOf', 'isEmpty', 'isNotEmpty']);
  });
});

describe('multiple select', () => {
  const f = multipleSelectField;
  const withComma: SelectChoice = { id: 'selComma000000000', name: 'Smith, John', color: 'blue' };
  const commaOptions = { choices: [red, green, withComma] };

  it('stores choice ids in order without duplicates', () => {
    expect(f.normalize(['Green', red.id, 'Green'], options)).toEqual({ ok: true, value: [green.id, red.id] });
    expect(f.normalize([], options)).toEqual({ ok: true, value: null });
    expect(f.normalize('Red', options)).toEqual({ ok: true, value: [red.id] });
    expect(f.normalize('Red, Green', options)).toEqual({ ok: true, value: [red.id, green.id] });
  });
  it('reads comma-separated names and a JSON array of names', () => {
    expect(f.parse('Red, Green', options)).toEqual({ ok: true, value: [red.id, green.id] });
    expect(f.parse('Green,Red,', options)).toEqual({ ok: true, value: [green.id, red.id] });
    expect(f.parse('["Green","Red"]', options)).toEqual({ ok: true, value: [green.id, red.id] });
  });
  it('keeps an option whose name contains a comma together when splitting', () => {
    expect(f.parse('Red, Smith, John, Green', commaOptions)).toEqual({ ok: true, value: [red.id, withComma.id, green.id] });
    expect(f.parse('["Smith, John"]', commaOptions)).toEqual({ ok: true, value: [withComma.id] });
  });
  it('fails on the first unknown name', () => {
    expect(f.parse('Red, Purple', options)).toEqual({ ok: false, message: `'Purple' is not an option (options: Red, Green)` });
    expect(f.normalize(['Red', 42], options)).toEqual({ ok: false, message: `'42' is not an option (options: Red, Green)` });
  });
  it('shows names joined by commas, or a JSON array when a name holds a comma', () => {
    expect(f.format([red.id, green.id], options)).toBe('Red, Green');
    expect(f.format([withComma.id, red.id], commaOptions)).toBe('["Smith, John","Red"]');
    expect(f.format(['selGone0000000000'], options)).toBe('');
  });
  it('projects a JSON array of names and reads back the names', () => {
    expect(f.sqlType).toBe('TEXT');
    expect(f.toSql([red.id, 'selGone0000000000', green.id], options)).toBe('["Red","Green"]');
    expect(f.toSql(['selGone0000000000'], options)).toBeNull();
    expect(f.fromSql('["Red","Green"]', options)).toEqual(['Red', 'Green']);
    expect(f.fromSql(null, options)).toBeNull();
    expect(f.searchText([withComma.id, red.id], commaOptions)).toBe('Smith, John, Red');
    expect(f.filterOps).toEqual(['=', 'anyOf', 'allOf', 'contains', 'isEmpty', 'isNotEmpty']);
  });
});
