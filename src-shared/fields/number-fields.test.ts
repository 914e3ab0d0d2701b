import { describe, expect, it } from 'vitest';
import { currencyField, numberField, percentField, ratingField } from './number-fields';

const num = { precision: 2 };
const usd = { precision: 2, symbol: '$' };
const pct = { precision: 0 };

describe('number', () => {
  const f = numberField;
  it.each([
    ['42', 42],
    ['-3.5', -3.5],
    ['+7', 7],
    ['1,234.5', 1234.5],
    ['1,234,567', 1234567],
    ['1e3', 1000],
    ['2.5E-2', 0.025],
    ['(12)', -12],
    ['( 1,000.50 )', -1000.5],
    ['.5', 0.5],
    ['  8  ', 8],
    ['−4', -4],
  ])('reads %s as %d', (text, value) => {
    expect(f.parse(text, num)).toEqual({ ok: true, value });
  });
  it('treats blank text as empty', () => {
    expect(f.parse('', num)).toEqual({ ok: true, value: null });
    expect(f.parse('   ', num)).toEqual({ ok: true, value: null });
  });
  it.each(['twelve', '1,2', '12,34.5', '--5', '(-5)', '1.2.3', 'NaN', 'Infinity', '5 kg'])('refuses %s', (text) => {
    expect(f.parse(text, num)).toEqual({ ok: false, message: `'${text}' is not a number` });
  });
  it('refuses a number too large to hold', () => {
    expect(f.parse('1e400', num)).toEqual({ ok: false, message: `'1e400' is too large a number` });
  });
  it('takes numbers and numeric strings from the API, keeping full precision', () => {
    expect(f.normalize(3.14159, num)).toEqual({ ok: true, value: 3.14159 });
    expect(f.normalize('1,000', num)).toEqual({ ok: true, value: 1000 });
    expect(f.normalize(-0, num)).toEqual({ ok: true, value: 0 });
    expect(f.normalize(Number.NaN, num)).toEqual({ ok: false, message: `'NaN' is not a number` });
    expect(f.normalize(true, num)).toEqual({ ok: false, message: `'true' is not a number` });
    expect(f.normalize('twelve', num)).toEqual({ ok: false, message: `'twelve' is not a number` });
  });
  it('shows the precision without grouping, and never a negative zero', () => {
    expect(f.format(1234.5, num)).toBe('1234.50');
    expect(f.format(2.345, { precision: 0 })).toBe('2');
    expect(f.format(-0.001, num)).toBe('0.00');
    expect(f.format(null, num)).toBe('');
  });
  it('projects to REAL', () => {
    expect(f.sqlType).toBe('REAL');
    expect(f.toSql(1.5, num)).toBe(1.5);
    expect(f.toSql(null, num)).toBeNull();
    expect(f.fromSql(1.5, num)).toBe(1.5);
    expect(f.fromSql(null, num)).toBeNull();
    expect(f.searchText(1.5, num)).toBe('1.50');
    expect(f.filterOps).toEqual(['=', '!=', '<', '<=', '>', '>=', 'isEmpty', 'isNotEmpty']);
  });
});

describe('currency', () => {
  const f = currencyField;
  it.each([
    ['$1,234.50', 1234.5],
    ['-$3.00', -3],
    ['$-3', -3],
    ['($3.00)', -3],
    ['€12', 12],
    ['12 €', 12],
    ['£0.99', 0.99],
    ['¥500', 500],
    ['USD 12.50', 12.5],
    ['12.50 EUR', 12.5],
    ['US$5', 5],
    ['42', 42],
  ])('reads %s as %d', (text, value) => {
    expect(f.parse(text, usd)).toEqual({ ok: true, value });
  });
  it("strips the field's own symbol", () => {
    expect(f.parse('kr 1,000', { precision: 2, symbol: 'kr' })).toEqual({ ok: true, value: 1000 });
    expect(f.parse('1000kr', { precision: 2, symbol: 'kr' })).toEqual({ ok: true, value: 1000 });
  });
  it('refuses text that is not an amount', () => {
    expect(f.parse('$twelve', usd)).toEqual({ ok: false, message: `'$twelve' is not a number` });
    expect(f.parse('$$5', usd)).toEqual({ ok: false, message: `'$$5' is not a number` });
  });
  it('shows the symbol, grouping and precision', () => {
    expect(f.format(1234.5, usd)).toBe('$1,234.50');
    expect(f.format(-3, usd)).toBe('-$3.00');
    expect(f.format(1234567.891, { precision: 0, symbol: '€' })).toBe('€1,234,568');
    expect(f.format(0.5, usd)).toBe('$0.50');
  });
  it('projects to REAL', () => {
    expect(f.sqlType).toBe('REAL');
    expect(f.toSql(12.5, usd)).toBe(12.5);
    expect(f.fromSql(12.5, usd)).toBe(12.5);
  });
});

describe('percent', () => {
  const f = percentField;
  it('reads "50%" and "50" alike as the fraction 0.5', () => {
    expect(f.parse('50%', pct)).toEqual({ ok: true, value: 0.5 });
    expect(f.parse('50', pct)).toEqual({ ok: true, value: 0.5 });
    expect(f.parse('50 %', pct)).toEqual({ ok: true, value: 0.5 });
    expect(f.parse('12.3%', pct)).toEqual({ ok: true, value: 0.123 });
    expect(f.parse('-7%', pct)).toEqual({ ok: true, value: -0.07 });
  });
  it('takes a JSON number as the stored fraction and a string as text only with a % sign', () => {
    expect(f.normalize(0.25, pct)).toEqual({ ok: true, value: 0.25 });
    expect(f.normalize('0.25', pct)).toEqual({ ok: true, value: 0.25 });
    expect(f.normalize('25%', pct)).toEqual({ ok: true, value: 0.25 });
  });
  it('refuses text that is not a percentage', () => {
    expect(f.parse('half', pct)).toEqual({ ok: false, message: `'half' is not a percentage` });
  });
  it('shows percent units with the precision', () => {
    expect(f.format(0.5, pct)).toBe('50%');
    expect(f.format(0.07, pct)).toBe('7%');
    expect(f.format(0.12345, { precision: 2 })).toBe('12.35%');
  });
  it('projects the fraction to REAL', () => {
    expect(f.toSql(0.5, pct)).toBe(0.5);
    expect(f.fromSql(0.5, pct)).toBe(0.5);
  });
});

describe('rating', () => {
  const f = ratingField;
  const five = { max: 5 };
  it('reads digits and stars', () => {
    expect(f.parse('3', five)).toEqual({ ok: true, value: 3 });
    expect(f.parse('★★★', five)).toEqual({ ok: true, value: 3 });
    expect(f.parse('★★☆☆☆', five)).toEqual({ ok: true, value: 2 });
  });
  it('treats 0 as empty', () => {
    expect(f.parse('0', five)).toEqual({ ok: true, value: null });
    expect(f.normalize(0, five)).toEqual({ ok: true, value: null });
  });
  it('refuses ratings above the maximum, fractions and words', () => {
    expect(f.parse('6', five)).toEqual({ ok: false, message: `'6' is more than the maximum rating of 5` });
    expect(f.normalize(7, five)).toEqual({ ok: false, message: `'7' is more than the maximum rating of 5` });
    expect(f.normalize(2.5, five)).toEqual({ ok: false, message: `'2.5' is not a rating (use a whole number from 1 to 5)` });
    expect(f.parse('good', five)).toEqual({ ok: false, message: `'good' is not a rating (use a whole number from 1 to 5)` });
    expect(f.parse('-1', five)).toEqual({ ok: false, message: `'-1' is not a rating (use a whole number from 1 to 5)` });
  });
  it('shows the digit and projects to INTEGER', () => {
    expect(f.format(3, five)).toBe('3');
    expect(f.sqlType).toBe('INTEGER');
    expect(f.toSql(3, five)).toBe(3);
    expect(f.fromSql(3, five)).toBe(3);
    expect(f.filterOps).toEqual(numberField.filterOps);
  });
});
