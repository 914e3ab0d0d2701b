/**
 * A minimal sync client for the tests, built on y-protocols and the framing in ../protocol.ts:
 * one socket, app framing (many documents) or room framing (one). It answers the server's sync
 * step 1, sends local changes, counts the update messages it sent per document and the server's
 * acks, and records permission-denied messages and how the socket closed.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import WebSocket from 'ws';
import { decodeMessage, encodeMessage, type Framing, type SyncMessage } from '../../../../src-shared/sync/protocol';

export class RefusedUpgrade extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused with HTTP ${status}`);
  }
}

interface ClientDoc {
  doc: Y.Doc;
  awareness: awarenessProtocol.Awareness;
  sent: number;
  acked: number;
  /** Got the server's answer (step 2) to our step 1. */
  synced: boolean;
  stop(): void;
}

export class TestClient {
  readonly docs = new Map<string, ClientDoc>();
  readonly denied: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly ackWaiters = new Set<() => void>();

  private constructor(
    readonly ws: WebSocket,
    readonly framing: Framing,
  ) {
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data: Buffer) => this.onMessage(new Uint8Array(data)));
    ws.on('error', () => undefined);
  }

  /** Opens a socket; rejects with RefusedUpgrade when the server answers with an HTTP error. */
  static connect(url: string, options: { framing: Framing; protocols?: string[] }): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options.protocols ?? []);
      ws.on('unexpected-response', (_req, res) => {
        reject(new RefusedUpgrade(res.statusCode ?? 0));
        ws.terminate();
      });
      ws.on('error', reject);
      ws.on('open', () => resolve(new TestClient(ws, options.framing)));
    });
  }

  /** Starts syncing `name` (sends sync step 1); local changes to the doc are sent as they happen. */
  open(name: string, doc: Y.Doc = new Y.Doc()): Y.Doc {
    const awareness = new awarenessProtocol.Awareness(doc);
    const onUpdate = (update: Uint8Array, origin: unknown) => {
      if (origin === this) return;
      this.sendUpdate(name, entry, update, false);
    };
    const onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (origin === this) return;
      this.send(name, { type: 'awareness', update: awarenessProtocol.encodeAwarenessUpdate(awareness, [...added, ...updated, ...removed]) });
    };
    const entry: ClientDoc = {
      doc,
      awareness,
      sent: 0,
      acked: 0,
      synced: false,
      stop: () => {
        doc.off('update', onUpdate);
        awareness.off('update', onAwareness);
        awareness.destroy();
      },
    };
    this.docs.set(name, entry);
    doc.on('update', onUpdate);
    awareness.on('update', onAwareness);
    this.send(name, { type: 'sync-step1', stateVector: Y.encodeStateVector(doc) });
    return doc;
  }

  /** Sends raw bytes (tests of malformed or oversize messages). */
  sendRaw(data: Uint8Array): void {
    this.ws.send(data);
  }

  send(name: string, message: SyncMessage): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(encodeMessage(this.framing === 'app' ? name : null, message));
  }

  /** Resolves when the server has answered our step 1 for `name`. */
  async synced(name: string, timeoutMs = 10_000): Promise<void> {
    await this.until(() => this.docs.get(name)?.synced === true, timeoutMs, `sync of ${name}`);
  }

  /** Resolves when every update message sent for `name` is acknowledged (app framing). */
  async allAcked(name: string, timeoutMs = 10_000): Promise<void> {
    await this.until(() => {
      const d = this.docs.get(name);
      return d !== undefined && d.acked >= d.sent;
    }, timeoutMs, `acks of ${name}`);
  }

  close(): void {
    for (const d of this.docs.values()) d.stop();
    this.ws.close();
  }

  terminate(): void {
    for (const d of this.docs.values()) d.stop();
    this.ws.terminate();
  }

  private sendUpdate(name: string, entry: ClientDoc, update: Uint8Array, step2: boolean): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    entry.sent++;
    this.send(name, { type: 'sync-update', update, step2 });
  }

  private onMessage(data: Uint8Array): void {
    const decoded = decodeMessage(data, this.framing);
    if (!decoded.ok) throw new Error(`the server sent ${decoded.reason}`);
    const name = decoded.doc ?? [...this.docs.keys()][0] ?? '';
    const entry = this.docs.get(name);
    if (!entry) return;
    const m = decoded.message;
    switch (m.type) {
      case 'sync-step1':
        this.sendUpdate(name, entry, Y.encodeStateAsUpdate(entry.doc, m.stateVector), true);
        break;
      case 'sync-update':
        Y.applyUpdate(entry.doc, m.update, this);
        if (m.step2) entry.synced = true;
        break;
      case 'awareness':
        awarenessProtocol.applyAwarenessUpdate(entry.awareness, m.update, this);
        break;
      case 'permission-denied':
        this.denied.push(m.reason);
        break;
      case 'ack':
        entry.acked = m.count;
        break;
      case 'query-awareness':
      case 'unsubscribe':
        break;
    }
    for (const w of this.ackWaiters) w();
  }

  private until(ok: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (ok()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!ok()) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.ackWaiters.delete(check);
      };
      this.ackWaiters.add(check);
    });
  }
}
