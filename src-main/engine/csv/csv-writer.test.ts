import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CsvWriter, createCsvFileWriter, csvEscape, csvRow } from './csv-writer';
import { type TempDir, makeTempDir, readAll } from './csv-test.util';

describe('csvEscape', () => {
  it('leaves plain values alone', () => {
    expect(csvEscape('plain text')).toBe('plain text');
    expect(csvEscape('')).toBe('');
    expect(csvEscape('a;b')).toBe('a;b');
    expect(csvEscape('5" pipe', ';')).toBe('"5"" pipe"');
  });

  it('quotes values with the delimiter, a quote, CR or LF, and doubles quotes', () => {
    expect(csvEscape('a,b')).toBe('"a,b"');
    expect(csvEscape('say "hi"')).toBe('"say ""hi"""');
    expect(csvEscape('two\nlines')).toBe('"two\nlines"');
    expect(csvEscape('cr\rhere')).toBe('"cr\rhere"');
    expect(csvEscape('a;b', ';')).toBe('"a;b"');
    expect(csvEscape('a\tb', '\t')).toBe('"a\tb"');
    expect(csvEscape('a|b', '|')).toBe('"a|b"');
  });

  it('quotes values with leading or trailing spaces', () => {
    expect(csvEscape(' lead')).toBe('" lead"');
    expect(csvEscape('trail ')).toBe('"trail "');
    expect(csvEscape('in side')).toBe('in side');
  });
});

describe('csvRow', () => {
  it('joins escaped values with CRLF, writing null and undefined as empty', () => {
    expect(csvRow(['a', null, undefined, 'b,c'])).toBe('a,,,"b,c"\r\n');
  });

  it('writes a row of one empty value as "" so that it is not read back as a blank line', () => {
    expect(csvRow([''])).toBe('""\r\n');
  });
});

describe('CsvWriter', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(() => tmp.remove());

  const ROWS = [
    ['Name', 'Note', 'Qty'],
    ['Bolt, M6', 'say "hi"', '10'],
    ['  padded  ', 'two\r\nlines', ''],
    ['ünïcödé €', 'line\nbreak', '-3'],
    ['', '', ''],
    ['tab\there', 'pipe|semi;', '"'],
  ];

  it('writes rows that read back identically, for every delimiter', async () => {
    for (const delimiter of [',', ';', '\t', '|'] as const) {
      const file = path.join(tmp.dir, `out-${delimiter.charCodeAt(0)}.csv`);
      const writer = createCsvFileWriter(file, { delimiter });
      await writer.writeRows(ROWS);
      await writer.end();
      const result = await readAll(file, { delimiter });
      expect([result.header, ...result.rows], `delimiter ${JSON.stringify(delimiter)}`).toEqual(ROWS);
    }
  });

  it('round-trips a one-column file with empty values', async () => {
    const file = path.join(tmp.dir, 'one.csv');
    const writer = createCsvFileWriter(file);
    for (const row of [['Only'], [''], ['x'], ['']]) await writer.writeRow(row);
    await writer.end();
    expect((await readAll(file)).rows).toEqual([[''], ['x'], ['']]);
  });

  it('starts with a UTF-8 BOM when asked, which the reader skips', async () => {
    const file = path.join(tmp.dir, 'bom.csv');
    const writer = createCsvFileWriter(file, { bom: true });
    await writer.writeRows([['A'], ['é']]);
    await writer.end();
    const bytes = fs.readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe('A\r\né\r\n');
    const result = await readAll(file);
    expect(result.encoding).toBe('utf-8-bom');
    expect(result.header).toEqual(['A']);
  });

  it('waits for a slow stream to drain instead of buffering everything', async () => {
    let maxQueued = 0;
    let received = '';
    const slow: Writable = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        maxQueued = Math.max(maxQueued, slow.writableLength);
        setTimeout(() => {
          received += chunk.toString('utf8');
          callback();
        }, 1);
      },
    });
    const writer = new CsvWriter(slow);
    const row = ['x'.repeat(100), 'y'.repeat(100)];
    for (let i = 0; i < 5000; i++) await writer.writeRow(row);
    await writer.end();
    expect(received.length).toBe(5000 * csvRow(row).length);
    // Without backpressure all ~1 MB would sit in the stream's queue; with it, about one flush at a time.
    expect(maxQueued).toBeLessThan(200 * 1024);
  });

  it('fails the next write when the stream fails', async () => {
    const broken = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error('disk full'));
      },
    });
    const writer = new CsvWriter(broken);
    await writer.writeRow(['a']);
    await expect(writer.end()).rejects.toThrow('disk full');
  });
});
