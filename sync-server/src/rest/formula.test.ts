/** filterByFormula's subset: what matches, and what is refused with a message. */
import { describe, expect, it } from 'vitest';
import { parseFormula, type FormulaValue } from './formula';

const row: Record<string, FormulaValue> = { Name: 'M8 Bolt', Qty: 12, Status: 'Open', Notes: null, Done: true };
const known = (n: string) => n in row;
const matches = (src: string) => {
  const f = parseFormula(src, known);
  if (!f.ok) throw new Error(f.error);
  return f.value.matches((n) => row[n] ?? null, 'recX');
};

describe('filterByFormula', () => {
  it('compares text exactly, numbers as numbers, and BLANK as empty', () => {
    expect(matches("{Name} = 'M8 Bolt'")).toBe(true);
    expect(matches("{Name} = 'm8 bolt'")).toBe(false);
    expect(matches('{Qty} > 10')).toBe(true);
    expect(matches("{Qty} = '12'")).toBe(true);
    expect(matches('{Qty} <= 11.5')).toBe(false);
    expect(matches('{Notes} = BLANK()')).toBe(true);
    expect(matches("{Notes} = ''")).toBe(true);
    expect(matches('{Notes} != BLANK()')).toBe(false);
    expect(matches('Done')).toBe(true);
  });

  it('combines with AND, OR, NOT and IF, and finds text with FIND and SEARCH', () => {
    expect(matches("AND({Status} = 'Open', OR({Qty} > 100, NOT({Notes})))")).toBe(true);
    expect(matches("FIND('Bolt', {Name})")).toBe(true);
    expect(matches("FIND('bolt', {Name})")).toBe(false);
    expect(matches("SEARCH('bolt', LOWER({Name}))")).toBe(true);
    expect(matches("IF({Qty} > 5, 'big', '') = 'big'")).toBe(true);
    expect(matches("{Name} & '-' & {Qty} = \"M8 Bolt-12\"")).toBe(true);
    expect(matches("LEN({Name}) = 7")).toBe(true);
  });

  it('refuses unknown fields and functions and malformed formulas, naming the problem', () => {
    expect(parseFormula('{Colour} = 1', known)).toEqual({ ok: false, error: 'Unknown field names: Colour' });
    expect(parseFormula('REGEX_MATCH({Name}, "x")', known)).toMatchObject({ ok: false, error: expect.stringContaining('REGEX_MATCH() is not supported') });
    expect(parseFormula("AND({Qty} > 1", known)).toMatchObject({ ok: false });
    expect(parseFormula("{Name} = 'open", known)).toMatchObject({ ok: false, error: 'a text in quotes is not closed' });
    expect(parseFormula('NOT(1, 2)', known)).toMatchObject({ ok: false, error: expect.stringContaining('NOT() takes 1 arguments') });
    expect(parseFormula('('.repeat(200) + '1' + ')'.repeat(200), known)).toMatchObject({ ok: false, error: 'the formula nests too deeply' });
  });
});
