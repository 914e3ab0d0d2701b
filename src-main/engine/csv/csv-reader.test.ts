import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCsv, readCsvPreview } from './csv-reader';
import { type TempDir, engineErrorOf, makeTempDir, readAll } from './csv-test.util';

describe('openCsv', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(() => tmp.remove());

  it('reads the header and rows with quoted delimiters, quotes and line breaks', async () => {
    const file = tmp.file(
      'parts.csv',
      'Part,Description,Qty\r\nP-1,"Bolt, M6 x 20",10\r\nP-2,"He said ""tight""",5\r\nP-3,"Two\r\nlines",7\r\nP-4,"  spaced  ",1',
    );
    const result = await readAll(file);
    expect(result.delimiter).toBe(',');
    expect(result.header).toEqual(['Part', 'Description', 'Qty']);
    expect(result.rows).toEqual([
      ['P-1', 'Bolt, M6 x 20', '10'],
      ['P-2', 'He said "tight"', '5'],
      ['P-3', 'Two\r\nlines', '7'],
      ['P-4', '  spaced  ', '1'],
    ]);
    expect(result.rowNumbers).toEqual([2, 3, 4, 6]);
  });

  it('reads CR-only line ends and skips blank lines', async () => {
    const file = tmp.file('cr.csv', 'A,B\r\r1,2\r\r\r3,4\r');
    const result = await readAll(file);
    expect(result.rows).toEqual([['1', '2'], ['3', '4']]);
    expect(result.rowNumbers).toEqual([3, 6]);
  });

  it('treats a row of one empty field as blank in a file with several columns, but as a value in a one-column file', async () => {
    expect((await readAll(tmp.file('multi.csv', 'A,B\n""\n1,2\n'))).rows).toEqual([['1', '2']]);
    expect((await readAll(tmp.file('single.csv', 'A\n""\nx\n'))).rows).toEqual([[''], ['x']]);
  });

  it('detects the delimiter', async () => {
    for (const [delimiter, name] of [[';', 'semicolon'], ['\t', 'tab'], ['|', 'pipe'], [',', 'comma']] as const) {
      const price = delimiter === ',' ? '"1,5"' : '1,5';
      const file = tmp.file(`${name}.csv`, `Name${delimiter}Price${delimiter}Note\na${delimiter}${price}${delimiter}"x${delimiter}y"\n`);
      const result = await readAll(file);
      expect(result.delimiter, name).toBe(delimiter);
      expect(result.rows, name).toEqual([['a', '1,5', `x${delimiter}y`]]);
    }
  });

  it('uses a delimiter it is given', async () => {
    const file = tmp.file('given.csv', 'a;b,c\n1;2,3\n');
    expect((await readAll(file, { delimiter: ',' })).rows).toEqual([['1;2', '3']]);
  });

  it('names empty header cells by position and numbers duplicate names', async () => {
    const file = tmp.file('header.csv', ' Name ,,Qty,name,Qty,QTY (2),\n1,2,3,4,5,6,7\n');
    const reader = await openCsv(file);
    expect(reader.header).toEqual(['Name', 'Field 2', 'Qty', 'name (2)', 'Qty (3)', 'QTY (2)', 'Field 7']);
    expect(reader.rawHeader).toEqual([' Name ', '', 'Qty', 'name', 'Qty', 'QTY (2)', '']);
    await reader.close();
  });

  it('hands out rows in batches of the requested size, each with the row numbers of its rows', async () => {
    const lines = ['N'];
    for (let i = 1; i <= 25; i++) lines.push(String(i));
    const file = tmp.file('batches.csv', `${lines.join('\n')}\n`);
    const result = await readAll(file, { batchSize: 10, chunkSize: 7 });
    expect(result.batches.map((b) => b.rows.length)).toEqual([10, 10, 5]);
    expect(result.batches.map((b) => b.firstRow)).toEqual([2, 12, 22]);
    expect(result.batches[1]?.rowNumbers).toEqual([12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
    expect(result.rows.flat()).toEqual(lines.slice(1));
  });

  it('reads a multi-byte character and a "" escape split across chunk boundaries', async () => {
    const tail = '"a ""€"" b","ü""\n""z"\n';
    const small = tmp.file('small.csv', `Name,Note\nx,y\n${tail}`);
    for (let chunkSize = 1; chunkSize <= 9; chunkSize++) {
      const result = await readAll(small, { delimiter: ',', chunkSize });
      expect(result.rows, `chunk size ${chunkSize}`).toEqual([['x', 'y'], ['a "€" b', 'ü"\n"z']]);
    }
    // Past the 64 KB delimiter sample, the boundaries land in the streamed part.
    const big = tmp.file('big.csv', `Name,Note\n${'x,y\n'.repeat(20_000)}${tail}`);
    for (const chunkSize of [7, 64 * 1024]) {
      const result = await readAll(big, { chunkSize });
      expect(result.rows.at(-1), `chunk size ${chunkSize}`).toEqual(['a "€" b', 'ü"\n"z']);
      expect(result.rows).toHaveLength(20_001);
    }
  });

  it('reads a file with only a header row', async () => {
    const reader = await openCsv(tmp.file('h.csv', 'A,B'));
    expect(reader.header).toEqual(['A', 'B']);
    const batches = [];
    for await (const batch of reader.batches()) batches.push(batch);
    expect(batches).toEqual([]);
  });

  it('reports progress in bytes up to the file size', async () => {
    const file = tmp.file('p.csv', `A\n${'row\n'.repeat(1000)}`);
    const seen: Array<[number, number]> = [];
    await readAll(file, { chunkSize: 1024, onProgress: (read, total) => seen.push([read, total]) });
    const size = fs.statSync(file).size;
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.at(-1)).toEqual([size, size]);
    expect(seen.every(([read], i) => i === 0 || read > (seen[i - 1]?.[0] ?? 0))).toBe(true);
  });

  describe('malformed files', () => {
    it('names the row, the field count and the missing column when a row has too few fields', async () => {
      const file = tmp.file('few.csv', 'Name,Qty,Price,Notes\na,1,2,x\nb,1,2\n');
      const error = await engineErrorOf(readAll(file));
      expect(error.code).toBe('CSV_MALFORMED');
      expect(error.message).toBe(
        "row 3 has 3 fields but the header has 4 (no value for column 'Notes'; a value containing a line break must be in double quotes)",
      );
      expect(error.details).toEqual({ row: 3, column: 'Notes', columnNumber: 4, fields: 3, expected: 4 });
    });

    it('names the row and the last column when a row has too many fields', async () => {
      const rows = ['Name;Qty;Price;Notes'];
      for (let i = 2; i < 812; i++) rows.push(`n${i};1;2;x`);
      rows.push('bad;1;2;x;y');
      const error = await engineErrorOf(readAll(tmp.file('many.csv', `${rows.join('\n')}\n`)));
      expect(error.message).toBe(
        "row 812 has 5 fields but the header has 4 (extra value after column 'Notes'; a value containing ';' must be in double quotes)",
      );
      expect(error.details).toMatchObject({ row: 812, column: 'Notes' });
    });

    it('names the row and column of text after a closing quote', async () => {
      const file = tmp.file('quote.csv', 'Id,Title\n1,a\n2,b\n3,c\n4,d\n5,e\n6,"The "best" one"\n');
      const error = await engineErrorOf(readAll(file));
      expect(error.code).toBe('CSV_MALFORMED');
      expect(error.message).toBe(
        "row 7, column 'Title': unexpected text after a closing quote (a quote inside a quoted value must be doubled: \"\")",
      );
      expect(error.details).toEqual({ row: 7, column: 'Title', columnNumber: 2 });
    });

    it('names the row where an unterminated quoted value began', async () => {
      const file = tmp.file('open.csv', 'Id,Title\n1,ok\n2,"never closed\n3,more\n4,text\n');
      const error = await engineErrorOf(readAll(file));
      expect(error.message).toBe(
        "row 3, column 'Title': a quoted value starts here but has no closing quote (the file ends inside it)",
      );
      expect(error.details).toEqual({ row: 3, column: 'Title', columnNumber: 2 });
    });

    it('hands out the rows before a malformed row, then fails', async () => {
      const file = tmp.file('late.csv', 'A,B\n1,2\n3,4\n5\n');
      const reader = await openCsv(file, { batchSize: 1 });
      const rows: string[][] = [];
      const error = await engineErrorOf(
        (async () => {
          for await (const batch of reader.batches()) rows.push(...batch.rows);
        })(),
      );
      expect(rows).toEqual([['1', '2'], ['3', '4']]);
      expect(error.details).toMatchObject({ row: 4 });
    });

    it('fails on an empty file with a message saying a header is needed', async () => {
      const error = await engineErrorOf(openCsv(tmp.file('empty.csv', '\r\n\n')));
      expect(error.code).toBe('CSV_MALFORMED');
      expect(error.message).toMatch(/file is empty.*header row/);
    });

    it('fails with FILE_NOT_FOUND for a missing file', async () => {
      const error = await engineErrorOf(openCsv(`${tmp.dir}/missing.csv`));
      expect(error.code).toBe('FILE_NOT_FOUND');
    });
  });

  describe('cancellation', () => {
    it('stops with CANCELLED when aborted between batches and closes the file', async () => {
      const file = tmp.file('big.csv', `A,B\n${'1,2\n'.repeat(50_000)}`);
      const controller = new AbortController();
      const reader = await openCsv(file, { signal: controller.signal, batchSize: 100, chunkSize: 4096 });
      let batches = 0;
      const error = await engineErrorOf(
        (async () => {
          for await (const _batch of reader.batches()) {
            batches++;
            if (batches === 3) controller.abort();
          }
        })(),
      );
      expect(error.code).toBe('CANCELLED');
      expect(batches).toBe(3);
      // The stream is closed: closing again is immediate, and the file can be removed.
      await reader.close();
      fs.rmSync(file);
    });

    it('stops with CANCELLED when aborted in the middle of reading, without reading the rest', async () => {
      const file = tmp.file('big.csv', `A,B\n${'1,2\n'.repeat(50_000)}`);
      const controller = new AbortController();
      let reads = 0;
      const reader = await openCsv(file, {
        signal: controller.signal,
        chunkSize: 1024,
        onProgress: () => {
          reads++;
          if (reads === 100) controller.abort();
        },
      });
      const error = await engineErrorOf(
        (async () => {
          for await (const _batch of reader.batches()) {
            /* drain */
          }
        })(),
      );
      expect(error.code).toBe('CANCELLED');
      expect(reads).toBeLessThan(200);
    });

    it('refuses to open with an already aborted signal', async () => {
      const error = await engineErrorOf(openCsv(tmp.file('a.csv', 'A\n1\n'), { signal: AbortSignal.abort() }));
      expect(error.code).toBe('CANCELLED');
    });
  });
});

describe('readCsvPreview', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(() => tmp.remove());

  it('returns the header and the first rows, even when a later row is malformed', async () => {
    const rows = ['Id;Name'];
    for (let i = 1; i <= 50; i++) rows.push(`${i};n${i}`);
    rows.push('broken');
    const preview = await readCsvPreview(tmp.file('p.csv', `${rows.join('\n')}\n`), 3);
    expect(preview).toEqual({
      encoding: 'utf-8',
      delimiter: ';',
      header: ['Id', 'Name'],
      rows: [['1', 'n1'], ['2', 'n2'], ['3', 'n3']],
      rowNumbers: [2, 3, 4],
    });
  });

  it('returns just the header for zero rows and all rows of a short file', async () => {
    const file = tmp.file('s.csv', 'A,B\n1,2\n');
    expect((await readCsvPreview(file, 0)).rows).toEqual([]);
    expect((await readCsvPreview(file, 10)).rows).toEqual([['1', '2']]);
  });
});
