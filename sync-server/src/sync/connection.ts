/**
 * One authenticated socket: a room socket (one document, stock y-websocket) or an app socket (any
 * number of documents of one workspace, each message prefixed with its document's name).
 *
 * Every message is checked: the rate (token bucket), the framing, the document name, and for an
 * update the member's current role — a commenter's or viewer's update that would change the
 * document is refused with a y-protocols permission-denied message and never stored, applied or
 * forwarded (presence is allowed). Messages of one document are handled in order; a document
 * still loading holds its messages back, not the other documents'.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import WebSocket from 'ws';
import { CloseCode, type CloseCodeValue } from './close-codes';
import type { DocRegistry } from './doc-registry';
import type { DocPeer, LiveDoc } from './live-doc';
import { decodeMessage, docNameProblem, encodeMessage, type Framing, type SyncMessage } from '../../../src-shared/sync/protocol';
import { TokenBucket } from './rate-limit';
import { canWrite, type Role, type SyncLimits, type SyncLogger } from './types';
import { checkUpdate } from './updates';
import { stampPresence } from './presence-stamp';

export interface ConnectionInit {
  framing: Framing;
  workspaceId: string;
  userId: string;
  /** The user's name, when the authenticator gives it: written into their presence. */
  userName?: string | undefined;
  /** Kept to authenticate again (`recheckTokenMs`); never logged. */
  token: string;
  role: Role;
  /** The document of a room socket; null for an app socket. */
  roomDoc: string | null;
}

export interface ConnectionContext {
  registry: DocRegistry;
  limits: SyncLimits;
  logger: SyncLogger;
  onClosed(conn: Connection): void;
}

/** A socket's subscription to one document. */
class Subscription implements DocPeer {
  live: LiveDoc | null = null;
  active = true;
  /** Messages of this document, handled one after another. */
  chain: Promise<void> = Promise.resolve();
  /** Update messages received (sync step 2 and update): the count acks refer to. */
  received = 0;

  constructor(
    readonly conn: Connection,
    readonly name: string,
    readonly framing: Framing,
  ) {}

  sendRaw(data: Uint8Array): void {
    if (this.active) this.conn.sendRaw(data);
  }

  send(message: SyncMessage): void {
    this.sendRaw(encodeMessage(this.framing === 'app' ? this.name : null, message));
  }
}

/** WebSocket close reasons are limited to 123 bytes. */
function shortReason(reason: string): string {
  const bytes = Buffer.from(reason);
  return bytes.length <= 123 ? reason : bytes.subarray(0, 120).toString('utf8').replace(/\uFFFD$/, '') + '…';
}

export class Connection {
  readonly framing: Framing;
  readonly workspaceId: string;
  readonly userId: string;
  private readonly userName: string | undefined;
  readonly token: string;
  role: Role;
  private readonly roomDoc: string | null;
  private readonly subs = new Map<string, Subscription>();
  private readonly bucket: TokenBucket;
  private closing = false;

  constructor(
    private readonly ws: WebSocket,
    init: ConnectionInit,
    private readonly ctx: ConnectionContext,
  ) {
    this.framing = init.framing;
    this.workspaceId = init.workspaceId;
    this.userId = init.userId;
    this.userName = init.userName;
    this.token = init.token;
    this.role = init.role;
    this.roomDoc = init.roomDoc;
    this.bucket = new TokenBucket(ctx.limits.messagesPerSecond, ctx.limits.messageBurst);
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', () => this.cleanup());
    // ws closes the socket itself after an error (1009 for an oversize message); nothing to add.
    ws.on('error', (e) => ctx.logger.debug({ userId: this.userId, err: e.message }, 'socket error'));
    if (init.roomDoc !== null) this.subscribe(init.roomDoc);
  }

  get docCount(): number {
    return this.subs.size;
  }

  /**
   * A membership change: null closes the socket (4403); another role applies to the next update,
   * and an app socket is told (message 102, document name ''), so the app can stop or start
   * offering edits at once.
   */
  setRole(role: Role | null): void {
    if (role === null) return this.close(CloseCode.forbidden, 'you are no longer a member of this workspace');
    if (role === this.role) return;
    this.role = role;
    if (this.framing === 'app') this.sendRaw(encodeMessage('', { type: 'role', role }));
  }

  close(code: CloseCodeValue, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    if (code !== CloseCode.goingAway) this.ctx.logger.info({ userId: this.userId, workspaceId: this.workspaceId, code }, 'closing a sync socket');
    this.ws.close(code, shortReason(reason));
  }

  sendRaw(data: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(data);
    if (this.ws.bufferedAmount > this.ctx.limits.maxBufferedBytes) this.close(CloseCode.tooSlow, 'the client is not reading what the server sends');
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.closing) return;
    if (!this.bucket.take()) return this.close(CloseCode.rateLimited, 'too many messages; slow down, then reconnect');
    if (!isBinary) return this.close(CloseCode.badMessage, 'sync messages are binary');
    const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
    const decoded = decodeMessage(bytes, this.framing);
    if (!decoded.ok) return this.close(CloseCode.badMessage, decoded.reason);
    const { message } = decoded;
    let name: string;
    if (this.framing === 'app') {
      name = decoded.doc ?? '';
      const problem = docNameProblem(name);
      if (problem) return this.close(CloseCode.badMessage, `${problem} in a message`);
    } else {
      name = this.roomDoc ?? '';
    }
    if (message.type === 'unsubscribe') return this.unsubscribe(name);
    let sub = this.subs.get(name);
    if (!sub) {
      if (this.framing === 'room') return;
      if (this.subs.size >= this.ctx.limits.maxDocsPerConnection) return this.close(CloseCode.tooManyDocs, `more than ${this.ctx.limits.maxDocsPerConnection} documents open on one socket`);
      sub = this.subscribe(name);
    }
    const s = sub;
    s.chain = s.chain
      .then(() => {
        if (s.live && s.active && !this.closing) this.handle(s, s.live, message);
      })
      .catch((e: unknown) => {
        this.ctx.logger.error({ doc: name, err: String(e) }, 'handling a sync message failed');
        this.close(CloseCode.storeFailed, 'the server could not handle a message; reconnect');
      });
  }

  private subscribe(name: string): Subscription {
    const sub = new Subscription(this, name, this.framing);
    this.subs.set(name, sub);
    sub.chain = this.ctx.registry.acquire({ workspaceId: this.workspaceId, name }, sub).then(
      (live) => {
        if (!sub.active) return this.ctx.registry.release(live, sub);
        sub.live = live;
        // As the stock server does: our state vector (the client answers with what we lack), and
        // who is here.
        sub.send({ type: 'sync-step1', stateVector: Y.encodeStateVector(live.ydoc) });
        const states = [...live.awareness.getStates().keys()];
        if (states.length > 0) sub.send({ type: 'awareness', update: awarenessProtocol.encodeAwarenessUpdate(live.awareness, states) });
      },
      () => this.close(CloseCode.storeFailed, 'the server could not load a document; reconnect later'),
    );
    return sub;
  }

  private unsubscribe(name: string): void {
    const sub = this.subs.get(name);
    if (!sub) return;
    sub.active = false;
    this.subs.delete(name);
    if (sub.live) this.ctx.registry.release(sub.live, sub);
  }

  private handle(sub: Subscription, live: LiveDoc, message: SyncMessage): void {
    switch (message.type) {
      case 'sync-step1': {
        let update: Uint8Array;
        try {
          update = Y.encodeStateAsUpdate(live.ydoc, message.stateVector);
        } catch {
          return this.close(CloseCode.badMessage, 'a malformed state vector');
        }
        return sub.send({ type: 'sync-update', update, step2: true });
      }
      case 'sync-update':
        return this.receiveUpdate(sub, live, message.update);
      case 'awareness':
        try {
          awarenessProtocol.applyAwarenessUpdate(live.awareness, stampPresence(message.update, { id: this.userId, name: this.userName }), sub);
        } catch {
          this.close(CloseCode.badMessage, 'a malformed presence update');
        }
        return;
      case 'query-awareness':
        return sub.send({ type: 'awareness', update: awarenessProtocol.encodeAwarenessUpdate(live.awareness, [...live.awareness.getStates().keys()]) });
      case 'permission-denied':
      case 'ack':
      case 'role':
      case 'unsubscribe':
        // Server-to-client messages (and unsubscribe, handled before): nothing to do.
        return;
      default: {
        const never: never = message;
        throw new Error(`Unhandled message ${JSON.stringify(never)}`);
      }
    }
  }

  private receiveUpdate(sub: Subscription, live: LiveDoc, received: Uint8Array): void {
    if (received.byteLength > this.ctx.limits.maxUpdateBytes) return this.close(CloseCode.tooBig, `an update over ${this.ctx.limits.maxUpdateBytes} bytes`);
    const check = checkUpdate(live.ydoc, received);
    if (!check.ok) return this.close(CloseCode.badMessage, check.reason);
    const n = ++sub.received;
    const role = this.role;
    const refused = check.news && !canWrite(role);
    // Our own copy: the received bytes are a view into the socket's buffer, and wait for a commit.
    const update = check.news && !refused ? new Uint8Array(received) : received;
    live.write(update, sub, check.news && !refused, (stored) => {
      if (!stored) return this.close(CloseCode.storeFailed, 'could not store an update; reconnect to send it again');
      if (refused) sub.send({ type: 'permission-denied', reason: `A ${role} cannot change documents: this change to '${sub.name}' was not saved.` });
      if (sub.framing === 'app') sub.send({ type: 'ack', count: n });
    });
  }

  private cleanup(): void {
    this.closing = true;
    for (const name of [...this.subs.keys()]) this.unsubscribe(name);
    this.ctx.onClosed(this);
  }
}
