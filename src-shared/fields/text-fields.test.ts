import { describe, expect, it } from 'vitest';
import { emailField, longTextField, phoneField, singleLineTextField, urlField } from './text-fields';

describe('single line text', () => {
  const f = singleLineTextField;
  it('keeps text as typed, turning line breaks into spaces', () => {
    expect(f.normalize('  hello  ', {})).toEqual({ ok: true, value: '  hello  ' });
    expect(f.normalize('a\r\nb\nc\rd', {})).toEqual({ ok: true, value: 'a b c d' });
    expect(f.parse('line one\nline two', {})).toEqual({ ok: true, value: 'line one line two' });
  });
  it('treats null, undefined and empty text as empty', () => {
    for (const input of [null, undefined, '']) expect(f.normalize(input, {})).toEqual({ ok: true, value: null });
    expect(f.parse('', {})).toEqual({ ok: true, value: null });
  });
  it('takes numbers and booleans as their text but refuses objects', () => {
    expect(f.normalize(12.5, {})).toEqual({ ok: true, value: '12.5' });
    expect(f.normalize(true, {})).toEqual({ ok: true, value: 'true' });
    expect(f.normalize({ a: 1 }, {})).toEqual({ ok: false, message: `'{"a":1}' is not text` });
  });
  it('projects to TEXT and searches its own text', () => {
    expect(f.sqlType).toBe('TEXT');
    expect(f.toSql('abc', {})).toBe('abc');
    expect(f.toSql(null, {})).toBeNull();
    expect(f.fromSql('abc', {})).toBe('abc');
    expect(f.fromSql(null, {})).toBeNull();
    expect(f.format('abc', {})).toBe('abc');
    expect(f.format(null, {})).toBe('');
    expect(f.searchText('abc', {})).toBe('abc');
  });
  it('offers the text filter operators', () => {
    expect(f.filterOps).toEqual(['=', '!=', 'contains', 'notContains', 'startsWith', 'isEmpty', 'isNotEmpty']);
  });
});

describe('long text', () => {
  it('normalizes CRLF and lone CR to LF and keeps the lines', () => {
    expect(longTextField.normalize('a\r\nb\rc\nd', {})).toEqual({ ok: true, value: 'a\nb\nc\nd' });
    expect(longTextField.parse('one\r\ntwo', {})).toEqual({ ok: true, value: 'one\ntwo' });
    expect(longTextField.format('one\ntwo', {})).toBe('one\ntwo');
  });
});

describe('url', () => {
  const f = urlField;
  it.each(['https://example.com', 'http://localhost:3000/x?y=1#z', 'ftp://files.example.org/a.txt', 'mailto:a@b.co', 'example.com/x', 'www.example.com', 'localhost:8080', 'https://[::1]:80/'])(
    'accepts %s as typed',
    (url) => {
      expect(f.parse(url, {})).toEqual({ ok: true, value: url });
    },
  );
  it('trims surrounding space', () => {
    expect(f.normalize('  https://example.com  ', {})).toEqual({ ok: true, value: 'https://example.com' });
  });
  it.each(['abc', 'http://nodot', 'has space.com', '1.5', 'https://'])('refuses %s', (text) => {
    expect(f.parse(text, {})).toEqual({ ok: false, message: `'${text}' is not a valid URL` });
  });
});

describe('email', () => {
  const f = emailField;
  it('lower-cases the domain but keeps the local part', () => {
    expect(f.parse(' Jane.Doe@Example.COM ', {})).toEqual({ ok: true, value: 'Jane.Doe@example.com' });
    expect(f.normalize('a+tag@sub.example.co.uk', {})).toEqual({ ok: true, value: 'a+tag@sub.example.co.uk' });
  });
  it.each(['abc', 'a@b', 'a@@b.com', 'a b@c.com', '.a@b.com', 'a..b@c.com', 'a@1.2.3', 'a@.com'])('refuses %s', (text) => {
    expect(f.parse(text, {})).toEqual({ ok: false, message: `'${text}' is not a valid email address` });
  });
  it('quotes at most about 40 characters of a bad value', () => {
    const long = 'x'.repeat(100);
    const result = f.parse(long, {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toBe(`'${'x'.repeat(39)}…' is not a valid email address`);
  });
});

describe('phone', () => {
  const f = phoneField;
  it.each(['+1 (555) 123-4567', '555.123.4567', '030/1234567', '+49 30 1234567 ext. 12', '555-1234 x9', '112'])('accepts %s as typed', (text) => {
    expect(f.parse(text, {})).toEqual({ ok: true, value: text });
  });
  it('takes a number from the API as its digits', () => {
    expect(f.normalize(5551234, {})).toEqual({ ok: true, value: '5551234' });
  });
  it.each(['12', 'call me', '555-CALL', '+'])('refuses %s', (text) => {
    expect(f.parse(text, {})).toEqual({ ok: false, message: `'${text}' is not a phone number` });
  });
});
