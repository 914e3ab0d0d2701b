/**
 * Messages between a bulk CSV import and its worker threads. A worker reads and parses the file (or
 * one part of it) and builds each new shard's Yjs document and its records' projected rows; the
 * engine writes rows, updates and schema in its one SQLite transaction. Workers never touch SQLite.
 * Before importing, a worker may infer the column types of its part (`analyze`).
 */
import type { ErrorData } from '../../../src-shared/errors';
import type { FieldSchema } from '../../../src-shared/schema/schema.types';
import type { CsvEncoding } from '../csv/csv-encoding';
import type { CsvDelimiter } from '../csv/csv-delimiter';
import type { ColumnSnapshot } from '../csv/csv-infer';
import type { RowBatch } from '../projection/row-batch';
import type { ColumnTarget } from './import-rows';

/**
 * A part of a file: bytes [start, end), `end` null for the rest of the file. A part that starts
 * after 0 starts at a line start, has no header row and is read with the whole file's `CsvFacts`;
 * its first line is line `firstLine` of the file.
 */
export interface FilePart {
  start: number;
  end: number | null;
  firstLine: number;
}

/** How the whole file is read: what a part after the header needs to know. */
export interface CsvFacts {
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  header: string[];
}

export interface AnalyzeInput {
  path: string;
  facts: CsvFacts;
  part: FilePart;
}

/** What inference learned of a part: merged by the engine into the parts before it. */
export interface AnalyzeResult {
  columns: ColumnSnapshot[];
  rows: number;
  /** Lines the part spans (rows, blank lines and quoted line breaks). */
  lines: number;
  /** False when the part's end cut a row: the part boundary is inside a quoted value. */
  complete: boolean;
}

export interface ImportWorkerInput {
  path: string;
  /** The part to import (absent: the whole file), and for a part after the header, how the file is read. */
  part?: FilePart;
  facts?: CsvFacts;
  targets: ColumnTarget[];
  /** Every field of the table, in order: the rows are projected over these. */
  fields: Array<Pick<FieldSchema, 'id' | 'type' | 'options'>>;
  /** Creation time of every imported record. */
  createdAt: number;
  /** Autonumber of the first imported record. */
  firstAutonumber: number;
  /** Records per shard doc. */
  shardCapacity: number;
  /** Rows per progress message and per batch read. */
  batchSize: number;
}

/** One full (or the last) shard: its records' ids and projected rows, and its Yjs state as one update. */
export interface ShardMessage {
  type: 'shard';
  shardId: string;
  ids: string[];
  rows: RowBatch;
  update: Uint8Array;
  /** File bytes read when the shard was complete (an offset in the file), of `totalBytes`. */
  bytesRead: number;
  totalBytes: number;
}

export type WorkerMessage =
  | { type: 'ready' }
  | ShardMessage
  /** The import read `rows` rows; `complete` as in AnalyzeResult. */
  | { type: 'done'; rows: number; complete: boolean }
  | { type: 'progress'; bytesRead: number; totalBytes: number }
  | { type: 'analyzed'; result: AnalyzeResult }
  | { type: 'error'; error: ErrorData };

/**
 * Engine → worker: a part to analyze, then (once) what to import; after each shard is written, an
 * ack (at most `MAX_UNACKED_SHARDS` are in flight).
 */
export type HostMessage = { type: 'analyze'; input: AnalyzeInput } | { type: 'start'; input: ImportWorkerInput } | { type: 'ack' };

export const MAX_UNACKED_SHARDS = 2;
