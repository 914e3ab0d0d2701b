/**
 * A dialog's long engine call as a job: its progress events, a Cancel that asks the engine to stop
 * it (or closes the dialog when nothing runs), and a cancelled job ending quietly.
 */
import { useEffect, useRef, useState } from 'react';
import type { EngineClient } from '../../../src-shared/api/engine.contract';
import { errorCode } from './sync-text';

export function useEngineJob(engine: EngineClient, onClose: () => void) {
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const job = useRef<string | null>(null);

  useEffect(
    () =>
      engine.onDidProgress((e) => {
        if (e.job === job.current) setProgress({ done: e.done, total: e.total });
      }),
    [engine],
  );

  /** While a job runs, Cancel (and Escape) stops it; the dialog closes once it has stopped. */
  const cancel = (): void => {
    if (!job.current) return onClose();
    setCancelling(true);
    void engine['job.cancel']({ job: job.current }).catch(() => undefined);
  };

  /** Runs `work` with a fresh job id; a cancelled job closes the dialog instead of failing. */
  const runJob = async (prefix: string, work: (job: string) => Promise<void>): Promise<void> => {
    const id = `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    job.current = id;
    setProgress(null);
    setCancelling(false);
    try {
      await work(id);
    } catch (e) {
      if (errorCode(e) !== 'CANCELLED') throw e;
      onClose();
    } finally {
      job.current = null;
    }
  };

  return { progress, cancelling, cancel, runJob };
}
