import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../src-shared/errors';
import { CsvParser } from './csv-parser';

interface Parsed {
  rows: string[][];
  lines: number[];
}

/** Parses text pushed in the given pieces. */
function parse(pieces: string[], delimiter = ','): Parsed {
  const rows: string[][] = [];
  const lines: number[] = [];
  const parser = new CsvParser(delimiter, (fields, line) => {
    rows.push(fields);
    lines.push(line);
  });
  for (const piece of pieces) parser.push(piece);
  parser.end();
  return { rows, lines };
}

/** Every way of cutting text into two and three pieces gives the same result as one piece. */
function expectSameAtEverySplit(text: string, delimiter = ','): Parsed {
  const whole = parse([text], delimiter);
  for (let i = 0; i <= text.length; i++) {
    expect(parse([text.slice(0, i), text.slice(i)], delimiter), `split at ${i}`).toEqual(whole);
    for (let j = i; j <= text.length; j += 3) {
      expect(parse([text.slice(0, i), text.slice(i, j), text.slice(j)], delimiter), `split at ${i}, ${j}`).toEqual(whole);
    }
  }
  expect(parse([...text], delimiter), 'one character per chunk').toEqual(whole);
  return whole;
}

function errorOf(pieces: string[]): EngineError {
  try {
    parse(pieces);
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('expected an EngineError');
}

describe('CsvParser', () => {
  it('reads plain rows with LF, CRLF and CR line ends, with or without a final line break', () => {
    expect(parse(['a,b\n1,2\n']).rows).toEqual([['a', 'b'], ['1', '2']]);
    expect(parse(['a,b\r\n1,2\r\n']).rows).toEqual([['a', 'b'], ['1', '2']]);
    expect(parse(['a,b\r1,2\r']).rows).toEqual([['a', 'b'], ['1', '2']]);
    expect(parse(['a,b\n1,2']).rows).toEqual([['a', 'b'], ['1', '2']]);
    expect(parse(['a,b\r\n1,']).rows).toEqual([['a', 'b'], ['1', '']]);
  });

  it('reads quoted fields with escaped quotes, delimiters, line breaks and kept whitespace', () => {
    const { rows } = parse(['"a ""quoted"" word","x,y","two\r\nlines","  padded  "\n']);
    expect(rows).toEqual([['a "quoted" word', 'x,y', 'two\r\nlines', '  padded  ']]);
  });

  it('keeps a bare quote inside an unquoted field literally', () => {
    expect(parse(['5" pipe,ab"c"d\n']).rows).toEqual([['5" pipe', 'ab"c"d']]);
  });

  it('skips entirely empty lines but keeps a line of one quoted empty field', () => {
    const { rows, lines } = parse(['a,b\n\n\r\n1,2\r\r\n""\n3,4']);
    expect(rows).toEqual([['a', 'b'], ['1', '2'], [''], ['3', '4']]);
    expect(lines).toEqual([1, 4, 6, 7]);
  });

  it('numbers rows by the file line they start on, counting quoted line breaks once each', () => {
    const { lines } = parse(['h\r\n"x\r\ny\nz\rw"\r\nnext\n"\n"\nlast']);
    expect(lines).toEqual([1, 2, 6, 7, 9]);
  });

  it('gives the same rows wherever the text is cut into chunks', () => {
    const text = 'Name,Note\r\n"é ""x""","a,\r\nb"\r\n€uro,plain\n"",""\r\r\nend,"q"""';
    const { rows, lines } = expectSameAtEverySplit(text);
    expect(rows).toEqual([
      ['Name', 'Note'],
      ['é "x"', 'a,\r\nb'],
      ['€uro', 'plain'],
      ['', ''],
      ['end', 'q"'],
    ]);
    expect(lines).toEqual([1, 2, 4, 5, 7]);
  });

  it('uses the given delimiter and treats commas as text then', () => {
    expect(expectSameAtEverySplit('a;b|c\t,x;"d;e"\n', ';').rows).toEqual([['a', 'b|c\t,x', 'd;e']]);
    expect(parse(['a\tb,c\t"d\te"\n'], '\t').rows).toEqual([['a', 'b,c', 'd\te']]);
  });

  it('reports text after a closing quote with its row and column', () => {
    const error = errorOf(['a,b\n1,"x"y\n']);
    expect(error.code).toBe('CSV_MALFORMED');
    expect(error.message).toBe('row 2, column 2: unexpected text after a closing quote (a quote inside a quoted value must be doubled: "")');
    expect(error.details).toEqual({ row: 2, column: null, columnNumber: 2 });
  });

  it('reports an unterminated quote at the row where the quoted value began', () => {
    const error = errorOf(['a,b\n1,2\n3,"never\nclosed\n', 'more\n']);
    expect(error.message).toBe('row 3, column 2: a quoted value starts here but has no closing quote (the file ends inside it)');
    expect(error.details).toMatchObject({ row: 3, columnNumber: 2 });
  });

  it('gives up on a quoted value longer than the limit instead of reading the file into memory', () => {
    const parser = new CsvParser(',', () => undefined, { maxFieldChars: 10 });
    parser.push('a\n"0123456');
    expect(() => parser.push('789abc')).toThrow(/row 2, column 1: a value is longer than 10 characters; a closing quote is probably missing/);
  });

  it('names columns by header name once the caller provides them', () => {
    const names = ['Id', 'Title'];
    const parser = new CsvParser(',', () => undefined, { columnName: (i) => names[i] });
    expect(() => parser.push('1,"T"x\n')).toThrow("row 1, column 'Title': unexpected text after a closing quote");
  });

  it('refuses a delimiter that cannot work', () => {
    expect(() => new CsvParser('"', () => undefined)).toThrow(/Invalid CSV delimiter/);
    expect(() => new CsvParser('ab', () => undefined)).toThrow(/Invalid CSV delimiter/);
  });
});
