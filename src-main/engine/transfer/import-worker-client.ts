/**
 * The engine's side of a bulk import worker (import.worker.ts). The worker is started early (it
 * boots while the type-inference pass runs) and may fail at any moment, before, during or after its
 * import: every failure is caught here and becomes the import's error, never an unhandled worker
 * error (which would end the engine process).
 */
import type { Worker } from 'node:worker_threads';
import { assertNever, EngineError } from '../../../src-shared/errors';
import { startWorker, workerUrl } from '../worker-host';
import type { HostMessage, ImportWorkerInput, ShardMessage, WorkerMessage } from './import-protocol';

export interface RunOptions {
  signal?: AbortSignal;
  /** Bytes of the file behind the shards written so far. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

export class ImportWorker {
  private readonly worker: Worker;
  private failure: EngineError | null = null;
  private onFailure: ((e: EngineError) => void) | null = null;
  private disposed = false;

  constructor() {
    // Young-generation room: the worker allocates many short-lived objects per row.
    this.worker = startWorker(workerUrl('import.worker', new URL('./import.worker.ts', import.meta.url)), { resourceLimits: { maxYoungGenerationSizeMb: 256 } });
    this.worker.on('error', (e: Error) => this.fail(new EngineError('INTERNAL', `The import worker failed: ${e.message}`)));
    this.worker.on('exit', (code: number) => this.fail(new EngineError('INTERNAL', `The import worker stopped unexpectedly (exit code ${code}).`)));
  }

  private fail(e: EngineError): void {
    if (this.disposed) return;
    this.failure ??= e;
    this.onFailure?.(e);
  }

  /**
   * Imports `input`: the worker parses the file and builds shards while `onShard` writes each one
   * (in the caller's transaction). Resolves with the row count; rejects with the worker's error (a
   * bad value names its row and column), on cancel, or if the worker dies. Runs once.
   */
  run(input: ImportWorkerInput, opts: RunOptions, onShard: (m: ShardMessage) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (error: unknown, rows = 0): void => {
        if (settled) return;
        settled = true;
        this.onFailure = null;
        opts.signal?.removeEventListener('abort', onAbort);
        this.worker.off('message', onMessage);
        this.dispose();
        if (error) reject(error instanceof Error ? error : new EngineError('INTERNAL', String(error)));
        else resolve(rows);
      };
      const onAbort = (): void => finish(new EngineError('CANCELLED', 'The import was cancelled. Nothing was imported.'));
      const onMessage = (m: WorkerMessage): void => {
        if (settled) return;
        switch (m.type) {
          case 'ready':
            return;
          case 'shard':
            try {
              onShard(m);
              opts.onProgress?.(m.bytesRead, m.totalBytes);
              this.worker.postMessage({ type: 'ack' } satisfies HostMessage);
            } catch (e) {
              finish(e);
            }
            return;
          case 'done':
            return finish(null, m.rows);
          case 'error':
            return finish(new EngineError(m.error.code, m.error.message, m.error.details));
          default:
            return assertNever(m, 'worker message');
        }
      };
      if (this.failure) return finish(this.failure);
      if (opts.signal?.aborted) return onAbort();
      this.onFailure = (e) => finish(e);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.worker.on('message', onMessage);
      this.worker.postMessage({ type: 'start', input } satisfies HostMessage);
    });
  }

  /** Stops the worker. Its error and exit listeners stay attached (and ignore what follows). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    void this.worker.terminate();
  }
}
