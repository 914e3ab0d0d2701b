/**
 * The one socket per signed-in server and workspace that carries every doc of the workspace's open
 * bases (the server's "app" framing: each message prefixed with its doc's name). It reconnects by
 * itself with backoff, fetching a fresh access token each time, and says why it is not open in
 * words a person can act on.
 */
import WebSocket from 'ws';
import { decodeMessage, encodeMessage, type SyncMessage } from '../../../src-shared/sync/protocol';
import { EngineError } from '../../../src-shared/errors';
import type { ServerSession } from './server-api';
import type { SyncChannel } from './base-sync';
import { logger } from '../logger';

const log = logger.child({ module: 'sync-channel' });

export const SYNC_SUBPROTOCOL = 'baseplate-sync';
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;
const PING_EVERY_MS = 20_000;
/** A socket open this long counts as a success: the backoff starts over. */
const STABLE_MS = 30_000;

/**
 * - `connecting`: opening (first time or after a drop);
 * - `open`;
 * - `offline`: cannot reach the server, retrying (`reason`);
 * - `stopped`: will not retry until asked (removed from the workspace, signed out, a bad client).
 */
export type ChannelState = 'connecting' | 'open' | 'offline' | 'stopped';

export interface ChannelListener {
  opened(): void;
  closed(): void;
  message(remoteDoc: string, message: SyncMessage): void;
  /** The server says this person's role in the workspace changed. */
  role(role: string): void;
  state(): void;
}

export class WorkspaceChannel implements SyncChannel {
  private ws: WebSocket | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private stableTimer: NodeJS.Timeout | null = null;
  private attempts = 0;
  /** A refused access token was refreshed for the current attempt (one refresh per refusal). */
  private authRetried = false;
  private ended = false;
  private _state: ChannelState = 'connecting';
  private _reason: string | null = null;

  constructor(
    readonly session: ServerSession,
    readonly workspaceId: string,
    private readonly listener: ChannelListener,
  ) {
    void this.connect();
  }

  get state(): ChannelState {
    return this._state;
  }

  /** Why the channel is offline or stopped, in words. */
  get reason(): string | null {
    return this._reason;
  }

  get isOpen(): boolean {
    return this._state === 'open' && this.ws?.readyState === WebSocket.OPEN;
  }

  send(remoteDoc: string, message: SyncMessage): void {
    if (!this.isOpen) return;
    this.ws!.send(encodeMessage(remoteDoc, message));
  }

  /** Connects now (after offline, or after a stop the person fixed). */
  retry(): void {
    if (this.ended) return;
    if (this._state === 'open' || (this._state === 'connecting' && this.ws)) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempts = 0;
    void this.connect();
  }

  private setState(state: ChannelState, reason: string | null): void {
    if (this._state === state && this._reason === reason) return;
    this._state = state;
    this._reason = reason;
    this.listener.state();
  }

  private async connect(): Promise<void> {
    if (this.ended) return;
    this.setState('connecting', this._reason);
    let token: string;
    try {
      token = await this.session.accessToken();
    } catch (e) {
      if (e instanceof EngineError && e.code === 'NOT_SIGNED_IN') return this.stop(`Sign in to ${this.session.server} again to sync (the sign-in ended).`);
      return this.scheduleRetry(e instanceof EngineError ? e.message : `Cannot reach ${this.session.server}.`);
    }
    if (this.ended) return;
    const url = `${this.session.server.replace(/^http/, 'ws')}/sync/${encodeURIComponent(this.workspaceId)}`;
    const ws = new WebSocket(url, [SYNC_SUBPROTOCOL, `token.${token}`], { handshakeTimeout: 15_000, maxPayload: 64 * 1024 * 1024, perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    this.ws = ws;
    let refusedStatus = 0;
    ws.on('unexpected-response', (_req, res) => {
      refusedStatus = res.statusCode ?? 0;
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      if (this.ws !== ws) return;
      this.authRetried = false;
      this.setState('open', null);
      // The backoff starts over only once the socket has stayed open a while: a server that
      // accepts and then closes at once must not be retried twice a second forever.
      this.stableTimer = setTimeout(() => (this.attempts = 0), STABLE_MS);
      this.stableTimer.unref();
      // A connection that died without a close (sleep, a dropped NAT entry) answers no ping.
      let answered = true;
      ws.on('pong', () => (answered = true));
      this.pingTimer = setInterval(() => {
        if (ws.readyState !== WebSocket.OPEN) return;
        if (!answered) {
          log.info('the sync server stopped answering; reconnecting');
          ws.terminate();
          return;
        }
        answered = false;
        ws.ping();
      }, PING_EVERY_MS);
      this.pingTimer.unref();
      this.listener.opened();
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (this.ws !== ws || !isBinary) return;
      const decoded = decodeMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 'app');
      if (!decoded.ok || decoded.doc === null) {
        log.warn({ reason: decoded.ok ? 'no document name' : decoded.reason }, 'unreadable message from the sync server');
        return;
      }
      try {
        if (decoded.message.type === 'role') this.listener.role(decoded.message.role);
        else this.listener.message(decoded.doc, decoded.message);
      } catch (e) {
        // What a server sends must never take the engine down (a malformed presence update).
        log.warn({ err: (e as Error).message }, 'a message from the sync server could not be used');
      }
    });
    ws.on('error', (e) => log.debug({ err: e.message }, 'sync socket error'));
    ws.on('close', (code: number, reasonBuf: Buffer) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.pingTimer) clearInterval(this.pingTimer);
      if (this.stableTimer) clearTimeout(this.stableTimer);
      this.pingTimer = null;
      this.stableTimer = null;
      const wasOpen = this._state === 'open';
      if (wasOpen) this.listener.closed();
      if (this.ended) return;
      this.afterClose(code, reasonBuf.toString('utf8'), refusedStatus);
    });
  }

  /** What a close (or an HTTP refusal of the upgrade) means, per the server's documented codes. */
  private afterClose(code: number, text: string, refusedStatus: number): void {
    const server = this.session.server;
    if (refusedStatus === 401) {
      // The access token was refused (revoked sign-in, rotated secret): refresh once, then give up.
      this.session.invalidate();
      if (!this.authRetried) {
        this.authRetried = true;
        void this.connect();
        return;
      }
      return this.stop(`Sign in to ${server} again to sync (the server no longer accepts this sign-in).`);
    }
    if (refusedStatus === 403) return this.stop(`You are not a member of this workspace on ${server} (any more). Ask an owner to invite you.`);
    if (refusedStatus === 400) return this.stop(`${server} refused the connection (400). This version of Baseplate may not match the server's.`);
    if (refusedStatus !== 0) return this.scheduleRetry(`${server} is busy (${refusedStatus}); trying again.`);
    switch (code) {
      case 4403:
        return this.stop(`You were removed from this workspace on ${server}. Changes made here stay on this machine.`);
      case 4401:
        this.session.invalidate();
        return this.scheduleRetry(`Reconnecting to ${server} with a fresh sign-in.`, 0);
      case 4400:
        return this.stop(`${server} could not read a message from this app (${text || 'malformed'}). Update Baseplate or the server.`);
      case 1009:
        return this.stop(`A message between this app and ${server} was over the size allowed (${text || 'message too big'}). Ask the server's admin to raise its limits.`);
      case 4429:
        return this.scheduleRetry(`${server} asked this app to slow down; trying again shortly.`, Math.max(5_000, this.backoff()));
      case 1011:
        return this.scheduleRetry(`${server} could not store or load a document; trying again.`, Math.max(2_000, this.backoff()));
      case 4413:
        return this.stop(`This workspace has more documents than ${server} serves on one connection.`);
      default:
        return this.scheduleRetry(code === 1001 ? `${server} is restarting.` : `Lost the connection to ${server}${text ? ` (${text})` : ''}.`);
    }
  }

  /** The next delay: doubling from RETRY_MIN_MS to RETRY_MAX_MS, ±20 %. */
  private backoff(): number {
    const base = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(this.attempts, 10));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private scheduleRetry(reason: string, delayMs?: number): void {
    if (this.ended) return;
    const wait = delayMs ?? this.backoff();
    this.attempts++;
    this.setState('offline', reason);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, wait);
    this.retryTimer.unref();
  }

  private stop(reason: string): void {
    log.warn({ workspace: this.workspaceId, reason }, 'sync stopped');
    this.setState('stopped', reason);
  }

  close(): void {
    this.ended = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.stableTimer) clearTimeout(this.stableTimer);
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.close(1000, 'closed by the app');
      // The close handshake gets a moment; then the socket goes, so nothing keeps the process up.
      setTimeout(() => ws.terminate(), 1_000).unref();
    } else ws?.terminate();
  }
}
