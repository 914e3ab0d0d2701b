/**
 * The engine's half of the wire protocol (src-shared/api/engine.wire.ts), for every host that
 * carries it: browser mode's WebSocket server and Electron's engine process with its MessagePorts.
 */
import { callMessageSchema, type ServerMessage } from '../../src-shared/api/engine.wire';
import type { Engine } from './engine';

/**
 * Answers one incoming message. Returns false, without calling the engine, when the message is not
 * a call (the host then closes that channel: its peer is not speaking the protocol).
 */
export async function answerCall(engine: Engine, raw: unknown, reply: (msg: ServerMessage) => void): Promise<boolean> {
  const call = callMessageSchema.safeParse(raw);
  if (!call.success) return false;
  const result = await engine.call(call.data.method, call.data.input);
  reply({ t: 'result', id: call.data.id, result });
  return true;
}

/** Forwards the engine's events to a host's peers; returns the function that stops it. */
export function forwardEvents(engine: Engine, send: (msg: ServerMessage) => void): () => void {
  const offs = [
    engine.onDidChange((data) => send({ t: 'event', event: 'change', data })),
    engine.onDidProgress((data) => send({ t: 'event', event: 'progress', data })),
    engine.onDidSync((data) => send({ t: 'event', event: 'sync', data })),
    engine.onDidPresence((data) => send({ t: 'event', event: 'presence', data })),
  ];
  return () => offs.forEach((off) => off());
}
