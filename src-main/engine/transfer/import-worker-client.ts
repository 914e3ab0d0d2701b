/**
 * The engine's side of a bulk import worker (import.worker.ts). The worker is started early (it
 * boots while the type-inference pass runs) and may fail at any moment, before, during or after its
 * import: every failure is caught here and becomes the import's error, never an unhandled worker
 * error (which would end the engine process).
 */
import type { Worker } from 'node:worker_threads';
import { EngineError } from '../../../src-shared/errors';
import { startWorker, workerUrl } from '../../workers/start';
import type { AnalyzeInput, AnalyzeResult, HostMessage, ImportWorkerInput, ShardMessage, WorkerMessage } from './import-protocol';

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
    this.worker = startWorker(workerUrl('import.worker', new URL('./import.worker.ts', import.meta.url)), { resourceLimits: { maxYoungGenerationSizeMb: 64 } });
    this.worker.on('error', (e: Error) => this.fail(new EngineError('INTERNAL', `The import worker failed: ${e.message}`)));
    this.worker.on('exit', (code: number) => this.fail(new EngineError('INTERNAL', `The import worker stopped unexpectedly (exit code ${code}).`)));
  }

  /** True once disposed (after its last request, or a failure): it takes no more requests. */
  get stopped(): boolean {
    return this.disposed;
  }

  private fail(e: EngineError): void {
    if (this.disposed) return;
    this.failure ??= e;
    this.onFailure?.(e);
  }

  /**
   * Infers the column types of one part of the file (see AnalyzeInput). The worker stays for the
   * import. Rejects with the worker's error (a malformed row), on cancel, or if the worker dies.
   */
  analyze(input: AnalyzeInput, opts: RunOptions): Promise<AnalyzeResult> {
    return this.request({ type: 'analyze', input }, opts, false, (m, finish) => {
      if (m.type === 'progress') opts.onProgress?.(m.bytesRead, m.totalBytes);
      else if (m.type === 'analyzed') finish(null, m.result);
      else return false;
      return true;
    });
  }

  /**
   * Imports `input`: the worker parses the file and builds shards while `onShard` writes each one
   * (in the caller's transaction). Resolves with the rows read; rejects with the worker's error (a
   * bad value names its row and column), on cancel, or if the worker dies. Runs once; the worker
   * stops when it ends.
   */
  run(input: ImportWorkerInput, opts: RunOptions, onShard: (m: ShardMessage) => void): Promise<{ rows: number; complete: boolean }> {
    return this.request({ type: 'start', input }, opts, true, (m, finish) => {
      if (m.type === 'shard') {
        try {
          onShard(m);
          opts.onProgress?.(m.bytesRead, m.totalBytes);
          this.worker.postMessage({ type: 'ack' } satisfies HostMessage);
        } catch (e) {
          finish(e);
        }
      } else if (m.type === 'done') finish(null, { rows: m.rows, complete: m.complete });
      else return false;
      return true;
    });
  }

  /**
   * Sends `message` and settles with what `handle` finishes with (it returns false for a message it
   * does not expect). Worker errors, failures and cancellation settle it too; `last`: the worker
   * is stopped once it settles (always when it fails).
   */
  private request<T>(
    message: HostMessage,
    opts: RunOptions,
    last: boolean,
    handle: (m: WorkerMessage, finish: (error: unknown, value?: T) => void) => boolean,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (error: unknown, value?: T): void => {
        if (settled) return;
        settled = true;
        this.onFailure = null;
        opts.signal?.removeEventListener('abort', onAbort);
        this.worker.off('message', onMessage);
        if (error || last) this.dispose();
        if (error) reject(error instanceof Error ? error : new EngineError('INTERNAL', String(error)));
        else resolve(value as T);
      };
      const onAbort = (): void => finish(new EngineError('CANCELLED', 'The import was cancelled. Nothing was imported.'));
      const onMessage = (m: WorkerMessage): void => {
        if (settled || m.type === 'ready') return;
        if (m.type === 'error') return finish(new EngineError(m.error.code, m.error.message, m.error.details));
        if (!handle(m, finish)) finish(new EngineError('INTERNAL', `The import worker sent an unexpected '${m.type}' message.`));
      };
      if (this.failure) return finish(this.failure);
      if (opts.signal?.aborted) return onAbort();
      this.onFailure = (e) => finish(e);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.worker.on('message', onMessage);
      this.worker.postMessage(message);
    });
  }

  /** Stops the worker, ending a request still waiting. Its error and exit listeners stay attached (and ignore what follows). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    void this.worker.terminate();
    // A request still waiting ends now, as cancelled.
    const pending = this.onFailure;
    this.onFailure = null;
    pending?.(new EngineError('CANCELLED', 'The import was stopped. Nothing was imported.'));
  }
}
