/**
 * Team sync for the engine: sign-ins to servers, which open bases are linked to which server
 * workspace (kept in each base file's `meta`: `syncServer`, `syncWorkspace`), one socket per
 * server workspace for all its open bases, publish and clone, status and presence.
 *
 * A base syncs while it is open. Everything it needs to catch up is in its file (the update log),
 * so a base closed or offline for days merges on its next connection.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BaseInfo, PresencePeer, RemoteWorkspace, SyncAccount, SyncRole, SyncStatus } from '../../../src-shared/api/engine.dto';
import { EngineError } from '../../../src-shared/errors';
import { isId } from '../../../src-shared/ids';
import type { SyncMessage } from '../../../src-shared/sync/protocol';
import type { BaseContext } from '../base/base-context';
import { AccountsStore } from './accounts-store';
import { BaseSync } from './base-sync';
import { BlobSync } from './blob-sync';
import { normalizeServer, ServerSession, signIn } from './server-api';
import { WorkspaceChannel } from './workspace-channel';
import { logger } from '../logger';

const log = logger.child({ module: 'sync' });

export const META_SERVER = 'syncServer';
export const META_WORKSPACE = 'syncWorkspace';
/** The last role and workspace name the server gave (read-only offline, names offline). */
const META_ROLE = 'syncRole';
const META_WORKSPACE_NAME = 'syncWorkspaceName';

export interface SyncHost {
  /** Opens (or creates, with this id) a base file; its context. */
  open(file: string, create: { baseId: string } | null): BaseContext;
  close(handle: string): Promise<void>;
  info(ctx: BaseContext): BaseInfo;
  contexts(): Iterable<BaseContext>;
  emitStatus(s: SyncStatus): void;
  emitPresence(handle: string, peers: PresencePeer[]): void;
  progress(handle: string, job: string, done: number, total: number, phase: string): void;
  /** Bytes of an attachment arrived: read them if they are a drawing (search text, previews). */
  readDownloaded(ctx: BaseContext, sha256: string, name: string, signal: AbortSignal): Promise<unknown>;
  registerJob(job: string, abort: AbortController): () => void;
}

interface Workspace {
  key: string;
  channel: WorkspaceChannel;
  bases: Map<string, BaseSync>;
  name: string | null;
  role: SyncRole | null;
  /** The socket is open and the role read: bases may subscribe. */
  ready: boolean;
}

interface Linked {
  ctx: BaseContext;
  server: string;
  workspaceId: string;
  baseId: string;
  /** Absent while not signed in to the server. */
  sync: BaseSync | null;
  blobs: BlobSync | null;
  workspace: Workspace | null;
  lastSyncedAt: number | null;
  /** Why it does not sync although signed in (another open copy of the same base syncs). */
  blocked: string | null;
}

const READ_ONLY_ROLES: ReadonlySet<SyncRole> = new Set(['viewer', 'commenter']);
const ROLES: ReadonlySet<SyncRole> = new Set(['owner', 'admin', 'editor', 'commenter', 'viewer']);

export class SyncManager {
  private storeCache: AccountsStore | null = null;
  private readonly sessions = new Map<string, ServerSession>();
  private readonly workspaces = new Map<string, Workspace>();
  /** Open bases linked to a server, by handle. */
  private readonly linked = new Map<string, Linked>();
  private readonly lastEmitted = new Map<string, string>();
  private readonly syncedWaiters = new Map<string, Set<() => void>>();
  /** Publishes under way, by base handle (a second click waits for the first). */
  private readonly publishing = new Map<string, Promise<SyncStatus>>();

  constructor(
    private readonly dataDir: string | null,
    private readonly host: SyncHost,
  ) {}

  private get store(): AccountsStore {
    if (!this.dataDir) throw new EngineError('INVALID_INPUT', 'This engine keeps no sign-ins (it was started without a data folder).');
    this.storeCache ??= new AccountsStore(this.dataDir);
    return this.storeCache;
  }

  private session(server: string): ServerSession | null {
    const hit = this.sessions.get(server);
    if (hit) return hit;
    if (!this.dataDir || !this.store.account(server)) return null;
    const s = new ServerSession(server, this.store);
    this.sessions.set(server, s);
    return s;
  }

  private requireSession(server: string): ServerSession {
    const s = this.session(server);
    if (!s) throw new EngineError('NOT_SIGNED_IN', `Sign in to ${server} first.`);
    return s;
  }

  // ---- accounts ----

  async signIn(input: { server: string; email: string; password: string; register: boolean; name?: string | undefined }): Promise<SyncAccount> {
    const server = normalizeServer(input.server);
    const r = await signIn(server, input);
    this.closeServer(server);
    this.store.saveAccount({ server, user: r.user, refreshToken: r.refreshToken });
    this.sessions.set(server, new ServerSession(server, this.store, r));
    // Bases linked to this server start (or restart) syncing as this person.
    for (const l of this.linked.values()) if (l.server === server) this.connect(l);
    return { server, user: r.user };
  }

  async signOut(serverInput: string): Promise<void> {
    const server = normalizeServer(serverInput);
    const s = this.session(server);
    await s?.logout();
    this.closeServer(server);
    this.store.removeAccount(server);
    for (const l of this.linked.values()) if (l.server === server) this.emit(l.ctx);
  }

  accounts(): SyncAccount[] {
    if (!this.dataDir) return [];
    return this.store.accounts().map((a) => ({ server: a.server, user: a.user }));
  }

  /** Stops every socket to `server`; its bases wait (not signed in) until connect() again. */
  private closeServer(server: string): void {
    for (const l of this.linked.values()) if (l.server === server) this.disconnect(l);
    this.sessions.get(server)?.end();
    this.sessions.delete(server);
  }

  // ---- workspaces ----

  async remoteWorkspaces(serverInput: string): Promise<RemoteWorkspace[]> {
    const server = normalizeServer(serverInput);
    const s = this.requireSession(server);
    const { workspaces } = await s.request<{ workspaces: Array<{ id: string; name: string; role: SyncRole }> }>('GET', '/api/v1/workspaces');
    return Promise.all(
      workspaces.map(async (w) => {
        const { bases } = await s.request<{ bases: Array<{ id: string; name: string }> }>('GET', `/api/v1/workspaces/${encodeURIComponent(w.id)}/bases`);
        return { id: w.id, name: w.name, role: w.role, bases: bases.map((b) => ({ id: b.id, name: b.name, localPath: this.store.copyOf(server, b.id) })) };
      }),
    );
  }

  async createWorkspace(serverInput: string, name: string): Promise<RemoteWorkspace> {
    const server = normalizeServer(serverInput);
    const w = await this.requireSession(server).request<{ id: string; name: string }>('POST', '/api/v1/workspaces', { name });
    return { id: w.id, name: w.name, role: 'owner', bases: [] };
  }

  async acceptInvitation(invitation: string, serverInput: string | undefined): Promise<RemoteWorkspace> {
    const { server, token } = parseInvitation(invitation, serverInput);
    const s = this.session(server);
    if (!s) throw new EngineError('NOT_SIGNED_IN', `Sign in to ${server} (or create an account there) first, then use the invitation.`);
    const r = await s.request<{ workspace: { id: string; name: string } }>('POST', '/api/v1/invitations/accept', { token });
    const joined = (await this.remoteWorkspaces(server)).find((w) => w.id === r.workspace.id);
    if (!joined) throw new EngineError('SERVER_REFUSED', `${server} accepted the invitation but does not list workspace ${r.workspace.name}.`);
    return joined;
  }

  // ---- bases ----

  /** Called for every base the engine opens: a linked base starts syncing. */
  attach(ctx: BaseContext): void {
    if (this.linked.has(ctx.handle)) return;
    const server = ctx.session.metaValue(META_SERVER);
    const workspaceId = ctx.session.metaValue(META_WORKSPACE);
    if (!server || !workspaceId) return;
    const baseId = ctx.session.metaValue('baseId') ?? '';
    const l: Linked = { ctx, server, workspaceId, baseId, sync: null, blobs: null, workspace: null, lastSyncedAt: null, blocked: null };
    this.linked.set(ctx.handle, l);
    // The last role known applies at once, signed in or not (a viewer's base is read-only offline too).
    this.applyRole(l);
    this.connect(l);
  }

  /** Called before the engine closes a base. */
  detach(handle: string): void {
    const l = this.linked.get(handle);
    if (!l) return;
    this.disconnect(l);
    this.linked.delete(handle);
    this.lastEmitted.delete(handle);
    l.ctx.session.readOnly = null;
    // A copy of the same base that waited for this one may sync now.
    for (const other of this.linked.values()) if (other.blocked && other.baseId === l.baseId && other.server === l.server) this.connect(other);
  }

  private connect(l: Linked): void {
    if (l.sync) return;
    const session = this.dataDir ? this.session(l.server) : null;
    if (!session) {
      this.emit(l.ctx);
      return;
    }
    // Two open files of one base (a copied file) would share the server's subscriptions: one syncs.
    const twin = [...this.linked.values()].find((o) => o !== l && o.sync && o.server === l.server && o.baseId === l.baseId);
    l.blocked = twin ? `Another open copy of this base syncs with ${l.server} (${twin.ctx.session.file}); close it to sync this one.` : null;
    if (twin) {
      this.emit(l.ctx);
      return;
    }
    const key = `${l.server} ${l.workspaceId}`;
    let ws = this.workspaces.get(key);
    if (!ws) {
      const created: Workspace = { key, bases: new Map(), name: null, role: null, ready: false, channel: null as unknown as WorkspaceChannel };
      created.channel = new WorkspaceChannel(session, l.workspaceId, {
        opened: () => void this.opened(created),
        closed: () => {
          created.ready = false;
          created.bases.forEach((b) => b.disconnected());
        },
        message: (doc, m) => this.route(created, doc, m),
        role: (role) => {
          if (!ROLES.has(role as SyncRole)) return;
          created.role = role as SyncRole;
          for (const l of this.linked.values()) {
            if (l.workspace !== created) continue;
            this.applyRole(l);
            // Made editor: files added while a viewer may now be uploaded.
            l.blobs?.schedule(true);
          }
          created.bases.forEach((b) => this.emit(b.ctx));
        },
        state: () => created.bases.forEach((b) => this.emit(b.ctx)),
      });
      this.workspaces.set(key, created);
      ws = created;
    }
    const account = session.account;
    const channel = ws.channel;
    const blobs = new BlobSync(
      l.ctx, session, l.workspaceId,
      { upload: () => l.ctx.session.readOnly === null, online: () => channel.isOpen },
      () => this.emit(l.ctx),
      (sha, name, signal) => this.host.readDownloaded(l.ctx, sha, name, signal),
    );
    const sync = new BaseSync(l.ctx, l.baseId, channel, { id: account.user.id, name: account.user.name || account.user.email }, {
      status: () => this.emit(l.ctx),
      presence: () => this.host.emitPresence(l.ctx.handle, sync.peers()),
      content: (from) => blobs.schedule(from === 'server'),
      refused: () => void this.readRole(ws),
    });
    l.blobs = blobs;
    ws.bases.set(l.baseId, sync);
    l.sync = sync;
    l.workspace = ws;
    this.applyRole(l);
    if (ws.ready) void sync.connected();
    this.emit(l.ctx);
  }

  private disconnect(l: Linked): void {
    const ws = l.workspace;
    l.sync?.close();
    l.blobs?.close();
    l.sync = null;
    l.blobs = null;
    l.workspace = null;
    if (!ws) return;
    ws.bases.delete(l.baseId);
    if (ws.bases.size === 0) {
      ws.channel.close();
      this.workspaces.delete(ws.key);
    }
  }

  /**
   * The socket opened: first the workspace's name and this person's role in it (which decides
   * whether they may write here), then every base subscribes its docs.
   */
  private async opened(ws: Workspace): Promise<void> {
    await this.readRole(ws);
    if (!ws.channel.isOpen) return;
    ws.ready = true;
    for (const b of ws.bases.values()) void b.connected();
  }

  /** Reads the workspace's name and this person's role from the server; read-only follows the role. */
  private async readRole(ws: Workspace): Promise<void> {
    try {
      const { workspaces } = await ws.channel.session.request<{ workspaces: Array<{ id: string; name: string; role: SyncRole }> }>('GET', '/api/v1/workspaces');
      const w = workspaces.find((x) => x.id === ws.channel.workspaceId);
      ws.name = w?.name ?? null;
      ws.role = w?.role ?? null;
      for (const l of this.linked.values()) if (l.workspace === ws) this.applyRole(l);
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'could not read the workspace role; the last one known applies');
    }
    ws.bases.forEach((b) => this.emit(b.ctx));
  }

  /** Read-only for viewers and commenters; the role is kept in the base file, so it holds offline too. */
  private applyRole(l: Linked): void {
    const role = l.workspace?.role ?? (l.ctx.session.metaValue(META_ROLE) as SyncRole | null);
    const name = l.workspace?.name ?? l.ctx.session.metaValue(META_WORKSPACE_NAME);
    l.ctx.session.readOnly = role && READ_ONLY_ROLES.has(role) ? `You are a ${role} in ${name ?? 'this workspace'} on ${l.server}: you can read this base but not change it.` : null;
    if (l.workspace?.role && l.workspace.role !== l.ctx.session.metaValue(META_ROLE)) {
      const { role: known, name: wsName } = l.workspace;
      void l.ctx.lock.run(() => {
        if (l.ctx.session.isClosed) return;
        l.ctx.session.setMetaValue(META_ROLE, known);
        if (wsName) l.ctx.session.setMetaValue(META_WORKSPACE_NAME, wsName);
      });
    }
  }

  private route(ws: Workspace, remoteDoc: string, message: SyncMessage): void {
    const slash = remoteDoc.indexOf('/');
    if (slash <= 0) return;
    const base = ws.bases.get(remoteDoc.slice(0, slash));
    base?.receive(remoteDoc.slice(slash + 1), message);
  }

  publish(ctx: BaseContext, serverInput: string, workspaceId: string): Promise<SyncStatus> {
    const running = this.publishing.get(ctx.handle);
    if (running) return running;
    const p = this.publishNow(ctx, serverInput, workspaceId).finally(() => this.publishing.delete(ctx.handle));
    this.publishing.set(ctx.handle, p);
    return p;
  }

  private async publishNow(ctx: BaseContext, serverInput: string, workspaceId: string): Promise<SyncStatus> {
    const server = normalizeServer(serverInput);
    const current = this.linked.get(ctx.handle);
    if (current) {
      if (current.server === server && current.workspaceId === workspaceId) return this.status(ctx);
      throw new EngineError('INVALID_INPUT', `This base already syncs with ${current.server}; stop syncing it first.`);
    }
    const session = this.requireSession(server);
    const baseId = ctx.session.metaValue('baseId') ?? '';
    const name = path.basename(ctx.session.file).replace(/\.[^.]+$/, '') || 'Base';
    await session.request('POST', `/api/v1/workspaces/${encodeURIComponent(workspaceId)}/bases`, { id: baseId, name });
    await ctx.lock.run(() => {
      ctx.session.setMetaValue(META_SERVER, server);
      ctx.session.setMetaValue(META_WORKSPACE, workspaceId);
    });
    this.store.rememberCopy(server, baseId, ctx.session.file);
    this.attach(ctx);
    return this.status(ctx);
  }

  /**
   * Downloads every base of a workspace this machine has no copy of into `folder` (named after the
   * bases, made safe as file names and unique), one after the other; each is closed once in step
   * (it syncs again whenever it is opened). Cancelling stops the one downloading (its file goes);
   * those done stay.
   */
  async cloneWorkspace(input: { server: string; workspace: string; folder: string; job?: string | undefined }): Promise<Array<{ id: string; name: string; path: string }>> {
    const server = normalizeServer(input.server);
    const folder = path.resolve(input.folder);
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new EngineError('FILE_NOT_FOUND', `Folder ${folder} does not exist.`);
    const ws = (await this.remoteWorkspaces(server)).find((w) => w.id === input.workspace);
    if (!ws) throw new EngineError('NOT_FOUND', `You are not a member of workspace ${input.workspace} on ${server}.`);
    const missing = ws.bases.filter((b) => b.localPath === null);
    const job = input.job ?? `clone-all-${Date.now()}`;
    const abort = new AbortController();
    const unregister = this.host.registerJob(job, abort);
    const done: Array<{ id: string; name: string; path: string }> = [];
    try {
      for (const [i, b] of missing.entries()) {
        if (abort.signal.aborted) throw new EngineError('CANCELLED', 'The download was cancelled; the bases already downloaded stay.');
        this.host.progress('', job, i, missing.length, 'downloading bases');
        const file = uniqueFile(folder, baseFileName(b.name));
        const info = await this.clone({ server, workspace: ws.id, remoteBase: b.id, path: file }, abort.signal);
        await this.host.close(info.base);
        done.push({ id: b.id, name: b.name, path: file });
      }
      this.host.progress('', job, missing.length, missing.length, 'downloading bases');
      return done;
    } finally {
      unregister();
    }
  }

  async clone(input: { server: string; workspace: string; remoteBase: string; path: string; job?: string | undefined }, outer?: AbortSignal): Promise<BaseInfo> {
    const server = normalizeServer(input.server);
    const session = this.requireSession(server);
    if (!isId(input.remoteBase, 'bas')) throw new EngineError('INVALID_INPUT', `'${input.remoteBase}' is not a base id.`);
    const { bases } = await session.request<{ bases: Array<{ id: string; name: string }> }>('GET', `/api/v1/workspaces/${encodeURIComponent(input.workspace)}/bases`);
    const remote = bases.find((b) => b.id === input.remoteBase);
    if (!remote) throw new EngineError('NOT_FOUND', `The workspace has no base ${input.remoteBase} on ${server}.`);
    for (const ctx of this.host.contexts()) {
      if (ctx.session.metaValue('baseId') === remote.id) throw new EngineError('INVALID_INPUT', `'${remote.name}' is already open here, from ${ctx.session.file}.`);
    }
    const file = path.resolve(input.path);
    const ctx = this.host.open(file, { baseId: remote.id });
    const job = input.job ?? `clone-${Date.now()}`;
    const abort = new AbortController();
    const unregister = this.host.registerJob(job, abort);
    const stop = (): void => abort.abort();
    outer?.addEventListener('abort', stop);
    try {
      await ctx.lock.run(() => {
        ctx.session.setMetaValue(META_SERVER, server);
        ctx.session.setMetaValue(META_WORKSPACE, input.workspace);
      });
      this.attach(ctx);
      await this.whenSynced(ctx, abort.signal, (done, total) => this.host.progress(ctx.handle, job, done, total, 'receiving documents'));
      this.store.rememberCopy(server, remote.id, file);
      return this.host.info(ctx);
    } catch (e) {
      await this.host.close(ctx.handle).catch(() => undefined);
      removeBaseFiles(file);
      throw e;
    } finally {
      outer?.removeEventListener('abort', stop);
      unregister();
    }
  }

  /** Resolves once the base is synced; rejects when syncing stops, goes offline, or on abort. */
  private whenSynced(ctx: BaseContext, signal: AbortSignal, onProgress: (done: number, total: number) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const s = this.status(ctx);
        const l = this.linked.get(ctx.handle);
        const p = l?.sync?.progress();
        if (p) onProgress(p.live, Math.max(p.docs, 1));
        if (s.state === 'synced') return finish();
        if (s.state === 'error' || s.state === 'offline' || s.state === 'local') finish(new EngineError(s.state === 'offline' ? 'SERVER_UNREACHABLE' : 'SERVER_REFUSED', s.reason ?? 'Syncing stopped.'));
      };
      const finish = (e?: Error): void => {
        this.syncedWaiters.get(ctx.handle)?.delete(check);
        signal.removeEventListener('abort', aborted);
        if (e) reject(e);
        else resolve();
      };
      const aborted = (): void => finish(new EngineError('CANCELLED', 'The download was cancelled; nothing was kept.'));
      signal.addEventListener('abort', aborted);
      let set = this.syncedWaiters.get(ctx.handle);
      if (!set) this.syncedWaiters.set(ctx.handle, (set = new Set()));
      set.add(check);
      check();
    });
  }

  async unlink(ctx: BaseContext): Promise<SyncStatus> {
    const l = this.linked.get(ctx.handle);
    if (l) {
      this.detach(ctx.handle);
      this.store.forgetCopy(l.server, l.baseId);
      await ctx.lock.run(() => {
        for (const key of [META_SERVER, META_WORKSPACE, META_ROLE, META_WORKSPACE_NAME]) ctx.session.setMetaValue(key, null);
      });
    }
    return this.emit(ctx);
  }

  retry(ctx: BaseContext): SyncStatus {
    const l = this.linked.get(ctx.handle);
    if (l && !l.sync) this.connect(l);
    l?.workspace?.channel.retry();
    // A problem on an open socket (a refused or unreadable update): subscribe the base afresh.
    if (l?.sync?.progress().problem && l.workspace?.ready) void l.sync.restart();
    return this.status(ctx);
  }

  setPresence(ctx: BaseContext, table: string | null, cell: { record: string; field: string } | null): void {
    this.linked.get(ctx.handle)?.sync?.setPresence(table, cell);
  }

  peers(ctx: BaseContext): PresencePeer[] {
    return this.linked.get(ctx.handle)?.sync?.peers() ?? [];
  }

  status(ctx: BaseContext): SyncStatus {
    const l = this.linked.get(ctx.handle);
    if (!l || ctx.session.isClosed) return { base: ctx.handle, baseId: ctx.session.isClosed ? '' : (ctx.session.metaValue('baseId') ?? ''), state: 'local', pending: 0, lastSyncedAt: null };
    const baseId = l.baseId;
    const out: SyncStatus = { base: ctx.handle, baseId, state: 'syncing', server: l.server, pending: 0, lastSyncedAt: l.lastSyncedAt };
    const ws = l.workspace;
    const wsName = ws?.name ?? ctx.session.metaValue(META_WORKSPACE_NAME);
    const role = ws?.role ?? (ctx.session.metaValue(META_ROLE) as SyncRole | null);
    if (wsName) out.workspace = { id: l.workspaceId, name: wsName };
    if (role) out.role = role;
    const account = this.dataDir ? this.store.account(l.server) : null;
    if (account) out.user = { id: account.user.id, name: account.user.name || account.user.email };
    if (l.blocked) return { ...out, state: 'error', reason: l.blocked };
    if (!l.sync || !ws) return { ...out, state: 'error', reason: `Sign in to ${l.server} to sync this base. Your changes are kept on this machine.` };
    const p = l.sync.progress();
    out.pending = p.unacked + p.offline + (l.blobs?.transfers ?? 0) + (l.blobs?.unsent ?? 0);
    const channel = ws.channel;
    if (channel.state === 'stopped') return { ...out, state: 'error', reason: channel.reason ?? 'Syncing stopped.' };
    if (channel.state === 'offline') return { ...out, state: 'offline', reason: channel.reason ?? `Cannot reach ${l.server}.` };
    if (p.problem) return { ...out, state: 'error', reason: p.problem };
    if (l.blobs?.refused) return { ...out, state: 'error', reason: l.blobs.refused };
    if (l.sync.isSynced() && !l.blobs?.busy && !l.blobs?.unsent) {
      if (p.offline > 0) l.sync.settled();
      l.lastSyncedAt = Date.now();
      return { ...out, state: 'synced', pending: 0, lastSyncedAt: l.lastSyncedAt };
    }
    return { ...out, reason: channel.state === 'connecting' ? `Connecting to ${l.server}…` : `${p.live} of ${p.docs} documents in step` };
  }

  /** Sends the base's status to listeners when it changed; wakes anyone waiting for it to be synced. */
  private emit(ctx: BaseContext): SyncStatus {
    const s = this.status(ctx);
    if (ctx.session.isClosed) return s;
    const { lastSyncedAt: _ignored, ...compared } = s;
    const key = JSON.stringify(compared);
    if (this.lastEmitted.get(ctx.handle) !== key) {
      this.lastEmitted.set(ctx.handle, key);
      this.host.emitStatus(s);
    }
    for (const check of [...(this.syncedWaiters.get(ctx.handle) ?? [])]) check();
    return s;
  }

  close(): void {
    for (const handle of [...this.linked.keys()]) this.detach(handle);
    for (const ws of this.workspaces.values()) ws.channel.close();
    this.workspaces.clear();
  }
}

/** An invitation link (`<server>/invite/<token>`) or a bare token with its server. */
export function parseInvitation(invitation: string, server: string | undefined): { server: string; token: string } {
  const text = invitation.trim();
  const at = text.lastIndexOf('/invite/');
  if (at > 0) {
    const token = decodeURIComponent(text.slice(at + '/invite/'.length).replace(/[?#].*$/, ''));
    return { server: normalizeServer(text.slice(0, at)), token };
  }
  if (!server) throw new EngineError('INVALID_INPUT', 'Paste the whole invitation link (it starts with the server address), or give the server too.');
  return { server: normalizeServer(server), token: text };
}

/** A base's name as a file name: no folder separators or characters the platforms refuse, not empty. */
export function baseFileName(name: string): string {
  const safe = name
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, '-')
    .replace(/^[\s.]+|[\s.]+$/g, '')
    .slice(0, 120);
  return `${safe || 'Base'}.base`;
}

/** `folder/name`, or `folder/name (2)` … when that file exists. */
function uniqueFile(folder: string, name: string): string {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let i = 1; ; i++) {
    const file = path.join(folder, i === 1 ? name : `${stem} (${i})${ext}`);
    if (!fs.existsSync(file)) return file;
  }
}

/** Removes a base file and what lives beside it (WAL, shared memory, attachment store). */
function removeBaseFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) fs.rmSync(f, { force: true });
  fs.rmSync(`${file}.files`, { recursive: true, force: true });
}
