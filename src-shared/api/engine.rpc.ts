/**
 * The transport-independent halves of an engine call. The engine side validates input against the
 * contract and returns a Result (codes travel as data); the client side turns a failed Result back
 * into a thrown EngineError. Electron's MessagePort, browser mode's WebSocket and in-process callers
 * all sit between these two functions.
 */
import { EngineError, isErrorCode, toErrorData, type Result } from '../errors';
import { describeIssues } from '../query/query.schema';
import {
  engineContract, ENGINE_METHODS, type EngineClient, type EngineEventMap, type EngineEventName, type EngineHandlers, type EngineMethod, type MethodInput, type MethodOutput,
} from './engine.contract';

export function isEngineMethod(method: unknown): method is EngineMethod {
  return typeof method === 'string' && Object.prototype.hasOwnProperty.call(engineContract, method);
}

/** The answer to a call of a method the contract does not have. */
export function unknownMethod(method: unknown): Result<unknown> {
  return { ok: false, error: { code: 'INVALID_INPUT', message: `Unknown engine method ${JSON.stringify(String(method)).slice(0, 80)}` } };
}

/** Validates and runs one call. Never throws: failures come back as data. */
export async function dispatch(handlers: EngineHandlers, method: unknown, input: unknown): Promise<Result<unknown>> {
  if (!isEngineMethod(method)) {
    return unknownMethod(method);
  }
  const parsed = engineContract[method].input.safeParse(input ?? {});
  if (!parsed.success) {
    return { ok: false, error: { code: 'INVALID_INPUT', message: `${method}: ${describeIssues(parsed.error)}` } };
  }
  try {
    const handler = handlers[method] as (i: unknown) => unknown;
    const value = await handler(parsed.data);
    return { ok: true, value: value === undefined ? null : value };
  } catch (e) {
    return { ok: false, error: toErrorData(e) };
  }
}

export interface ClientTransport {
  call(method: EngineMethod, input: unknown): Promise<Result<unknown>>;
  subscribe<E extends EngineEventName>(event: E, listener: (e: EngineEventMap[E]) => void): () => void;
}

/** An EngineClient over any transport. */
export function createEngineClient(transport: ClientTransport): EngineClient {
  const client: Record<string, unknown> = {};
  for (const method of ENGINE_METHODS) {
    client[method] = async (input: unknown) => {
      const r = await transport.call(method, input);
      if (r.ok) return r.value;
      throw new EngineError(isErrorCode(r.error.code) ? r.error.code : 'INTERNAL', r.error.message, r.error.details);
    };
  }
  client.onDidChange = (l: (e: EngineEventMap['change']) => void) => transport.subscribe('change', l);
  client.onDidProgress = (l: (e: EngineEventMap['progress']) => void) => transport.subscribe('progress', l);
  client.onDidSync = (l: (e: EngineEventMap['sync']) => void) => transport.subscribe('sync', l);
  client.onDidPresence = (l: (e: EngineEventMap['presence']) => void) => transport.subscribe('presence', l);
  return client as unknown as EngineClient;
}

export type { MethodInput, MethodOutput };
