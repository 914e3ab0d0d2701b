import { describe, expect, it } from 'vitest';
import { detectDelimiter } from './csv-delimiter';

describe('detectDelimiter', () => {
  it('finds each supported delimiter', () => {
    expect(detectDelimiter('a,b,c\n1,2,3\n', true)).toBe(',');
    expect(detectDelimiter('a;b;c\n1;2;3\n', true)).toBe(';');
    expect(detectDelimiter('a\tb\tc\n1\t2\t3\n', true)).toBe('\t');
    expect(detectDelimiter('a|b|c\n1|2|3\n', true)).toBe('|');
  });

  it('prefers the delimiter with the same count on every line over one that varies', () => {
    const text = 'Name;Price;Note\nBolt;1,5;M6, zinc, long\nNut;0,2;M6\nWasher;0,1;flat, wide\n';
    expect(detectDelimiter(text, true)).toBe(';');
  });

  it('ignores delimiters inside quoted values, including quoted line breaks', () => {
    const text = 'a,b\n"x;y;z","1;2"\n"multi\nline;;;;",q\n';
    expect(detectDelimiter(text, true)).toBe(',');
  });

  it('defaults to a comma for a single column or empty text', () => {
    expect(detectDelimiter('Name\nAda\nGrace\n', true)).toBe(',');
    expect(detectDelimiter('', true)).toBe(',');
  });

  it('ignores a last line cut off by the end of the sample', () => {
    // Complete lines tie (one of each, so the comma wins); the last line would tip it to ';'.
    expect(detectDelimiter('a;b,c\n1;2,3\nx;y', false)).toBe(',');
    expect(detectDelimiter('a;b,c\n1;2,3\nx;y', true)).toBe(';');
  });
});
