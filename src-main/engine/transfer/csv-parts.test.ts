/**
 * Reading a CSV file in parts: cuts just after line feeds, and parts that read back exactly the
 * rows (and row numbers) of reading the whole file, or say that a cut fell inside a quoted value.
 */
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCsv, type CsvPartEnd } from '../csv/csv-reader';
import { makeTempDir, readAll, type TempDir } from '../csv/csv-test.util';
import { canCut, findCuts, openCsvPart, partsOf } from './csv-parts';
import type { CsvFacts, FilePart } from './import-protocol';

let tmp: TempDir;
beforeEach(() => (tmp = makeTempDir()));
afterEach(() => tmp.remove());

/** Reads every part in turn, each starting at the line the parts before it ended on. */
async function readParts(file: string, cuts: number[]): Promise<{ rows: string[][]; rowNumbers: number[]; ends: CsvPartEnd[] }> {
  const head = await openCsv(file);
  const facts: CsvFacts = { encoding: head.encoding, delimiter: head.delimiter, header: head.header };
  await head.close();
  const rows: string[][] = [];
  const rowNumbers: number[] = [];
  const ends: CsvPartEnd[] = [];
  let line = 1;
  for (const p of partsOf(cuts)) {
    const part: FilePart = { ...p, firstLine: line };
    const reader = await openCsvPart(file, part, facts, { chunkSize: 7 });
    for await (const batch of reader.batches()) {
      rows.push(...batch.rows);
      rowNumbers.push(...batch.rowNumbers);
    }
    const end = reader.partEnd();
    ends.push(end);
    line = end.nextLine;
  }
  return { rows, rowNumbers, ends };
}

describe('reading a CSV file in parts', () => {
  const text = 'Part,Note,Qty\r\nP-1,plain,1\r\n\r\nP-2,"two\r\nlines",2\r\nP-3,"a ""quote""",3\r\nP-4,ünï,4\r\nP-5,last,5';

  it('gives the rows and row numbers of one pass, wherever the cuts fall between rows', async () => {
    const file = tmp.file('parts.csv', text);
    const whole = await readAll(file);
    const bytes = fs.readFileSync(file);
    // Every line start after the header, alone and in pairs.
    const lineStarts = [...bytes.keys()].filter((i) => i > 0 && bytes[i - 1] === 0x0a && i > bytes.indexOf(0x0a));
    const inQuotes = bytes.indexOf(Buffer.from('lines"')); // the line start inside "two\r\nlines"
    const between = lineStarts.filter((i) => i !== inQuotes);
    expect(between.length).toBeGreaterThanOrEqual(4);
    for (const a of between) {
      for (const cuts of [[a], ...between.filter((b) => b > a).map((b) => [a, b])]) {
        const read = await readParts(file, cuts);
        expect(read.rows, `cuts ${cuts.join(', ')}`).toEqual(whole.rows);
        expect(read.rowNumbers, `cuts ${cuts.join(', ')}`).toEqual(whole.rowNumbers);
        expect(read.ends.every((e) => e.complete)).toBe(true);
        expect(read.ends.reduce((n, e) => n + e.rows, 0)).toBe(whole.rows.length);
      }
    }
  });

  it('says when a cut falls inside a quoted value, instead of failing or inventing a row', async () => {
    const file = tmp.file('quoted.csv', text);
    const cut = fs.readFileSync(file).indexOf(Buffer.from('lines"'));
    const head = await openCsvPart(file, { start: 0, end: cut, firstLine: 1 }, { encoding: 'utf-8', delimiter: ',', header: ['Part', 'Note', 'Qty'] }, { chunkSize: 7 });
    const rows: string[][] = [];
    for await (const batch of head.batches()) rows.push(...batch.rows);
    expect(rows).toEqual([['P-1', 'plain', '1']]);
    expect(head.partEnd()).toEqual({ complete: false, nextLine: 5, rows: 1 });
  });

  it('refuses a part after the header without the file facts, and a limit before what is read', async () => {
    const file = tmp.file('facts.csv', text);
    await expect(openCsvPart(file, { start: 15, end: null, firstLine: 2 }, undefined)).rejects.toThrow('needs the file');
    await expect(
      openCsv(file, { start: 15, header: ['A', 'B', 'C'], encoding: 'utf-16le', delimiter: ',' }),
    ).rejects.toThrow('UTF-16');
    const reader = await openCsv(file);
    expect(() => reader.stopAt(3)).toThrow('are read already');
    await reader.close();
  });

  it('cuts just after line feeds near the wanted shares, after what is read, and not within long lines', async () => {
    const lines = ['Part,Qty', ...Array.from({ length: 1000 }, (_, i) => `P-${i},${i}`)];
    const file = tmp.file('cuts.csv', lines.join('\n') + '\n');
    const bytes = fs.readFileSync(file);
    const cuts = await findCuts(file, bytes.length, [0.25, 0.5, 0.75], 100);
    expect(cuts).toHaveLength(3);
    for (const [k, cut] of cuts.entries()) {
      expect(bytes[cut - 1]).toBe(0x0a);
      expect(cut).toBeGreaterThanOrEqual(Math.floor(bytes.length * [0.25, 0.5, 0.75][k]!));
      expect(cut - Math.floor(bytes.length * [0.25, 0.5, 0.75][k]!)).toBeLessThan(20);
    }
    // Nothing before `after`, none at the very end, each after the one before.
    expect(await findCuts(file, bytes.length, [0.01, 0.02], bytes.length - 5)).toEqual([]);
    const twice = await findCuts(file, bytes.length, [0.5, 0.5], 0);
    expect(twice).toHaveLength(2);
    expect(twice[1]!).toBeGreaterThan(twice[0]!);
    // One line of 2 MB: no line feed near the middle.
    const long = tmp.file('long.csv', 'A\n' + 'x'.repeat(2 * 1024 * 1024) + '\n');
    expect(await findCuts(long, fs.statSync(long).size, [0.5], 0)).toEqual([]);
  });

  it('cuts only encodings whose line feed is one byte', () => {
    expect(canCut('utf-8')).toBe(true);
    expect(canCut('utf-8-bom')).toBe(true);
    expect(canCut('windows-1252')).toBe(true);
    expect(canCut('utf-16le')).toBe(false);
    expect(canCut('utf-16be')).toBe(false);
  });
});
