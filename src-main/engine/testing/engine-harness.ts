/**
 * Test support: a fresh engine and temp folder per test (vitest hooks), and `call`, which returns a
 * method's value or throws its error with the error's code.
 */
import { afterEach, beforeEach } from 'vitest';
import { Engine } from '../engine';
import { makeTempDir } from './temp-dir';

export interface EngineHarness {
  engine: Engine;
  tmp: ReturnType<typeof makeTempDir>;
  call<T>(method: string, input: unknown): Promise<T>;
}

export function useEngine(): EngineHarness {
  const h = {} as EngineHarness;
  h.call = async <T,>(method: string, input: unknown): Promise<T> => {
    const r = await h.engine.call(method, input);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.value as T;
  };
  beforeEach(() => {
    h.tmp = makeTempDir();
    h.engine = new Engine({ maintenanceMs: 0 });
  });
  afterEach(() => {
    h.engine.close();
    h.tmp.cleanup();
  });
  return h;
}
