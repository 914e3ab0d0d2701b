/**
 * Worker thread of a bulk CSV import (see import-protocol.ts). Reads the file, parses each value by
 * its field's type, and builds shard docs of up to `shardCapacity` records, each sent as one Yjs
 * update with the records' values. A bad value stops the import with the row and column named.
 * It is started before the engine knows what to import (booting overlaps the type-inference pass)
 * and waits for a `start` message.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorData } from '../../../src-shared/errors';
import { newId } from '../../../src-shared/ids';
import type { RecordBase } from '../../../src-shared/docs/table-doc';
import { encodeNewShard } from '../../../src-shared/docs/shard-update';
import { openCsv } from '../csv/csv-reader';
import { rowParser } from './import-rows';
import { MAX_UNACKED_SHARDS, type HostMessage, type ImportWorkerInput, type ShardMessage, type WorkerMessage } from './import-protocol';

const port = parentPort!;
const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

let unacked = 0;
let wake: (() => void) | null = null;
port.on('message', (m: HostMessage) => {
  if (m.type === 'start') {
    run(m.input).catch((e: unknown) => post({ type: 'error', error: toErrorData(e) }));
  } else if (m.type === 'ack') {
    unacked--;
    wake?.();
    wake = null;
  }
});

let bytesRead = 0;
let totalBytes = 0;

async function sendShard(ids: string[], bases: RecordBase[]): Promise<void> {
  while (unacked >= MAX_UNACKED_SHARDS) await new Promise<void>((r) => (wake = r));
  // A fresh client id per shard doc, as a new Y.Doc would pick.
  const update = encodeNewShard(crypto.getRandomValues(new Uint32Array(1))[0]!, ids, bases);
  const msg: ShardMessage = { type: 'shard', shardId: newId('shd'), ids, bases, update, bytesRead, totalBytes };
  unacked++;
  const whole = update.byteOffset === 0 && update.byteLength === update.buffer.byteLength;
  post(msg, whole ? [update.buffer as ArrayBuffer] : []);
}

async function run(input: ImportWorkerInput): Promise<void> {
  const reader = await openCsv(input.path, {
    batchSize: input.batchSize,
    onProgress: (read, total) => {
      bytesRead = read;
      totalBytes = total;
    },
  });
  const parse = rowParser(input.targets);
  let n = input.firstAutonumber;
  let ids: string[] = [];
  let bases: RecordBase[] = [];
  let rows = 0;
  for await (const batch of reader.batches()) {
    for (let i = 0; i < batch.rows.length; i++) {
      const v = parse(batch.rows[i]!, batch.rowNumbers[i]!);
      ids.push(newId('rec'));
      bases.push({ c: input.createdAt, n: n++, v });
      if (ids.length === input.shardCapacity) {
        await sendShard(ids, bases);
        ids = [];
        bases = [];
      }
    }
    rows += batch.rows.length;
  }
  if (ids.length > 0) await sendShard(ids, bases);
  post({ type: 'done', rows });
}

post({ type: 'ready' });
