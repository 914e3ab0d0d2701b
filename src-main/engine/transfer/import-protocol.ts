/**
 * Messages between a bulk CSV import and its worker thread. The worker reads and parses the file
 * and builds each new shard's Yjs document and its records' projected rows; the engine writes rows,
 * updates and schema in its one SQLite transaction. The worker never touches SQLite.
 */
import type { ErrorData } from '../../../src-shared/errors';
import type { FieldSchema } from '../../../src-shared/schema/schema.types';
import type { RowBatch } from '../projection/row-batch';
import type { ColumnTarget } from './import-rows';

export interface ImportWorkerInput {
  path: string;
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
  /** File bytes read when the shard was complete, of `totalBytes`. */
  bytesRead: number;
  totalBytes: number;
}

export type WorkerMessage =
  | { type: 'ready' }
  | ShardMessage
  | { type: 'done'; rows: number }
  | { type: 'error'; error: ErrorData };

/** Engine → worker: what to import; and after each shard is written, an ack (at most `MAX_UNACKED_SHARDS` are in flight). */
export type HostMessage = { type: 'start'; input: ImportWorkerInput } | { type: 'ack' };

export const MAX_UNACKED_SHARDS = 2;
