/**
 * A document open in this process: its Y.Doc and presence (awareness), the sockets that have it
 * open (peers), and its write queue.
 *
 * The write queue is how "acknowledge only after commit" holds: an update is appended (one
 * transaction for whatever queued up while the previous commit ran), and only after the commit is
 * it applied to the Y.Doc, which broadcasts it to the other peers; then its sender is settled, in
 * the order the updates arrived. An update that could not be stored is never applied.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { DocRef, DocStore } from './doc-store';
import type { Fanout } from './fanout';
import { encodeMessage, type Framing, type SyncMessage } from '../../../src-shared/sync/protocol';
import type { SyncLogger } from './types';

/** A socket's view of one document. */
export interface DocPeer {
  readonly framing: Framing;
  sendRaw(data: Uint8Array): void;
}

/** Transaction origins on the server's Y.Docs. */
export const ORIGIN_LOAD = Symbol('load');
export const ORIGIN_REMOTE = Symbol('another server process');
export const ORIGIN_SERVER = Symbol('server');

interface WriteItem {
  update: Uint8Array;
  origin: DocPeer | null;
  /** False: the update adds nothing (or was refused); it only keeps its place for the ack. */
  store: boolean;
  settle(stored: boolean): void;
}

const MAX_BATCH_ITEMS = 200;
const MAX_BATCH_BYTES = 8 * 1024 * 1024;
/** After a commit, a queue shorter than this waits GATHER_MS for more before the next one. */
const GATHER_BELOW = 16;
const GATHER_MS = 1;
/** A merged batch up to this size is applied and broadcast as one update. */
const MERGED_BROADCAST_BYTES = 64 * 1024;

export class LiveDoc {
  readonly ydoc = new Y.Doc({ gc: true });
  readonly awareness = new awarenessProtocol.Awareness(this.ydoc);
  readonly peers = new Set<DocPeer>();
  /** The document's row id, once known. */
  docId: string | null = null;
  /** Update rows not yet compacted (as far as this process knows). */
  updateRows = 0;
  idleTimer: NodeJS.Timeout | null = null;
  compacting: Promise<void> | null = null;
  remoteFetches = 0;
  private queue: WriteItem[] = [];
  private flushing: Promise<void> | null = null;
  private readonly owners = new Map<DocPeer, Set<number>>();

  constructor(
    readonly ref: DocRef,
    private readonly store: DocStore,
    private readonly fanout: Fanout | null,
    private readonly logger: SyncLogger,
    /** Called after each commit (compaction is scheduled there). */
    private readonly afterCommit: (doc: LiveDoc) => void,
  ) {
    this.awareness.setLocalState(null);
    this.ydoc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === ORIGIN_LOAD) return;
      this.broadcast({ type: 'sync-update', update, step2: false }, origin);
    });
    this.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      const changed = [...added, ...updated, ...removed];
      if (this.isPeer(origin)) {
        let owned = this.owners.get(origin);
        if (!owned) this.owners.set(origin, (owned = new Set()));
        for (const c of [...added, ...updated]) owned.add(c);
        for (const c of removed) owned.delete(c);
      }
      const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
      this.broadcast({ type: 'awareness', update }, origin);
      if (origin !== ORIGIN_REMOTE && this.docId !== null) this.fanout?.publishAwareness(this.docId, update);
    });
  }

  private isPeer(origin: unknown): origin is DocPeer {
    return this.peers.has(origin as DocPeer);
  }

  addPeer(peer: DocPeer): void {
    this.peers.add(peer);
  }

  /** Forgets a peer and the presence it set. */
  removePeer(peer: DocPeer): void {
    this.peers.delete(peer);
    const owned = this.owners.get(peer);
    this.owners.delete(peer);
    if (owned && owned.size > 0) awarenessProtocol.removeAwarenessStates(this.awareness, [...owned], ORIGIN_SERVER);
  }

  /** Sends `message` to every peer but `except`, encoded once per framing. */
  broadcast(message: SyncMessage, except: unknown): void {
    let room: Uint8Array | null = null;
    let app: Uint8Array | null = null;
    for (const p of this.peers) {
      if (p === except) continue;
      if (p.framing === 'room') p.sendRaw((room ??= encodeMessage(null, message)));
      else p.sendRaw((app ??= encodeMessage(this.ref.name, message)));
    }
  }

  /** Queues an update; `settle` is called after it committed (true) or failed to (false). */
  write(update: Uint8Array, origin: DocPeer | null, store: boolean, settle: (stored: boolean) => void): void {
    this.queue.push({ update, origin, store, settle });
    this.kick();
  }

  private kick(): void {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = null;
      this.kick();
    });
  }

  /** Resolves when no write is queued or running. */
  async drained(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  /** Whether the document may leave memory: nobody has it open and nothing is in flight. */
  idle(): boolean {
    return this.peers.size === 0 && this.queue.length === 0 && !this.flushing && !this.compacting && this.remoteFetches === 0;
  }

  /** Applies updates another process committed (or the snapshot that now holds them). */
  applyRemote(parts: Uint8Array[]): void {
    for (const p of parts) {
      try {
        Y.applyUpdate(this.ydoc, p, ORIGIN_REMOTE);
      } catch (e) {
        this.logger.error({ doc: this.ref.name, err: String(e) }, 'an update from another process did not apply');
      }
    }
  }

  destroy(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.awareness.destroy();
    this.ydoc.destroy();
  }

  private async flush(): Promise<void> {
    let first = true;
    while (this.queue.length > 0) {
      // Under load (a commit just ended and more came meanwhile), gather a little longer: a commit
      // costs about the same for one update as for many.
      if (!first && this.queue.length < GATHER_BELOW) await new Promise((r) => setTimeout(r, GATHER_MS));
      first = false;
      const batch = this.takeBatch();
      const toStore = batch.filter((i) => i.store);
      let ok = true;
      if (toStore.length > 0) {
        const rows = rowsOf(toStore.map((i) => i.update));
        try {
          const r = await this.store.appendMany(this.ref, rows, { checked: true, inTransaction: this.fanout?.inTransaction });
          if (!r.ok) {
            ok = false;
            this.logger.warn({ workspaceId: this.ref.workspaceId, doc: this.ref.name, code: r.code }, 'update refused by the store');
          }
        } catch (e) {
          ok = false;
          this.logger.error({ workspaceId: this.ref.workspaceId, doc: this.ref.name, err: String(e) }, 'storing updates failed');
        }
        if (ok) {
          this.updateRows += rows.length;
          // Small updates committed together go out together: one message to each peer instead of
          // one per update (sending is most of the cost of a busy document). Their senders get
          // their own changes back in it, which Yjs ignores; larger ones go out one by one, never
          // back to their sender.
          const merged = toStore.length > 1 && rows.length === 1 && rows[0]!.byteLength <= MERGED_BROADCAST_BYTES;
          const applied: Array<[Uint8Array, unknown]> = merged ? [[rows[0]!, ORIGIN_SERVER]] : toStore.map((i) => [i.update, i.origin ?? ORIGIN_SERVER]);
          for (const [update, origin] of applied) {
            try {
              Y.applyUpdate(this.ydoc, update, origin);
            } catch (e) {
              this.logger.error({ doc: this.ref.name, err: String(e) }, 'a stored update did not apply');
            }
          }
        }
      }
      for (const i of batch) {
        try {
          i.settle(!i.store || ok);
        } catch (e) {
          this.logger.error({ err: String(e) }, 'settling a write failed');
        }
      }
      if (ok && toStore.length > 0) this.afterCommit(this);
    }
  }

  private takeBatch(): WriteItem[] {
    let bytes = 0;
    let n = 0;
    while (n < this.queue.length && n < MAX_BATCH_ITEMS) {
      const next = this.queue[n];
      if (!next || (n > 0 && bytes + next.update.byteLength > MAX_BATCH_BYTES)) break;
      bytes += next.update.byteLength;
      n++;
    }
    return this.queue.splice(0, n);
  }
}

/**
 * What a batch of updates is stored as: one row holding them merged (one row to insert, index and
 * notify instead of one per update: most of a commit's cost), or the updates as they are when there
 * is one, or when merging would not make them smaller.
 */
function rowsOf(updates: Uint8Array[]): Uint8Array[] {
  if (updates.length < 2) return updates;
  const merged = Y.mergeUpdates(updates);
  const total = updates.reduce((n, u) => n + u.byteLength, 0);
  return merged.byteLength <= total ? [merged] : updates;
}
