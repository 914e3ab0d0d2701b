/**
 * The engine contract over a message socket (browser mode's WebSocket): JSON text frames.
 *   client → engine: { t: 'call', id, method, input }
 *   engine → client: { t: 'result', id, result }  (a Result: failures travel as data)
 *                    { t: 'event', event: 'change' | 'progress', data }
 * `socketTransport` is the client half for any socket with the WebSocket interface (the browser's,
 * or the `ws` package's in tests and tools).
 */
import { z } from 'zod';
import type { Result } from '../errors';
import type { ChangeEvent, ProgressEvent } from './engine.dto';
import type { ClientTransport } from './engine.rpc';
import type { EngineMethod } from './engine.contract';

/** Largest frame either side sends or accepts (an import preview of wide rows fits). */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** Close codes (4000–4999 are the application's). */
export const CLOSE = {
  /** The frame is not a valid call. */
  badMessage: 4400,
  /** The server is shutting down. */
  goingAway: 1001,
  /** A frame over MAX_FRAME_BYTES. */
  tooBig: 1009,
  /** Too many connections. */
  tryLater: 1013,
} as const;

export const callMessageSchema = z.strictObject({
  t: z.literal('call'),
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  method: z.string().min(1).max(100),
  input: z.unknown(),
});
export type CallMessage = z.infer<typeof callMessageSchema>;

export type ServerMessage =
  | { t: 'result'; id: number; result: Result<unknown> }
  | { t: 'event'; event: 'change'; data: ChangeEvent }
  | { t: 'event'; event: 'progress'; data: ProgressEvent };

/** What `socketTransport` needs of a socket: the standard WebSocket interface, in part. */
export interface MessageSocket {
  readonly readyState: number;
  send(data: string): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (e: { code: number; reason: string }) => void): void;
}

const OPEN = 1;

/**
 * A ClientTransport over an open socket. Calls made after the socket closed, or pending when it
 * closes, fail with INTERNAL errors naming the close reason.
 */
export function socketTransport(socket: MessageSocket): ClientTransport {
  let nextId = 1;
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const listeners = { change: new Set<(e: ChangeEvent) => void>(), progress: new Set<(e: ProgressEvent) => void>() };
  let closed: string | null = null;

  socket.addEventListener('message', (e) => {
    if (typeof e.data !== 'string') return;
    let msg: ServerMessage;
    try {
      msg = JSON.parse(e.data) as ServerMessage;
    } catch {
      return;
    }
    if (msg.t === 'result') {
      const resolve = pending.get(msg.id);
      pending.delete(msg.id);
      resolve?.(msg.result);
    } else if (msg.t === 'event' && msg.event === 'change') {
      for (const l of listeners.change) l(msg.data);
    } else if (msg.t === 'event' && msg.event === 'progress') {
      for (const l of listeners.progress) l(msg.data);
    }
  });
  socket.addEventListener('close', (e) => {
    closed = `the connection to the engine closed (${e.code}${e.reason ? `: ${e.reason}` : ''})`;
    for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'INTERNAL', message: `No answer: ${closed}.` } });
    pending.clear();
  });

  return {
    call(method: EngineMethod, input: unknown): Promise<Result<unknown>> {
      if (closed !== null || socket.readyState !== OPEN) {
        return Promise.resolve({ ok: false, error: { code: 'INTERNAL', message: `Cannot call ${method}: ${closed ?? 'the connection to the engine is not open'}.` } });
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ t: 'call', id, method, input } satisfies CallMessage));
      });
    },
    subscribe: ((event: 'change' | 'progress', listener: (e: never) => void) => {
      const set = listeners[event] as Set<(e: never) => void>;
      set.add(listener);
      return () => set.delete(listener);
    }) as ClientTransport['subscribe'],
  };
}
