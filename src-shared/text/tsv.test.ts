import { describe, expect, it } from 'vitest';
import { formatTsv, parseTsv } from './tsv';

describe('TSV as spreadsheets copy it', () => {
  it('splits rows and cells; CRLF and a trailing line break', () => {
    expect(parseTsv('a\tb\nc\td\n')).toEqual([['a', 'b'], ['c', 'd']]);
    expect(parseTsv('a\tb\r\nc\td')).toEqual([['a', 'b'], ['c', 'd']]);
    expect(parseTsv('single')).toEqual([['single']]);
    expect(parseTsv('')).toEqual([]);
  });

  it('keeps empty cells, including trailing ones', () => {
    expect(parseTsv('a\t\tc\n\t\t\n')).toEqual([['a', '', 'c'], ['', '', '']]);
  });

  it('reads quoted cells with tabs, line breaks and doubled quotes', () => {
    expect(parseTsv('"line 1\nline 2"\tx\n"say ""hi"""\t"a\tb"')).toEqual([['line 1\nline 2', 'x'], ['say "hi"', 'a\tb']]);
    // A quote that does not close a cell is text.
    expect(parseTsv('"unclosed\tb')).toEqual([['"unclosed', 'b']]);
    expect(parseTsv('5" pipe\tb')).toEqual([['5" pipe', 'b']]);
  });

  it('formats what it parses back to the same cells', () => {
    const rows = [['plain', 'with\ttab', 'two\nlines', '"quoted"', ''], ['x', 'y', 'z', '', 'end']];
    expect(parseTsv(formatTsv(rows))).toEqual(rows);
  });
});
