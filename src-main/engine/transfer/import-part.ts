/**
 * The work of an import worker on its part of a file (or the whole file): read its rows, parse each
 * value by its field's type, and build shards of up to `shardCapacity` records, each a Yjs update
 * (packed records) with its records' projected rows.
 */
import { idSequence, newId } from '../../../src-shared/ids';
import type { RecordMeta, SqlType, SqlValue } from '../../../src-shared/fields/field-type';
import { getFieldType } from '../../../src-shared/fields/field-registry';
import type { CellValue } from '../../../src-shared/schema/schema.types';
import { ShardWriter } from '../../../src-shared/docs/shard-update';
import { RowProjector } from '../projection/projector';
import { RowBatchBuilder, type RowBatch } from '../projection/row-batch';
import { openCsvPart } from './csv-parts';
import { rowCellsParser } from './import-rows';
import type { ImportWorkerInput } from './import-protocol';

/** A finished shard: what `appendShard` writes, and the buffers that can be transferred with it. */
export interface BuiltShard {
  shardId: string;
  ids: string[];
  rows: RowBatch;
  update: Uint8Array;
  transfer: ArrayBuffer[];
  /** File offset read up to when the shard was finished, of `totalBytes`. */
  bytesRead: number;
  totalBytes: number;
}

/** The shard being filled: its Yjs update and its records' projected rows as they grow. */
class PendingShard {
  readonly writer: ShardWriter;
  readonly rows: RowBatchBuilder;
  readonly ids: string[] = [];

  constructor(fieldIds: string[], sqlTypes: readonly SqlType[], createdAt: number, firstAutonumber: number, capacity: number) {
    // A fresh client id per shard doc, as a new Y.Doc would pick.
    this.writer = new ShardWriter(crypto.getRandomValues(new Uint32Array(1))[0]!, fieldIds);
    this.rows = new RowBatchBuilder(fieldIds, sqlTypes, createdAt, firstAutonumber, capacity);
  }

  finish(bytesRead: number, totalBytes: number): BuiltShard {
    const update = this.writer.finish();
    const { batch, transfer } = this.rows.finish();
    const whole = update.byteOffset === 0 && update.byteLength === update.buffer.byteLength;
    return { shardId: newId('shd'), ids: this.ids, rows: batch, update, transfer: whole ? [update.buffer as ArrayBuffer, ...transfer] : transfer, bytesRead, totalBytes };
  }
}

/**
 * Imports the rows of `input.part` (the whole file without one), handing each shard to `onShard`
 * (awaited: it may hold the next back). Returns the rows read and whether the part ended between
 * rows. A value that does not fit its field fails with its file row and column named.
 */
export async function importPart(input: ImportWorkerInput, onShard: (shard: BuiltShard) => Promise<void> | void): Promise<{ rows: number; complete: boolean }> {
  let bytesRead = 0;
  let totalBytes = 0;
  const reader = await openCsvPart(input.path, input.part, input.facts, {
    batchSize: input.batchSize,
    onProgress: (read, total) => {
      bytesRead = read;
      totalBytes = total;
    },
  });
  const fieldIds = input.fields.map((f) => f.id);
  const parse = rowCellsParser(input.targets, fieldIds);
  const projector = new RowProjector(input.fields);
  const sqlTypes = input.fields.map((f) => getFieldType(f.type).sqlType);
  const cells: Array<CellValue | null> = new Array<CellValue | null>(fieldIds.length).fill(null);
  const row: SqlValue[] = new Array<SqlValue>(fieldIds.length).fill(null);
  const meta: RecordMeta = { createdAt: input.createdAt, autonumber: 0, editedAt: {} };
  let n = input.firstAutonumber;
  const next = (): PendingShard => new PendingShard(fieldIds, sqlTypes, input.createdAt, n, input.shardCapacity);
  let shard = next();
  let rows = 0;
  const recordId = idSequence('rec');
  for await (const batch of reader.batches()) {
    for (let i = 0; i < batch.rows.length; i++) {
      parse(batch.rows[i]!, batch.rowNumbers[i]!, cells);
      const id = recordId();
      shard.writer.add(id, input.createdAt, n, cells);
      meta.autonumber = n;
      // Parsed cells are stored values: the projection need not normalize them again.
      const text = projector.project(cells, meta, true, row, 0);
      shard.rows.add(row, text || null);
      shard.ids.push(id);
      n++;
      if (shard.ids.length === input.shardCapacity) {
        await onShard(shard.finish(bytesRead, totalBytes));
        shard = next();
      }
    }
    rows += batch.rows.length;
  }
  if (shard.ids.length > 0) await onShard(shard.finish(bytesRead, totalBytes));
  return { rows, complete: reader.partEnd().complete };
}
