/**
 * The wire format: y-websocket messages (y-protocols sync + awareness, lib0 encoding), either one
 * document per socket ('room', what a stock y-websocket client speaks) or many documents on one
 * socket ('app': every message prefixed with its document's name as a lib0 var string). Two
 * message types are ours, on app sockets only: unsubscribe (100) and ack (101). See
 * sync-server/src/sync/README.md.
 *
 * Pure functions over bytes (lib0 only): the sync server and the engine's sync client share them.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  /** app only, client → server: stop sending me this document. */
  unsubscribe: 100,
  /** app only, server → client: varUint n, your first n update messages for this doc are settled. */
  ack: 101,
  /** app only, server → client, document name '': varString role, your role in the workspace now. */
  role: 102,
} as const;

export const SyncMessageType = { step1: 0, step2: 1, update: 2 } as const;
/** y-protocols/auth: the only auth message there is. */
const PERMISSION_DENIED = 0;

export type Framing = 'room' | 'app';

export type SyncMessage =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  /** A sync step 2 or an update: both carry a Yjs update (V1). */
  | { type: 'sync-update'; update: Uint8Array; step2: boolean }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'query-awareness' }
  | { type: 'permission-denied'; reason: string }
  | { type: 'unsubscribe' }
  | { type: 'ack'; count: number }
  | { type: 'role'; role: string };

export type Decoded = { ok: true; doc: string | null; message: SyncMessage } | { ok: false; reason: string };

/** Decodes one WebSocket message; `doc` is null on room sockets. Never throws. */
export function decodeMessage(data: Uint8Array, framing: Framing): Decoded {
  try {
    const d = decoding.createDecoder(data);
    const doc = framing === 'app' ? decoding.readVarString(d) : null;
    const message = readBody(d, framing);
    if (typeof message === 'string') return { ok: false, reason: message };
    return { ok: true, doc, message };
  } catch {
    return { ok: false, reason: 'truncated or malformed message' };
  }
}

function readBody(d: decoding.Decoder, framing: Framing): SyncMessage | string {
  const type = decoding.readVarUint(d);
  switch (type) {
    case MessageType.sync: {
      const sub = decoding.readVarUint(d);
      const payload = decoding.readVarUint8Array(d);
      if (sub === SyncMessageType.step1) return { type: 'sync-step1', stateVector: payload };
      if (sub === SyncMessageType.step2 || sub === SyncMessageType.update) return { type: 'sync-update', update: payload, step2: sub === SyncMessageType.step2 };
      return `unknown sync message type ${sub}`;
    }
    case MessageType.awareness:
      return { type: 'awareness', update: decoding.readVarUint8Array(d) };
    case MessageType.queryAwareness:
      return { type: 'query-awareness' };
    case MessageType.auth: {
      const sub = decoding.readVarUint(d);
      if (sub !== PERMISSION_DENIED) return `unknown auth message type ${sub}`;
      return { type: 'permission-denied', reason: decoding.readVarString(d) };
    }
    case MessageType.unsubscribe:
      return framing === 'app' ? { type: 'unsubscribe' } : 'unsubscribe is for app sockets';
    case MessageType.ack:
      return framing === 'app' ? { type: 'ack', count: decoding.readVarUint(d) } : 'ack is for app sockets';
    case MessageType.role:
      return framing === 'app' ? { type: 'role', role: decoding.readVarString(d) } : 'role is for app sockets';
    default:
      return `unknown message type ${type}`;
  }
}

/** Encodes one message; `doc` must be given on app sockets and null on room sockets. */
export function encodeMessage(doc: string | null, message: SyncMessage): Uint8Array {
  const e = encoding.createEncoder();
  if (doc !== null) encoding.writeVarString(e, doc);
  switch (message.type) {
    case 'sync-step1':
      encoding.writeVarUint(e, MessageType.sync);
      encoding.writeVarUint(e, SyncMessageType.step1);
      encoding.writeVarUint8Array(e, message.stateVector);
      break;
    case 'sync-update':
      encoding.writeVarUint(e, MessageType.sync);
      encoding.writeVarUint(e, message.step2 ? SyncMessageType.step2 : SyncMessageType.update);
      encoding.writeVarUint8Array(e, message.update);
      break;
    case 'awareness':
      encoding.writeVarUint(e, MessageType.awareness);
      encoding.writeVarUint8Array(e, message.update);
      break;
    case 'query-awareness':
      encoding.writeVarUint(e, MessageType.queryAwareness);
      break;
    case 'permission-denied':
      encoding.writeVarUint(e, MessageType.auth);
      encoding.writeVarUint(e, PERMISSION_DENIED);
      encoding.writeVarString(e, message.reason);
      break;
    case 'unsubscribe':
      encoding.writeVarUint(e, MessageType.unsubscribe);
      break;
    case 'ack':
      encoding.writeVarUint(e, MessageType.ack);
      encoding.writeVarUint(e, message.count);
      break;
    case 'role':
      encoding.writeVarUint(e, MessageType.role);
      encoding.writeVarString(e, message.role);
      break;
    default: {
      const never: never = message;
      throw new Error(`Unknown message ${JSON.stringify(never)}`);
    }
  }
  return encoding.toUint8Array(e);
}

const MAX_DOC_NAME_CHARS = 512;

/**
 * A document name is 1–512 characters without control characters (the engine's names are
 * `schema` and `<tableId>/<shardId>`); null when it is acceptable, else why not.
 */
export function docNameProblem(name: string): string | null {
  if (name.length === 0) return 'an empty document name';
  if (name.length > MAX_DOC_NAME_CHARS) return `a document name longer than ${MAX_DOC_NAME_CHARS} characters`;
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'a document name with control characters';
  return null;
}

const WORKSPACE_ID_RE = /^[A-Za-z0-9_-]{1,128}$/;

export const isWorkspaceId = (id: string): boolean => WORKSPACE_ID_RE.test(id);
