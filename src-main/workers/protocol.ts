/**
 * Messages between the extraction pool (pool.ts) and a worker serving jobs (serve.ts): one job at
 * a time per worker, answered with its value or an error as data.
 */
import type { ErrorData } from '../../src-shared/errors';

export type PoolMessage<In> = { type: 'job'; id: number; input: In };

export type WorkerReply<Out> = { type: 'ready' } | { type: 'done'; id: number; value: Out } | { type: 'failed'; id: number; error: ErrorData };
