/**
 * Worker thread of a bulk CSV import (see import-protocol.ts). Reads the file or one part of it,
 * parses each value by its field's type, and builds shard docs of up to `shardCapacity` records,
 * each sent as one Yjs update with the records' projected rows (so the engine thread only writes
 * them). A bad value stops the import with the row and column named.
 *
 * It is started before the engine knows what to import (booting overlaps the type-inference pass);
 * it may first infer the column types of its part (`analyze`), then waits for `start`.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorData } from '../../../src-shared/errors';
import { newId } from '../../../src-shared/ids';
import type { RecordMeta, SqlType, SqlValue } from '../../../src-shared/fields/field-type';
import { getFieldType } from '../../../src-shared/fields/field-registry';
import type { CellValue } from '../../../src-shared/schema/schema.types';
import { ShardWriter } from '../../../src-shared/docs/shard-update';
import { RowProjector } from '../projection/projector';
import { RowBatchBuilder } from '../projection/row-batch';
import { ColumnTypeInferrer } from '../csv/csv-infer';
import { openCsvPart } from './csv-parts';
import { rowCellsParser } from './import-rows';
import { MAX_UNACKED_SHARDS, type AnalyzeInput, type HostMessage, type ImportWorkerInput, type ShardMessage, type WorkerMessage } from './import-protocol';

const port = parentPort!;
const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

let unacked = 0;
let wake: (() => void) | null = null;
port.on('message', (m: HostMessage) => {
  if (m.type === 'start') {
    run(m.input).catch((e: unknown) => post({ type: 'error', error: toErrorData(e) }));
  } else if (m.type === 'analyze') {
    analyze(m.input).catch((e: unknown) => post({ type: 'error', error: toErrorData(e) }));
  } else if (m.type === 'ack') {
    unacked--;
    wake?.();
    wake = null;
  }
});

let bytesRead = 0;
let totalBytes = 0;

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
}

async function send(shard: PendingShard): Promise<void> {
  while (unacked >= MAX_UNACKED_SHARDS) await new Promise<void>((r) => (wake = r));
  const update = shard.writer.finish();
  const { batch, transfer } = shard.rows.finish();
  const msg: ShardMessage = { type: 'shard', shardId: newId('shd'), ids: shard.ids, rows: batch, update, bytesRead, totalBytes };
  unacked++;
  const whole = update.byteOffset === 0 && update.byteLength === update.buffer.byteLength;
  post(msg, whole ? [update.buffer as ArrayBuffer, ...transfer] : transfer);
}

async function analyze(input: AnalyzeInput): Promise<void> {
  const reader = await openCsvPart(input.path, input.part, input.facts, { onProgress: (read, total) => post({ type: 'progress', bytesRead: read, totalBytes: total }) });
  const inferrer = new ColumnTypeInferrer(reader.header.length);
  for await (const batch of reader.batches()) inferrer.add(batch.rows);
  const end = reader.partEnd();
  post({ type: 'analyzed', result: { columns: inferrer.snapshot(), rows: end.rows, lines: end.nextLine - input.part.firstLine, complete: end.complete } });
}

async function run(input: ImportWorkerInput): Promise<void> {
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
  for await (const batch of reader.batches()) {
    for (let i = 0; i < batch.rows.length; i++) {
      parse(batch.rows[i]!, batch.rowNumbers[i]!, cells);
      const id = newId('rec');
      shard.writer.add(id, input.createdAt, n, cells);
      meta.autonumber = n;
      // Parsed cells are stored values: the projection need not normalize them again.
      const text = projector.project(cells, meta, true, row, 0);
      shard.rows.add(row, text || null);
      shard.ids.push(id);
      n++;
      if (shard.ids.length === input.shardCapacity) {
        await send(shard);
        shard = next();
      }
    }
    rows += batch.rows.length;
  }
  if (shard.ids.length > 0) await send(shard);
  post({ type: 'done', rows, complete: reader.partEnd().complete });
}

post({ type: 'ready' });
