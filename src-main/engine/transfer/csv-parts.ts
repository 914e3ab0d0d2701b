/**
 * Cutting a CSV file into parts that are read in parallel (each by an import worker). A cut is made
 * just after a line feed byte, so each part starts at a line start; whether that line start is also
 * a row start (not inside a quoted value with a line break) is known only once the part before it
 * has been parsed: its reader reports whether it ended between rows (`CsvReader.partEnd`), and the
 * import falls back to one part when it did not.
 */
import fs from 'node:fs';
import type { CsvEncoding } from '../csv/csv-encoding';
import { openCsv, type CsvReader, type CsvReadOptions } from '../csv/csv-reader';
import type { CsvFacts, FilePart } from './import-protocol';

/** How far past a wanted cut a line feed is looked for; a file with longer lines is not cut there. */
const MAX_LINE_SEARCH = 1024 * 1024;

/** Files whose line feeds are single 0x0A bytes, which a cut can find without decoding. */
export function canCut(encoding: CsvEncoding): boolean {
  return encoding === 'utf-8' || encoding === 'utf-8-bom' || encoding === 'windows-1252';
}

/**
 * Offsets cutting `size` bytes near the given shares of it (increasing fractions), each just after
 * a line feed, all after byte `after` (what is already read: the header). Fewer where lines are long.
 */
export async function findCuts(path: string, size: number, shares: readonly number[], after: number): Promise<number[]> {
  const cuts: number[] = [];
  const handle = await fs.promises.open(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    for (const share of shares) {
      const want = Math.max(Math.floor(size * share), after, cuts.at(-1) ?? 0);
      let at = want;
      let cut = -1;
      while (cut < 0 && at < size && at - want < MAX_LINE_SEARCH) {
        const { bytesRead } = await handle.read(buf, 0, buf.length, at);
        if (bytesRead === 0) break;
        const lf = buf.subarray(0, bytesRead).indexOf(0x0a);
        if (lf >= 0) cut = at + lf + 1;
        else at += bytesRead;
      }
      if (cut > 0 && cut < size && cut > (cuts.at(-1) ?? after)) cuts.push(cut);
    }
  } finally {
    await handle.close();
  }
  return cuts;
}

/** Parts from cuts: [0, c1), [c1, c2), …, [cn, end of file). First lines are filled in later. */
export function partsOf(cuts: readonly number[]): FilePart[] {
  const bounds = [0, ...cuts];
  return bounds.map((start, i) => ({ start, end: cuts[i] ?? null, firstLine: 1 }));
}

/**
 * A reader of one part (of the whole file without one): the first part reads the header as usual
 * (with the file's encoding and delimiter when known, rather than detecting them from the part
 * alone); a later one starts at its line.
 */
export async function openCsvPart(path: string, part: FilePart | undefined, facts: CsvFacts | undefined, opts: CsvReadOptions = {}): Promise<CsvReader> {
  if (!part) return openCsv(path, opts);
  const end = part.end === null ? {} : { end: part.end };
  const known = facts ? { encoding: facts.encoding, delimiter: facts.delimiter } : {};
  if (part.start === 0) return openCsv(path, { ...opts, ...known, ...end });
  if (!facts) throw new Error('openCsvPart: a part after the header needs the file\'s facts');
  return openCsv(path, { ...opts, ...known, ...end, start: part.start, header: facts.header, firstLine: part.firstLine });
}
