/**
 * A worker for the pool's tests: does what it is asked (answer, fail, hang, eat memory, exit), so
 * every way a real reader can go wrong is exercised for real.
 */
import { EngineError } from '../../../src-shared/errors';
import { serveJobs } from '../serve';

export type ProbeInput = { do: 'echo'; text: string } | { do: 'sleep'; ms: number } | { do: 'throw' } | { do: 'hang' } | { do: 'oom' } | { do: 'exit' } | { do: 'bytes'; size: number };

serveJobs<ProbeInput, unknown>(async (input) => {
  switch (input.do) {
    case 'echo':
      return { value: { text: input.text, thread: process.pid } };
    case 'sleep':
      await new Promise((r) => setTimeout(r, input.ms));
      return { value: 'slept' };
    case 'throw':
      throw new EngineError('EXTRACTION_FAILED', 'the probe was told to fail');
    case 'hang':
      for (;;) {
        // A reader stuck in a loop: only terminating the thread stops it.
      }
    case 'oom': {
      const hoard: number[][] = [];
      for (;;) hoard.push(new Array<number>(1_000_000).fill(1));
    }
    case 'exit':
      process.exit(3);
      break;
    case 'bytes': {
      const buf = new Uint8Array(input.size).fill(7);
      return { value: buf, transfer: [buf.buffer] };
    }
  }
  return { value: null };
});
