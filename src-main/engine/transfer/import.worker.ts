/**
 * Worker thread of a bulk CSV import (see import-protocol.ts). Imports the file or one part of it
 * (import-part.ts: parse each value by its field's type, build shards of packed records with their
 * projected rows), sending each shard to the engine thread, which only writes it. A bad value stops
 * the import with the row and column named.
 *
 * It is started before the engine knows what to import (booting overlaps the type-inference pass);
 * it may first infer the column types of its part (`analyze`), then waits for `start`.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorData } from '../../../src-shared/errors';
import { ColumnTypeInferrer } from '../csv/csv-infer';
import { openCsvPart } from './csv-parts';
import { importPart, type BuiltShard } from './import-part';
import { MAX_UNACKED_SHARDS, type AnalyzeInput, type HostMessage, type ImportWorkerInput, type WorkerMessage } from './import-protocol';

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

async function send(shard: BuiltShard): Promise<void> {
  while (unacked >= MAX_UNACKED_SHARDS) await new Promise<void>((r) => (wake = r));
  unacked++;
  const { shardId, ids, rows, update, bytesRead, totalBytes } = shard;
  post({ type: 'shard', shardId, ids, rows, update, bytesRead, totalBytes }, shard.transfer);
}

async function analyze(input: AnalyzeInput): Promise<void> {
  const reader = await openCsvPart(input.path, input.part, input.facts, { onProgress: (read, total) => post({ type: 'progress', bytesRead: read, totalBytes: total }) });
  const inferrer = new ColumnTypeInferrer(reader.header.length);
  for await (const batch of reader.batches()) inferrer.add(batch.rows);
  const end = reader.partEnd();
  post({ type: 'analyzed', result: { columns: inferrer.snapshot(), rows: end.rows, lines: end.nextLine - input.part.firstLine, complete: end.complete } });
}

async function run(input: ImportWorkerInput): Promise<void> {
  const { rows, complete } = await importPart(input, send);
  post({ type: 'done', rows, complete });
}

post({ type: 'ready' });
