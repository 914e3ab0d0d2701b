/**
 * The engine contract over a message socket (browser mode's WebSocket): JSON text frames.
 *   client → engine: { t: 'call', id, method, input }
 *   engine → client: { t: 'result', id, result }  (a Result: failures travel as data)
 *                    { t: 'event', event: 'change' | 'progress' | 'sync' | 'presence', data }
 * Electron's MessagePort carries the same messages as structured clones. `channelTransport` is the
 * client half over either; `socketTransport` adapts any socket with the WebSocket interface (the
 * browser's, or the `ws` package's in tests and tools).
 */
import { z } from 'zod';
import type { Result } from '../errors';
import type { ClientTransport } from './engine.rpc';
import { ENGINE_EVENTS, type EngineEventMap, type EngineEventName, type EngineMethod } from './engine.contract';

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
  | { [E in EngineEventName]: { t: 'event'; event: E; data: EngineEventMap[E] } }[EngineEventName];

/** What `socketTransport` needs of a socket: the standard WebSocket interface, in part. */
export interface MessageSocket {
  readonly readyState: number;
  send(data: string): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (e: { code: number; reason: string }) => void): void;
}

/**
 * A message channel to the engine, whatever carries it: a WebSocket (JSON text frames) or an
 * Electron MessagePort (structured clones).
 */
export interface WireChannel {
  isOpen(): boolean;
  send(msg: CallMessage): void;
  onMessage(listener: (msg: unknown) => void): void;
  /** `reason` says why, in words for a person. */
  onClose(listener: (reason: string) => void): void;
}

/**
 * A ClientTransport over a channel. Calls made after the channel closed, or pending when it
 * closes, fail with INTERNAL errors naming the reason.
 */
export function channelTransport(channel: WireChannel): ClientTransport {
  let nextId = 1;
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const listeners = new Map<EngineEventName, Set<(e: never) => void>>(ENGINE_EVENTS.map((e) => [e, new Set()]));
  let closed: string | null = null;

  channel.onMessage((raw) => {
    if (typeof raw !== 'object' || raw === null) return;
    const msg = raw as ServerMessage;
    if (msg.t === 'result') {
      const resolve = pending.get(msg.id);
      pending.delete(msg.id);
      resolve?.(msg.result);
    } else if (msg.t === 'event') {
      for (const l of listeners.get(msg.event) ?? []) (l as (e: unknown) => void)(msg.data);
    }
  });
  channel.onClose((reason) => {
    closed = reason;
    for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'INTERNAL', message: `No answer: ${closed}.` } });
    pending.clear();
  });

  return {
    call(method: EngineMethod, input: unknown): Promise<Result<unknown>> {
      if (closed !== null || !channel.isOpen()) {
        return Promise.resolve({ ok: false, error: { code: 'INTERNAL', message: `Cannot call ${method}: ${closed ?? 'the connection to the engine is not open'}.` } });
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        channel.send({ t: 'call', id, method, input });
      });
    },
    subscribe: ((event: EngineEventName, listener: (e: never) => void) => {
      const set = listeners.get(event);
      if (!set) return () => undefined;
      set.add(listener);
      return () => void set.delete(listener);
    }) as ClientTransport['subscribe'],
  };
}

const OPEN = 1;

/** A ClientTransport over an open socket with the WebSocket interface; frames are JSON text. */
export function socketTransport(socket: MessageSocket): ClientTransport {
  return channelTransport({
    isOpen: () => socket.readyState === OPEN,
    send: (msg) => socket.send(JSON.stringify(msg)),
    onMessage: (listener) =>
      socket.addEventListener('message', (e) => {
        if (typeof e.data !== 'string') return;
        let msg: unknown;
        try {
          msg = JSON.parse(e.data);
        } catch {
          return;
        }
        listener(msg);
      }),
    onClose: (listener) => socket.addEventListener('close', (e) => listener(`the connection to the engine closed (${e.code}${e.reason ? `: ${e.reason}` : ''})`)),
  });
}
