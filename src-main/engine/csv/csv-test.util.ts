/** Test helpers for the CSV folder: a temp dir per test, removed afterwards. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineError } from '../../../src-shared/errors';
import type { CsvBatch, CsvReadOptions } from './csv-reader';
import { openCsv } from './csv-reader';

export interface TempDir {
  dir: string;
  /** Writes a file in the temp dir and returns its path. */
  file(name: string, content: string | Uint8Array): string;
  remove(): void;
}

export function makeTempDir(): TempDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baseplate-csv-'));
  return {
    dir,
    file(name, content) {
      const p = path.join(dir, name);
      fs.writeFileSync(p, content);
      return p;
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ReadAll {
  header: string[];
  rows: string[][];
  rowNumbers: number[];
  batches: CsvBatch[];
  encoding: string;
  delimiter: string;
}

/** Reads a whole CSV file through openCsv. */
export async function readAll(file: string, opts: CsvReadOptions = {}): Promise<ReadAll> {
  const reader = await openCsv(file, opts);
  const batches: CsvBatch[] = [];
  for await (const batch of reader.batches()) batches.push(batch);
  return {
    header: reader.header,
    rows: batches.flatMap((b) => b.rows),
    rowNumbers: batches.flatMap((b) => b.rowNumbers),
    batches,
    encoding: reader.encoding,
    delimiter: reader.delimiter,
  };
}

/** The EngineError a promise rejects with (fails the test if it resolves or throws something else). */
export async function engineErrorOf(promise: Promise<unknown>): Promise<EngineError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('expected an EngineError, but the promise resolved');
}
