/**
 * A dialog's one action at a time: `run` ignores a second call while the first runs (a second Enter,
 * a double click), keeps `busy` on meanwhile and shows a failure's words as the error. The action
 * handles the failures it expects itself and rethrows the rest.
 */
import { useCallback, useRef, useState } from 'react';
import { errorText } from './sync-text';

export interface DialogSubmit {
  busy: boolean;
  error: string | null;
  /** For what the dialog checks before it asks the engine ("Type your password."). */
  setError(message: string | null): void;
  run(action: () => Promise<void>): Promise<void>;
}

export function useDialogSubmit(): DialogSubmit {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // State is a render late: a second submit in the same moment still reads busy as false.
  const running = useRef(false);

  const run = useCallback(async (action: () => Promise<void>): Promise<void> => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorText(e));
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);

  return { busy, error, setError, run };
}
