/**
 * The extraction pool with real worker threads: each way a job can go wrong (an error, a hang past
 * the time limit, running out of heap, the thread exiting, a cancel) fails that job alone with a
 * reason, and the pool goes on with the next; jobs wait their turn and run side by side up to the
 * pool's size.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerPool } from './pool';
import type { ProbeInput } from './testing/probe.worker';

const url = new URL('./testing/probe.worker.ts', import.meta.url);
let pool: WorkerPool<ProbeInput, unknown>;
afterEach(async () => pool?.close());

describe('WorkerPool', () => {
  it('runs jobs and hands back their values, buffers moved rather than copied', async () => {
    pool = new WorkerPool({ url, size: 2, timeMs: 10_000, heapMb: 64 });
    expect(await pool.run({ do: 'echo', text: 'hi' })).toMatchObject({ text: 'hi' });
    const bytes = (await pool.run({ do: 'bytes', size: 1_000_000 })) as Uint8Array;
    expect(bytes.byteLength).toBe(1_000_000);
    expect(bytes[999_999]).toBe(7);
  });

  it('fails a job that throws, hangs, runs out of heap or exits, alone and with a reason, then goes on', async () => {
    pool = new WorkerPool({ url, size: 1, timeMs: 1_500, heapMb: 32 });
    await expect(pool.run({ do: 'throw' }, { label: 'a.dxf' })).rejects.toMatchObject({ code: 'EXTRACTION_FAILED', message: 'the probe was told to fail' });
    await expect(pool.run({ do: 'hang' }, { label: 'b.dxf' })).rejects.toMatchObject({ code: 'EXTRACTION_FAILED', message: 'b.dxf: reading it took longer than 1.5 s; it was stopped.' });
    await expect(pool.run({ do: 'oom' }, { label: 'c.pdf' })).rejects.toMatchObject({ code: 'EXTRACTION_FAILED', message: 'c.pdf: reading it needed more than the 32 MB a reader may use.' });
    await expect(pool.run({ do: 'exit' }, { label: 'd.png' })).rejects.toMatchObject({ code: 'EXTRACTION_FAILED', message: expect.stringMatching(/^d\.png: its reader stopped unexpectedly \(exit code 3\)/) });
    expect(await pool.run({ do: 'echo', text: 'still here' })).toMatchObject({ text: 'still here' });
    expect(pool.workers).toBe(1);
  }, 30_000);

  it('queues jobs beyond its size and runs up to its size at once', async () => {
    pool = new WorkerPool({ url, size: 2, timeMs: 10_000, heapMb: 64 });
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: 4 }, () => pool.run({ do: 'sleep', ms: 400 })));
    const elapsed = performance.now() - t0;
    expect(results).toEqual(['slept', 'slept', 'slept', 'slept']);
    // Two at a time: about two rounds of 400 ms (plus starting), not one and not four.
    expect(elapsed).toBeGreaterThan(790);
    expect(elapsed).toBeLessThan(3_000);
    expect(pool.workers).toBe(2);
  });

  it('cancels a waiting job and a running one, and refuses work once closed', async () => {
    pool = new WorkerPool({ url, size: 1, timeMs: 10_000, heapMb: 64 });
    const running = new AbortController();
    const waiting = new AbortController();
    const first = pool.run({ do: 'hang' }, { signal: running.signal, label: 'big.pdf' });
    const second = pool.run({ do: 'echo', text: 'never' }, { signal: waiting.signal, label: 'next.pdf' });
    waiting.abort();
    await expect(second).rejects.toMatchObject({ code: 'CANCELLED', message: 'Reading next.pdf was cancelled.' });
    await new Promise((r) => setTimeout(r, 300));
    running.abort();
    await expect(first).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await pool.run({ do: 'echo', text: 'after' })).toMatchObject({ text: 'after' });
    const pending = expect(pool.run({ do: 'hang' })).rejects.toMatchObject({ code: 'CANCELLED' });
    await pool.close();
    await pending;
    await expect(pool.run({ do: 'echo', text: 'late' })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(pool.workers).toBe(0);
  });

  it('fails the waiting jobs, once, when its workers cannot start, and does not keep starting them', async () => {
    pool = new WorkerPool({ url: new URL('./testing/broken.worker.ts', import.meta.url), size: 2, timeMs: 10_000, heapMb: 64 });
    const jobs = [pool.run({ do: 'echo', text: 'a' }, { label: 'a.pdf' }), pool.run({ do: 'echo', text: 'b' }, { label: 'b.pdf' })];
    for (const job of jobs) await expect(job).rejects.toMatchObject({ code: 'EXTRACTION_FAILED', message: expect.stringMatching(/^The file reader could not start: .*this reader is broken/) });
    await new Promise((r) => setTimeout(r, 300));
    expect(pool.workers).toBe(0);
  });
});
