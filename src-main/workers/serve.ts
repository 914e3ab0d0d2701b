/**
 * The worker side of the extraction pool: runs each job it is sent with `handle` and answers with
 * its value (buffers in `transfer` move without a copy) or its error as data. A job that throws
 * fails alone; the worker takes the next.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorData } from '../../src-shared/errors';
import type { PoolMessage, WorkerReply } from './protocol';

export interface JobOutput<Out> {
  value: Out;
  transfer?: ArrayBuffer[];
}

export function serveJobs<In, Out>(handle: (input: In) => Promise<JobOutput<Out>> | JobOutput<Out>): void {
  const port = parentPort;
  if (!port) throw new Error('serveJobs: not in a worker thread');
  const post = (m: WorkerReply<Out>, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  port.on('message', (m: PoolMessage<In>) => {
    if (m.type !== 'job') return;
    Promise.resolve()
      .then(() => handle(m.input))
      .then(
        (out) => post({ type: 'done', id: m.id, value: out.value }, out.transfer ?? []),
        (e: unknown) => post({ type: 'failed', id: m.id, error: toErrorData(e) }),
      );
  });
  post({ type: 'ready' });
}
