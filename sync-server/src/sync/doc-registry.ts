/**
 * The documents open in this process: loaded on first use (the first socket that opens one waits
 * for the load; others share it), dropped from memory once no socket has had them open for
 * `idleUnloadMs`, compacted in the background when their update rows pile up, and kept current
 * with what other processes commit (fan-out).
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { DocRef, DocStore } from './doc-store';
import type { Fanout } from './fanout';
import { LiveDoc, ORIGIN_LOAD, ORIGIN_REMOTE, type DocPeer } from './live-doc';
import type { SyncLimits, SyncLogger } from './types';

interface Entry {
  live: LiveDoc;
  ready: Promise<LiveDoc>;
  /** Sockets waiting for the load: the document stays while any does. */
  acquiring: number;
}

const keyOf = (ref: DocRef): string => `${ref.workspaceId}\u0000${ref.name}`;

export class DocRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly byId = new Map<string, Entry>();
  private readonly remoteSeqs = new Map<Entry, Set<number>>();
  private remoteScheduled = false;
  fanout: Fanout | null = null;

  constructor(
    private readonly store: DocStore,
    private readonly limits: SyncLimits,
    private readonly logger: SyncLogger,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The document, loaded, with `peer` among its peers. Rejects when it cannot be loaded. */
  async acquire(ref: DocRef, peer: DocPeer): Promise<LiveDoc> {
    const entry = this.entries.get(keyOf(ref)) ?? this.open(ref);
    entry.acquiring++;
    try {
      const live = await entry.ready;
      if (live.idleTimer) clearTimeout(live.idleTimer);
      live.idleTimer = null;
      live.addPeer(peer);
      return live;
    } finally {
      entry.acquiring--;
    }
  }

  /**
   * Runs `fn` with the document loaded and held in memory (no socket needed): for server-side reads
   * and writes. Afterwards the document unloads when idle, as after a socket releases it.
   */
  async borrow<T>(ref: DocRef, fn: (live: LiveDoc) => Promise<T>): Promise<T> {
    const entry = this.entries.get(keyOf(ref)) ?? this.open(ref);
    entry.acquiring++;
    let live: LiveDoc | null = null;
    try {
      live = await entry.ready;
      return await fn(live);
    } finally {
      entry.acquiring--;
      if (live && live.peers.size === 0 && this.entries.get(keyOf(ref)) === entry) this.scheduleUnload(live);
    }
  }

  release(live: LiveDoc, peer: DocPeer): void {
    live.removePeer(peer);
    if (live.peers.size === 0) this.scheduleUnload(live);
  }

  /** Another process committed `seqs` of `docId`: read and apply them if the doc is open here. */
  onRemoteUpdates(docId: string, seqs: number[]): void {
    const entry = this.byId.get(docId);
    if (!entry) return;
    let set = this.remoteSeqs.get(entry);
    if (!set) this.remoteSeqs.set(entry, (set = new Set()));
    for (const s of seqs) set.add(s);
    if (this.remoteScheduled) return;
    this.remoteScheduled = true;
    // Notices that arrive together are read together.
    setImmediate(() => this.fetchRemote());
  }

  /**
   * After notices from other processes may have been lost: every open document reads its stored
   * state again and applies it (what it holds already changes nothing), so none stays behind.
   */
  catchUp(): void {
    for (const entry of this.entries.values()) {
      const live = entry.live;
      live.remoteFetches++;
      entry.ready
        .then(async () => {
          const { state } = await this.store.load(live.ref);
          if (this.entries.get(keyOf(live.ref)) === entry) live.applyRemote([state]);
        })
        .catch((e: unknown) => this.logger.error({ doc: live.ref.name, err: String(e) }, 'catching up after a lost connection failed'))
        .finally(() => {
          live.remoteFetches--;
        });
    }
  }

  onRemoteAwareness(docId: string, update: Uint8Array): void {
    const entry = this.byId.get(docId);
    if (!entry) return;
    void entry.ready.then(
      (live) => {
        try {
          awarenessProtocol.applyAwarenessUpdate(live.awareness, update, ORIGIN_REMOTE);
        } catch {
          this.logger.warn({ doc: live.ref.name }, 'malformed presence from another process');
        }
      },
      () => undefined,
    );
  }

  /** Waits for every queued write and compaction, then drops all documents. */
  async closeAll(): Promise<void> {
    const entries = [...this.entries.values()];
    await Promise.all(
      entries.map(async (e) => {
        const live = await e.ready.catch(() => null);
        if (!live) return;
        await live.drained();
        await live.compacting;
      }),
    );
    for (const e of entries) this.drop(e);
  }

  private open(ref: DocRef): Entry {
    const live = new LiveDoc(ref, this.store, this.fanout, this.logger, (d) => this.afterCommit(d));
    const entry: Entry = { live, ready: Promise.resolve(live), acquiring: 0 };
    entry.ready = this.load(entry);
    this.entries.set(keyOf(ref), entry);
    return entry;
  }

  private async load(entry: Entry): Promise<LiveDoc> {
    const { live } = entry;
    try {
      // Known by id before its rows are read, so a notice of a commit the read misses is heard.
      const docId = await this.store.docId(live.ref);
      live.docId = docId;
      this.byId.set(docId, entry);
      const loaded = await this.store.load(live.ref);
      if (loaded.skipped > 0) this.logger.error({ workspaceId: live.ref.workspaceId, doc: live.ref.name, skipped: loaded.skipped }, 'update rows that do not decode were left out');
      Y.applyUpdate(live.ydoc, loaded.state, ORIGIN_LOAD);
      live.updateRows = loaded.updateRows;
      this.afterCommit(live);
      return live;
    } catch (e) {
      this.logger.error({ workspaceId: live.ref.workspaceId, doc: live.ref.name, err: String(e) }, 'loading a document failed');
      this.drop(entry);
      throw e;
    }
  }

  private afterCommit(live: LiveDoc): void {
    if (live.compacting || live.updateRows <= this.limits.compactAfterUpdates) return;
    live.compacting = this.store
      .compact(live.ref)
      .then((r) => {
        live.updateRows = Math.max(0, live.updateRows - r.merged);
        this.logger.debug({ doc: live.ref.name, merged: r.merged }, 'compacted');
      })
      .catch((e: unknown) => this.logger.error({ workspaceId: live.ref.workspaceId, doc: live.ref.name, err: String(e) }, 'compaction failed'))
      .finally(() => {
        live.compacting = null;
      });
  }

  private fetchRemote(): void {
    this.remoteScheduled = false;
    const batch = [...this.remoteSeqs];
    this.remoteSeqs.clear();
    for (const [entry, seqs] of batch) {
      const live = entry.live;
      live.remoteFetches++;
      entry.ready
        .then(async () => {
          const parts = await this.store.readUpdates(live.docId ?? '', [...seqs]);
          if (this.entries.get(keyOf(live.ref)) === entry) live.applyRemote(parts);
        })
        .catch((e: unknown) => this.logger.error({ doc: live.ref.name, err: String(e) }, 'reading updates from another process failed'))
        .finally(() => {
          live.remoteFetches--;
        });
    }
  }

  private scheduleUnload(live: LiveDoc): void {
    if (live.idleTimer) return;
    live.idleTimer = setTimeout(() => {
      live.idleTimer = null;
      const entry = this.entries.get(keyOf(live.ref));
      if (!entry || entry.live !== live || live.peers.size > 0 || entry.acquiring > 0) return;
      if (!live.idle()) {
        this.scheduleUnload(live);
        return;
      }
      this.drop(entry);
    }, this.limits.idleUnloadMs);
    live.idleTimer.unref();
  }

  private drop(entry: Entry): void {
    const { live } = entry;
    if (this.entries.get(keyOf(live.ref)) === entry) this.entries.delete(keyOf(live.ref));
    if (live.docId !== null && this.byId.get(live.docId) === entry) this.byId.delete(live.docId);
    this.remoteSeqs.delete(entry);
    live.destroy();
  }
}
