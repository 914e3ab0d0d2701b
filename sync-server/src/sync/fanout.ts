/**
 * Fan-out between server processes on one PostgreSQL, through LISTEN/NOTIFY on `bp_doc`:
 * - an append NOTIFYs inside its own transaction (so the notice goes out exactly when the rows
 *   commit) with the document's row id and the new seqs; a process with that document open reads
 *   the rows (NOTIFY payloads are limited to 8000 bytes, updates are not) and applies them;
 * - presence (awareness) changes travel in the payload itself, when small enough; they are
 *   ephemeral, so a larger one just stays in its process.
 * Each process ignores its own notices (its instance id is in every payload).
 */
import crypto from 'node:crypto';
import type { Db, Queryable } from '../db/db';
import type { SyncLogger } from './types';

export const DOC_CHANNEL = 'bp_doc';
/** PostgreSQL's payload limit is 8000 bytes; leave room for the JSON around it. */
const MAX_AWARENESS_BASE64 = 7000;

type Notice = { i: string; d: string; s: number[] } | { i: string; d: string; a: string };

export interface FanoutHandlers {
  /** Another process committed updates `seqs` of document `docId`. */
  onUpdates(docId: string, seqs: number[]): void;
  /** Another process's client changed presence on document `docId`. */
  onAwareness(docId: string, update: Uint8Array): void;
  /** Notices may have been missed (the listening connection was lost and is back): catch up. */
  onMissed(): void;
}

export class Fanout {
  readonly instanceId = crypto.randomUUID();
  private stopListening: (() => Promise<void>) | null = null;
  private stopRestored: (() => void) | null = null;

  constructor(
    private readonly db: Db,
    private readonly handlers: FanoutHandlers,
    private readonly logger: SyncLogger,
  ) {}

  async start(): Promise<void> {
    this.stopListening = await this.db.listen(DOC_CHANNEL, (payload) => this.receive(payload));
    this.stopRestored = this.db.onListenRestored(() => this.handlers.onMissed());
  }

  async stop(): Promise<void> {
    this.stopRestored?.();
    this.stopRestored = null;
    const stop = this.stopListening;
    this.stopListening = null;
    await stop?.();
  }

  /** For `DocStore.append`'s `inTransaction`: the notice is delivered when the append commits. */
  readonly inTransaction = async (q: Queryable, docId: string, seqs: number[]): Promise<void> => {
    const notice: Notice = { i: this.instanceId, d: docId, s: seqs };
    await q.query('SELECT pg_notify($1, $2)', [DOC_CHANNEL, JSON.stringify(notice)]);
  };

  /** Best effort: presence is resent every 15 s by clients anyway. */
  publishAwareness(docId: string, update: Uint8Array): void {
    const a = Buffer.from(update).toString('base64');
    if (a.length > MAX_AWARENESS_BASE64) return;
    const notice: Notice = { i: this.instanceId, d: docId, a };
    this.db.notify(DOC_CHANNEL, JSON.stringify(notice)).catch((e: unknown) => this.logger.warn({ err: String(e) }, 'presence fan-out failed'));
  }

  private receive(payload: string): void {
    let n: unknown;
    try {
      n = JSON.parse(payload);
    } catch {
      return;
    }
    if (typeof n !== 'object' || n === null) return;
    const { i, d, s, a } = n as { i?: unknown; d?: unknown; s?: unknown; a?: unknown };
    if (i === this.instanceId || typeof d !== 'string') return;
    if (Array.isArray(s) && s.every((x) => typeof x === 'number')) this.handlers.onUpdates(d, s as number[]);
    else if (typeof a === 'string') this.handlers.onAwareness(d, new Uint8Array(Buffer.from(a, 'base64')));
  }
}
