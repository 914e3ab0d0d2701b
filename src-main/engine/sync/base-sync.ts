/**
 * One open base syncing over its workspace's socket: every doc of the base (the schema doc and
 * each table's shard docs) is a subscription, named `<baseId>/<docId>` on the server.
 *
 * On connect each doc sends sync step 1 (its state vector); the server answers with step 2 (what
 * this replica lacks) and its own step 1, answered with step 2 (what the server lacks: everything
 * written here while offline, in one update). Yjs merges both ways, so nothing written on either
 * side is lost and no one is asked to resolve anything. After that, each committed local change is
 * sent as an update, and the server acknowledges every update message once it is committed there.
 *
 * Received updates are applied in batches under the base's write lock, one transaction per batch,
 * in arrival order. Diffs and state vectors are also computed under the lock, so an import's
 * uncommitted rows are never sent.
 *
 * Presence rides on the schema doc's subscription as y-protocols awareness: who (user), which table,
 * which cell.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { SyncMessage } from '../../../src-shared/sync/protocol';
import { SCHEMA_DOC_ID, listShards } from '../../../src-shared/docs/schema-doc';
import { parseShardDocId, shardDocId } from '../../../src-shared/docs/table-doc';
import type { PresencePeer } from '../../../src-shared/api/engine.dto';
import type { BaseContext } from '../base/base-context';
import type { CapturedUpdate } from '../docs/doc-store';
import { logger } from '../logger';

const log = logger.child({ module: 'base-sync' });

/** What a base needs of its workspace's socket. */
export interface SyncChannel {
  readonly isOpen: boolean;
  send(remoteDoc: string, message: SyncMessage): void;
}

export interface BaseSyncHooks {
  /** Something that may change the base's status happened. */
  status(): void;
  /** Who is where changed. */
  presence(): void;
  /**
   * The base's content changed or the socket opened: attachments may need moving. `from` says
   * whose change: only the server's (or a new connection) can bring refs this base has not listed.
   */
  content(from: 'here' | 'server'): void;
  /** The server refused an update (the person's role changed?). */
  refused(): void;
}

interface DocSync {
  /** `subscribing` until the server's step 2 has been applied here. */
  phase: 'subscribing' | 'live';
  /** Update messages sent on this subscription, and how many the server settled. */
  sent: number;
  acked: number;
}

export interface BaseSyncProgress {
  docs: number;
  live: number;
  /** Update messages not yet settled by the server. */
  unacked: number;
  /** Local changes committed while the socket was closed (sent on reconnect). */
  offline: number;
  /** Received updates not applied yet. */
  inbox: number;
  /** Why syncing this base stopped (an update the server refused, or one that could not be applied). */
  problem: string | null;
}

const PRESENCE_COLORS = ['#d9480f', '#2b8a3e', '#1971c2', '#9c36b5', '#c2255c', '#0c8599', '#e67700', '#5f3dc4'];

export function presenceColor(userId: string): string {
  let h = 0;
  for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0;
  return PRESENCE_COLORS[h % PRESENCE_COLORS.length]!;
}

export class BaseSync {
  private readonly docs = new Map<string, DocSync>();
  private inbox: Array<{ docId: string; message: SyncMessage }> = [];
  private pumping = false;
  private offlineCommits = 0;
  private problem: string | null = null;
  private readonly awareness: awarenessProtocol.Awareness;
  private readonly stopUpdates: () => void;
  private closed = false;
  /** The handshake of the current socket has started (once per socket; reset when it closes). */
  private handshake = false;
  /** What the base is told; silent once this sync is closed (work in flight may end after it). */
  private readonly hooks: BaseSyncHooks;

  constructor(
    readonly ctx: BaseContext,
    readonly baseId: string,
    private readonly channel: SyncChannel,
    user: { id: string; name: string },
    hooks: BaseSyncHooks,
  ) {
    const live = (f: () => void) => () => {
      if (!this.closed && !ctx.session.isClosed) f();
    };
    this.hooks = {
      status: live(hooks.status), presence: live(hooks.presence), refused: live(hooks.refused),
      content: (from) => {
        if (!this.closed && !ctx.session.isClosed) hooks.content(from);
      },
    };
    this.awareness = new awarenessProtocol.Awareness(new Y.Doc());
    this.awareness.setLocalState({ user: { id: user.id, name: user.name, color: presenceColor(user.id) }, table: null, cell: null });
    this.awareness.on('update', ({ added, updated, removed }: AwarenessChanges, origin: unknown) => {
      if (origin !== 'local' || !this.channel.isOpen || !this.docs.has(SCHEMA_DOC_ID)) return;
      const changed = [...added, ...updated, ...removed];
      this.send(SCHEMA_DOC_ID, { type: 'awareness', update: awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed) });
    });
    this.awareness.on('change', () => this.hooks.presence());
    this.stopUpdates = ctx.session.onDidCommitUpdate((u) => this.localUpdate(u));
  }

  private remote(docId: string): string {
    return `${this.baseId}/${docId}`;
  }

  private send(docId: string, message: SyncMessage): void {
    this.channel.send(this.remote(docId), message);
  }

  /**
   * The socket is open and the role known: subscribe every doc (under the write lock: state is read
   * from the file). Once per socket: a second handshake on the same socket would find the server's
   * subscriptions already there, and it would not send its step 1 again.
   */
  async connected(): Promise<void> {
    if (this.handshake || this.closed) return;
    this.handshake = true;
    await this.ctx.lock.run(() => {
      if (this.closed || this.ctx.session.isClosed || !this.channel.isOpen) return;
      this.docs.clear();
      this.problem = null;
      for (const docId of this.docIds()) this.subscribe(docId);
    });
    if (this.closed) return;
    if (this.channel.isOpen && !this.closed) {
      // Set again, so its clock moves on: peers that dropped this replica's presence while it was
      // away (which bumps the clock they keep for it) accept it anew. The update is sent by the
      // awareness listener.
      this.awareness.setLocalState({ ...(this.awareness.getLocalState() as PresenceState) });
      this.hooks.content('server');
    }
    this.hooks.status();
  }

  /** The socket closed: subscriptions end with it; others' presence is no longer known. */
  disconnected(): void {
    this.handshake = false;
    if (this.docs.size > 0 && [...this.docs.values()].some((d) => d.sent > d.acked)) {
      // Unsettled updates are in the file; the next handshake's step 2 carries them again.
      this.offlineCommits += 1;
    }
    this.docs.clear();
    this.inbox = [];
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.awareness.clientID);
    if (others.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, others, 'offline');
    this.hooks.status();
  }

  /** The base's docs: the schema doc, and the shard docs of its tables (listed or already stored). */
  private docIds(): string[] {
    const session = this.ctx.session;
    const tables = new Set(session.schema().tables.map((t) => t.id));
    const ids = new Set<string>([SCHEMA_DOC_ID]);
    for (const t of tables) for (const shard of listShards(session.schemaDoc, t)) ids.add(shardDocId(t, shard));
    // Shards stored or loaded before the schema listed them (read once, not once per table).
    for (const id of [...session.docs.storedDocIds(), ...session.docs.loadedIds()]) {
      const parsed = parseShardDocId(id);
      if (parsed && tables.has(parsed.tableId)) ids.add(id);
    }
    return [...ids];
  }

  private subscribe(docId: string): void {
    const session = this.ctx.session;
    const stateVector = session.docs.isLoaded(docId)
      ? Y.encodeStateVector(session.docs.get(docId))
      : Y.encodeStateVectorFromUpdate(session.docs.encodeStored(docId));
    this.docs.set(docId, { phase: 'subscribing', sent: 0, acked: 0 });
    this.send(docId, { type: 'sync-step1', stateVector });
  }

  /** A committed change made here (called as the write ends, the write lock still held). */
  private localUpdate(u: CapturedUpdate): void {
    if (this.closed) return;
    // Offline, or the handshake has not subscribed yet: the handshake's step 2 will carry it.
    if (!this.channel.isOpen || !this.handshake) {
      this.offlineCommits++;
      this.hooks.status();
      return;
    }
    const d = this.docs.get(u.docId);
    if (!d) {
      // A doc new since the handshake (a new shard, a new table's first shard): its step 1 carries
      // this change's state; the server's step 1 brings the reply that sends it.
      this.subscribe(u.docId);
    } else {
      this.send(u.docId, { type: 'sync-update', update: u.update, step2: false });
      d.sent++;
    }
    this.hooks.content('here');
    this.hooks.status();
  }

  /** A message for one of this base's docs. */
  receive(docId: string, message: SyncMessage): void {
    if (this.closed) return;
    switch (message.type) {
      case 'ack': {
        const d = this.docs.get(docId);
        if (d && message.count > d.acked) {
          d.acked = message.count;
          this.hooks.status();
        }
        return;
      }
      case 'awareness':
        if (docId === SCHEMA_DOC_ID) awarenessProtocol.applyAwarenessUpdate(this.awareness, message.update, 'remote');
        return;
      case 'permission-denied':
        this.problem = `The server did not save a change: ${message.reason}`;
        log.warn({ base: this.baseId, doc: docId }, 'update refused by the server');
        this.hooks.refused();
        this.hooks.status();
        return;
      case 'sync-step1':
      case 'sync-update':
        if (!this.docs.has(docId)) return;
        this.inbox.push({ docId, message });
        void this.pump();
        return;
      default:
        return;
    }
  }

  /** Works off received sync messages in order, batching consecutive updates into one write. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.inbox.length > 0 && !this.closed) {
        const batch = this.inbox;
        this.inbox = [];
        await this.ctx.lock.run(() => this.process(batch));
        this.hooks.status();
      }
    } catch (e) {
      if (!this.closed) {
        this.problem = `A change from the server could not be applied here (${(e as Error).message}).`;
        log.error({ base: this.baseId, err: (e as Error).message }, 'applying remote updates failed');
      }
      this.hooks.status();
    } finally {
      this.pumping = false;
    }
  }

  private process(batch: ReadonlyArray<{ docId: string; message: SyncMessage }>): void {
    const session = this.ctx.session;
    if (this.closed || session.isClosed) return;
    let updates: Array<{ docId: string; update: Uint8Array }> = [];
    let nowLive: string[] = [];
    let schemaTouched = false;
    const apply = (): void => {
      if (updates.length > 0) session.applyRemoteBatch(updates, `sync:${this.baseId}`);
      for (const id of nowLive) {
        const d = this.docs.get(id);
        if (d) d.phase = 'live';
      }
      updates = [];
      nowLive = [];
    };
    for (const { docId, message } of batch) {
      const d = this.docs.get(docId);
      if (!d) continue;
      if (message.type === 'sync-update') {
        updates.push({ docId, update: message.update });
        if (message.step2) nowLive.push(docId);
        if (docId === SCHEMA_DOC_ID) schemaTouched = true;
      } else if (message.type === 'sync-step1' && this.channel.isOpen) {
        apply();
        const update = session.docs.isLoaded(docId)
          ? Y.encodeStateAsUpdate(session.docs.get(docId), message.stateVector)
          : Y.diffUpdate(session.docs.encodeStored(docId), message.stateVector);
        this.send(docId, { type: 'sync-update', update, step2: true });
        d.sent++;
      }
    }
    apply();
    if (batch.some((m) => m.message.type === 'sync-update')) this.hooks.content('server');
    // The schema may list shards (or tables) this replica has not subscribed yet.
    if (schemaTouched && this.channel.isOpen) {
      for (const docId of this.docIds()) if (!this.docs.has(docId)) this.subscribe(docId);
    }
  }

  progress(): BaseSyncProgress {
    let live = 0;
    let unacked = 0;
    for (const d of this.docs.values()) {
      if (d.phase === 'live') live++;
      unacked += Math.max(0, d.sent - d.acked);
    }
    return { docs: this.docs.size, live, unacked, offline: this.offlineCommits, inbox: this.inbox.length + (this.pumping ? 1 : 0), problem: this.problem };
  }

  /** Everything here is on the server and everything there is here. */
  isSynced(): boolean {
    const p = this.progress();
    return this.channel.isOpen && p.problem === null && p.docs > 0 && p.live === p.docs && p.unacked === 0 && p.inbox === 0;
  }

  /**
   * Subscribes every doc afresh on the open socket (after a problem the person asked to retry):
   * the server's subscriptions end first, so it starts each one anew (its step 1, acks from 1).
   */
  async restart(): Promise<void> {
    if (this.closed || !this.channel.isOpen) return;
    await this.ctx.lock.run(() => {
      for (const docId of this.docs.keys()) this.send(docId, { type: 'unsubscribe' });
      this.docs.clear();
      this.inbox = [];
    });
    this.handshake = false;
    await this.connected();
  }

  /** Called once the base is in step: changes kept while offline are now on the server. */
  settled(): void {
    this.offlineCommits = 0;
  }

  setPresence(table: string | null, cell: { record: string; field: string } | null): void {
    const cur = this.awareness.getLocalState() as PresenceState | null;
    if (!cur) return;
    if (cur.table === table && cur.cell?.record === cell?.record && cur.cell?.field === cell?.field) return;
    this.awareness.setLocalState({ ...cur, table, cell });
  }

  peers(): PresencePeer[] {
    const out: PresencePeer[] = [];
    for (const [clientId, raw] of this.awareness.getStates()) {
      const s = raw as Partial<PresenceState>;
      const user = s.user;
      if (!user || typeof user.id !== 'string' || typeof user.name !== 'string') continue;
      out.push({
        clientId,
        self: clientId === this.awareness.clientID,
        user: { id: user.id, name: user.name.slice(0, 200), color: typeof user.color === 'string' && /^#[0-9a-f]{6}$/i.test(user.color) ? user.color : presenceColor(user.id) },
        table: typeof s.table === 'string' ? s.table : null,
        cell: s.cell && typeof s.cell.record === 'string' && typeof s.cell.field === 'string' ? { record: s.cell.record, field: s.cell.field } : null,
      });
    }
    return out.sort((a, b) => Number(b.self) - Number(a.self) || a.user.name.localeCompare(b.user.name) || a.clientId - b.clientId);
  }

  /** Stops syncing this base: presence removed, subscriptions ended (the socket stays for others). */
  close(): void {
    if (this.closed) return;
    this.stopUpdates();
    this.awareness.setLocalState(null);
    this.closed = true;
    if (this.channel.isOpen) for (const docId of this.docs.keys()) this.send(docId, { type: 'unsubscribe' });
    this.docs.clear();
    this.inbox = [];
    this.awareness.destroy();
  }
}

interface PresenceState {
  user: { id: string; name: string; color: string };
  table: string | null;
  cell: { record: string; field: string } | null;
}

interface AwarenessChanges {
  added: number[];
  updated: number[];
  removed: number[];
}
