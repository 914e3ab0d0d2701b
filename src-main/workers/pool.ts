/**
 * A pool of worker threads that run extraction jobs, each with a time limit and a heap limit. A
 * job whose worker throws, hangs past the limit, runs out of memory or exits fails alone, with a
 * reason a person can act on; its worker is replaced and the pool goes on. Jobs wait in order
 * while every worker is busy; a cancelled job leaves the queue, or stops its worker.
 */
import type { Worker } from 'node:worker_threads';
import { EngineError, type ErrorData } from '../../src-shared/errors';
import type { PoolMessage, WorkerReply } from './protocol';
import { startWorker } from './start';

export interface PoolOptions {
  /** The worker script (a module calling `serveJobs`). */
  url: URL;
  /** Workers at most. */
  size: number;
  /** Time a job may take, ms. */
  timeMs: number;
  /** Heap (old generation) a worker may use, MB. */
  heapMb: number;
}

export interface JobOptions {
  signal?: AbortSignal;
  /** What the job is about, for messages (a file name). */
  label?: string;
}

interface Job<In, Out> {
  id: number;
  input: In;
  label: string;
  resolve(value: Out): void;
  reject(error: Error): void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

interface Slot<In, Out> {
  worker: Worker;
  ready: boolean;
  job: Job<In, Out> | null;
  timer: NodeJS.Timeout | null;
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

export class WorkerPool<In, Out> {
  private readonly slots = new Set<Slot<In, Out>>();
  private readonly queue: Array<Job<In, Out>> = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    if (options.size < 1) throw new Error('WorkerPool: size must be at least 1');
  }

  /** Workers running now (for tests and diagnostics). */
  get workers(): number {
    return this.slots.size;
  }

  run(input: In, opts: JobOptions = {}): Promise<Out> {
    if (this.closed) return Promise.reject(new EngineError('CANCELLED', 'The extraction pool is closed.'));
    return new Promise<Out>((resolve, reject) => {
      const job: Job<In, Out> = {
        id: this.nextId++,
        input,
        label: opts.label ?? 'the file',
        resolve,
        reject,
        signal: opts.signal,
        onAbort: () => this.cancel(job),
      };
      if (opts.signal?.aborted) return reject(cancelled(job));
      opts.signal?.addEventListener('abort', job.onAbort, { once: true });
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** Stops every worker; queued and running jobs fail as cancelled. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.settle(job, cancelled(job));
    const stopping: Array<Promise<number>> = [];
    for (const slot of [...this.slots]) {
      if (slot.job) this.settle(slot.job, cancelled(slot.job));
      stopping.push(this.retire(slot));
    }
    await Promise.all(stopping);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.job) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      const limit = new EngineError('EXTRACTION_FAILED', `${job.label}: reading it took longer than ${seconds(this.options.timeMs)}; it was stopped.`);
      slot.timer = setTimeout(() => this.fail(slot, limit), this.options.timeMs);
      slot.worker.postMessage({ type: 'job', id: job.id, input: job.input } satisfies PoolMessage<In>);
    }
    // Workers still starting will take jobs when ready; start more for the rest, up to the size.
    const starting = [...this.slots].filter((s) => !s.ready).length;
    for (let n = this.queue.length - starting; n > 0 && this.slots.size < this.options.size; n--) this.spawn();
  }

  private spawn(): void {
    const worker = startWorker(this.options.url, { resourceLimits: { maxOldGenerationSizeMb: this.options.heapMb } });
    const slot: Slot<In, Out> = { worker, ready: false, job: null, timer: null };
    this.slots.add(slot);
    worker.on('message', (m: WorkerReply<Out>) => {
      if (m.type === 'ready') {
        slot.ready = true;
        this.dispatch();
        return;
      }
      const job = slot.job;
      if (!job || job.id !== m.id) return;
      this.finish(slot);
      if (m.type === 'done') this.settle(job, null, m.value);
      else this.settle(job, fromData(m.error));
      this.dispatch();
    });
    worker.on('error', (e: Error & { code?: string }) => {
      const label = slot.job?.label ?? 'the file';
      const why =
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `reading it needed more than the ${this.options.heapMb} MB a reader may use`
          : `its reader failed (${e.message})`;
      this.fail(slot, new EngineError('EXTRACTION_FAILED', `${label}: ${why}.`));
    });
    worker.on('exit', (code) => {
      if (!this.slots.has(slot)) return;
      this.fail(slot, new EngineError('EXTRACTION_FAILED', `${slot.job?.label ?? 'the file'}: its reader stopped unexpectedly (exit code ${code}).`));
    });
  }

  /**
   * Fails the slot's job (if any) and replaces its worker. A worker that fails before it is ready
   * cannot read anything: the jobs waiting fail with its reason, and no worker is started again
   * until new work comes.
   */
  private fail(slot: Slot<In, Out>, error: EngineError): void {
    if (!this.slots.has(slot)) return;
    const job = slot.job;
    const starting = !slot.ready;
    this.finish(slot);
    void this.retire(slot);
    if (job) this.settle(job, error);
    if (starting) {
      const why = new EngineError('EXTRACTION_FAILED', `The file reader could not start: ${error.message.replace(/^[^:]*: /, '')}`);
      for (const waiting of this.queue.splice(0)) this.settle(waiting, why);
      return;
    }
    if (!this.closed) this.dispatch();
  }

  private cancel(job: Job<In, Out>): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(job, cancelled(job));
      return;
    }
    const slot = [...this.slots].find((s) => s.job === job);
    if (slot) this.fail(slot, cancelled(job));
  }

  private finish(slot: Slot<In, Out>): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
  }

  private retire(slot: Slot<In, Out>): Promise<number> {
    this.finish(slot);
    this.slots.delete(slot);
    return slot.worker.terminate();
  }

  private settle(job: Job<In, Out>, error: Error | null, value?: Out): void {
    job.signal?.removeEventListener('abort', job.onAbort);
    if (error) job.reject(error);
    else job.resolve(value as Out);
  }
}

function cancelled(job: { label: string }): EngineError {
  return new EngineError('CANCELLED', `Reading ${job.label} was cancelled.`);
}

function fromData(e: ErrorData): EngineError {
  return new EngineError(e.code, e.message, e.details);
}
