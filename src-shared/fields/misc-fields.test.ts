import { describe, expect, it } from 'vitest';
import { attachmentField, checkboxField, jsonField } from './misc-fields';

describe('checkbox', () => {
  const f = checkboxField;
  it.each(['true', 'TRUE', 'yes', 'Y', '1', 'x', '✓', 'checked', 'On'])('reads %s as checked', (text) => {
    expect(f.parse(text, {})).toEqual({ ok: true, value: true });
  });
  it.each(['false', 'No', 'n', '0', 'unchecked', 'OFF', ''])('reads %s as empty (unchecked)', (text) => {
    expect(f.parse(text, {})).toEqual({ ok: true, value: null });
  });
  it('takes booleans and 1/0 from the API and stores only true', () => {
    expect(f.normalize(true, {})).toEqual({ ok: true, value: true });
    expect(f.normalize(false, {})).toEqual({ ok: true, value: null });
    expect(f.normalize(1, {})).toEqual({ ok: true, value: true });
    expect(f.normalize(0, {})).toEqual({ ok: true, value: null });
  });
  it('refuses other values', () => {
    expect(f.parse('maybe', {})).toEqual({ ok: false, message: `'maybe' is not a checkbox value (use true or false)` });
    expect(f.normalize(2, {})).toEqual({ ok: false, message: `'2' is not a checkbox value (use true or false)` });
  });
  it("shows 'checked', projects INTEGER 1 or null and is not searched", () => {
    expect(f.format(true, {})).toBe('checked');
    expect(f.format(null, {})).toBe('');
    expect(f.sqlType).toBe('INTEGER');
    expect(f.toSql(true, {})).toBe(1);
    expect(f.toSql(null, {})).toBeNull();
    expect(f.fromSql(1, {})).toBe(true);
    expect(f.fromSql(null, {})).toBeNull();
    expect(f.searchText(true, {})).toBe('');
    expect(f.filterOps).toEqual(['=']);
  });
});

describe('attachment', () => {
  const f = attachmentField;
  const a = { id: 'attA000000000000', name: 'drawing.pdf', size: 1024, type: 'application/pdf' };
  const b = { id: 'attB000000000000', name: 'part.dxf', size: 0, type: '' };
  it('keeps valid refs, dropping extra keys', () => {
    expect(f.normalize([{ ...a, url: 'x' }, b], {})).toEqual({ ok: true, value: [a, b] });
    expect(f.normalize([], {})).toEqual({ ok: true, value: null });
  });
  it('says which ref is wrong and why', () => {
    expect(f.normalize('drawing.pdf', {})).toEqual({ ok: false, message: 'attachments must be a list of { id, name, size, type }' });
    expect(f.normalize([a, { ...b, id: '' }], {})).toEqual({ ok: false, message: 'attachment 2: id must be non-empty text' });
    expect(f.normalize([{ ...a, size: -1 }], {})).toEqual({ ok: false, message: 'attachment 1: size must be a whole number of bytes' });
    expect(f.normalize([{ ...a, size: 1.5 }], {})).toEqual({ ok: false, message: 'attachment 1: size must be a whole number of bytes' });
    expect(f.normalize([{ id: 'x', name: 'y', size: 1 }], {})).toEqual({ ok: false, message: 'attachment 1: type must be text (a MIME type)' });
    expect(f.normalize([null], {})).toEqual({ ok: false, message: 'attachment 1 is not { id, name, size, type }' });
  });
  it("can't be set from text", () => {
    expect(f.parse('drawing.pdf', {})).toEqual({ ok: false, message: "attachments can't be set from text" });
    expect(f.parse('', {})).toEqual({ ok: true, value: null });
  });
  it('shows names, projects a JSON array of refs', () => {
    expect(f.format([a, b], {})).toBe('drawing.pdf, part.dxf');
    expect(f.searchText([a, b], {})).toBe('drawing.pdf, part.dxf');
    expect(f.sqlType).toBe('TEXT');
    expect(f.toSql([a], {})).toBe(JSON.stringify([a]));
    expect(f.toSql(null, {})).toBeNull();
    expect(f.fromSql(JSON.stringify([a]), {})).toEqual([a]);
    expect(f.fromSql('not json', {})).toBeNull();
    expect(f.filterOps).toEqual(['contains', 'isEmpty', 'isNotEmpty']);
  });
});

describe('json', () => {
  const f = jsonField;
  it('keeps any JSON value as a clean copy', () => {
    const value = { a: [1, 'two', true, null, { b: -0 }] };
    const result = f.normalize(value, {});
    expect(result).toEqual({ ok: true, value: { a: [1, 'two', true, null, { b: 0 }] } });
    if (result.ok) expect(result.value).not.toBe(value);
    expect(f.normalize('text', {})).toEqual({ ok: true, value: 'text' });
    expect(f.normalize(0, {})).toEqual({ ok: true, value: 0 });
    expect(f.normalize(false, {})).toEqual({ ok: true, value: false });
    expect(f.normalize({ a: undefined, b: 1 }, {})).toEqual({ ok: true, value: { b: 1 } });
  });
  it('refuses what JSON cannot carry', () => {
    expect(f.normalize({ f: () => 1 }, {})).toEqual({ ok: false, message: `'{}' is not JSON (function values are not JSON)` });
    expect(f.normalize([Number.NaN], {})).toEqual({ ok: false, message: `'[null]' is not JSON (NaN and Infinity are not JSON)` });
    expect(f.normalize(new Date(0), {})).toEqual({ ok: false, message: `'"1970-01-01T00:00:00.000Z"' is not JSON (only plain objects and arrays are JSON)` });
    let deep: unknown = 1;
    for (let i = 0; i < 65; i++) deep = [deep];
    expect(f.normalize(deep, {})).toMatchObject({ ok: false, message: expect.stringContaining('nested deeper than 64 levels') });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(f.normalize(cyclic, {})).toEqual({ ok: false, message: `'an object' is not JSON (nested deeper than 64 levels)` });
  });
  it('accepts 64 levels of nesting', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 64; i++) deep = [deep];
    expect(f.normalize(deep, {}).ok).toBe(true);
  });
  it('parses JSON text and says when it is not JSON', () => {
    expect(f.parse('{"a":[1,2]}', {})).toEqual({ ok: true, value: { a: [1, 2] } });
    expect(f.parse('"hi"', {})).toEqual({ ok: true, value: 'hi' });
    expect(f.parse('null', {})).toEqual({ ok: true, value: null });
    expect(f.parse('{a:1}', {})).toEqual({ ok: false, message: `'{a:1}' is not valid JSON` });
  });
  it('shows compact JSON and projects it', () => {
    expect(f.format({ a: [1, 2] }, {})).toBe('{"a":[1,2]}');
    expect(f.format('hi', {})).toBe('"hi"');
    expect(f.sqlType).toBe('TEXT');
    expect(f.toSql({ a: 1 }, {})).toBe('{"a":1}');
    expect(f.toSql(null, {})).toBeNull();
    expect(f.fromSql('{"a":1}', {})).toEqual({ a: 1 });
    expect(f.fromSql(null, {})).toBeNull();
    expect(f.searchText({ a: 'x' }, {})).toBe('{"a":"x"}');
    expect(f.filterOps).toEqual(['contains', 'notContains', 'isEmpty', 'isNotEmpty']);
  });
});
