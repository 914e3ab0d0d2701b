/** Test support: an in-process EngineClient over a real Engine (real SQLite files). */
import { createEngineClient } from '../../../src-shared/api/engine.rpc';
import type { EngineClient } from '../../../src-shared/api/engine.contract';
import { Engine, type EngineOptions } from '../engine';

export function inProcessClient(options: EngineOptions = {}): { engine: Engine; client: EngineClient } {
  const engine = new Engine({ maintenanceMs: 0, ...options });
  const client = createEngineClient({
    call: (method, input) => engine.call(method, input),
    subscribe: (event, listener) => engine.on(event, listener),
  });
  return { engine, client };
}
