/**
 * The engine: the composition root of everything that owns base files, and the implementation of
 * the EngineContract. Plain Node (no Electron), so the CLI, browser mode, Electron's utilityProcess
 * and tests all run the same code.
 */
import os from 'node:os';
import nodePath from 'node:path';
import { EngineError } from '../../src-shared/errors';
import type { EngineHandlers, EngineMethod } from '../../src-shared/api/engine.contract';
import { dispatch } from '../../src-shared/api/engine.rpc';
import type { BaseInfo, ChangeEvent, JobItem, PresenceEvent, ProgressEvent, SyncStatus } from '../../src-shared/api/engine.dto';
import type { EngineEventMap, EngineEventName } from '../../src-shared/api/engine.contract';
import { SyncManager } from './sync/sync-manager';
import type { Result } from '../../src-shared/errors';
import { BaseSession } from './base/base-session';
import { WriteLock, type BaseContext } from './base/base-context';
import { checkBase } from './base/base-check';
import { UndoStack } from './undo/undo-stack';
import * as tables from './schema/tables.service';
import * as fields from './schema/fields.service';
import * as records from './records/records.service';
import * as reads from './records/records-query.service';
import { recordHistory } from './records/history.service';
import { exportCsv } from './transfer/csv-export.service';
import { importCsv, previewCsv } from './transfer/csv-import.service';
import * as attachments from './attachments/attachments.service';
import * as drawings from './drawings/drawings.service';
import { WorkerPool } from '../workers/pool';
import { attachmentPart, attachmentPreviews } from './attachments/attachment-parts';
import { expandDrawingPaths } from './drawings/drawing-paths';
import * as drawingMapping from './drawings/drawing-mapping.service';
import { reapplyMapping } from './drawings/reapply.service';
import { findInAttachment } from './drawings/attachment-find';
import { readSyncedDrawing } from './drawings/read-synced';

/** Files one drop may add (folders expanded). */
const MAX_DROP_FILES = 10_000;
import { workerUrl } from '../workers/start';
import type { ExtractJob } from '../workers/extract/extract.worker';
import type { FileExtraction } from '../workers/extract/file-extraction';
import { logger } from './logger';

export interface EngineOptions {
  /** Who this engine's changes are attributed to; defaults to the OS user name. */
  actor?: string;
  now?: () => number;
  /** Background maintenance (compaction, unloading idle shard docs); 0 disables the timer. */
  maintenanceMs?: number;
  /** Shard docs unused this long are unloaded. */
  idleUnloadMs?: number;
  /** Time a drawing may take to read, ms. */
  extractionTimeMs?: number;
  /**
   * Where this person's sign-ins to sync servers are kept (`defaultDataDir()` in the app and
   * browser mode). Without it the engine syncs nothing.
   */
  dataDir?: string;
}

const log = logger.child({ module: 'engine' });

export class Engine {
  private readonly bases = new Map<string, BaseContext>();
  private readonly jobs = new Map<string, AbortController>();
  private readonly changeListeners = new Set<(e: ChangeEvent) => void>();
  private readonly progressListeners = new Set<(e: ProgressEvent) => void>();
  private readonly syncListeners = new Set<(e: SyncStatus) => void>();
  private readonly presenceListeners = new Set<(e: PresenceEvent) => void>();
  readonly sync: SyncManager;
  /** Bases with background search-index work scheduled. */
  private readonly searchWork = new Set<string>();
  private nextHandle = 1;
  private extractionPool: WorkerPool<ExtractJob, FileExtraction> | null = null;
  private readonly timer: NodeJS.Timeout | null;
  readonly actor: string;
  readonly handlers: EngineHandlers;

  constructor(private readonly options: EngineOptions = {}) {
    this.actor = options.actor ?? safeUserName();
    const every = options.maintenanceMs ?? 5_000;
    this.timer = every > 0 ? setInterval(() => this.maintain(), every) : null;
    this.timer?.unref();
    this.sync = new SyncManager(options.dataDir ?? null, {
      open: (file, create) => this.context(this.open(file, !!create, create?.baseId).base),
      close: (handle) => this.closeBase(handle),
      info: (ctx) => this.info(ctx),
      contexts: () => this.bases.values(),
      emitStatus: (s) => this.syncListeners.forEach((l) => l(s)),
      emitPresence: (base, peers) => this.presenceListeners.forEach((l) => l({ base, peers })),
      progress: (base, job, done, total, phase) => this.progressListeners.forEach((l) => l({ base, job, done, total, phase })),
      readDownloaded: (ctx, sha, name, signal) => readSyncedDrawing(ctx, sha, name, this.readDrawing(), (fn) => ctx.lock.run(fn), signal),
      registerJob: (job, abort) => {
        this.jobs.set(job, abort);
        return () => this.jobs.delete(job);
      },
    });
    this.handlers = this.buildHandlers();
  }

  onDidSync(listener: (e: SyncStatus) => void): () => void {
    return this.on('sync', listener);
  }

  onDidPresence(listener: (e: PresenceEvent) => void): () => void {
    return this.on('presence', listener);
  }

  /** Subscribes to any of the engine's events by name. */
  on<E extends EngineEventName>(event: E, listener: (e: EngineEventMap[E]) => void): () => void {
    const sets: { [K in EngineEventName]: Set<(e: EngineEventMap[K]) => void> } = {
      change: this.changeListeners, progress: this.progressListeners, sync: this.syncListeners, presence: this.presenceListeners,
    };
    const set = sets[event] as Set<(e: EngineEventMap[E]) => void>;
    set.add(listener);
    return () => void set.delete(listener);
  }

  private closeBase(handle: string): Promise<void> {
    return this.locked(handle, (ctx) => {
      this.sync.detach(ctx.handle);
      ctx.session.close();
      this.bases.delete(ctx.handle);
    });
  }

  /** Validates and runs one call; failures come back as data. */
  call(method: EngineMethod | string, input: unknown): Promise<Result<unknown>> {
    return dispatch(this.handlers, method, input);
  }

  onDidChange(listener: (e: ChangeEvent) => void): () => void {
    return this.on('change', listener);
  }

  onDidProgress(listener: (e: ProgressEvent) => void): () => void {
    return this.on('progress', listener);
  }

  /** The open base behind a handle. */
  context(handle: string): BaseContext {
    const ctx = this.bases.get(handle);
    if (!ctx) throw new EngineError('BASE_CLOSED', `No open base '${handle}'; open it first.`);
    return ctx;
  }

  private open(path: string, create: boolean, baseId?: string): BaseInfo {
    for (const ctx of this.bases.values()) {
      if (!create && ctx.session.file === nodePath.resolve(path)) return this.info(ctx);
    }
    const session = new BaseSession(path, { create, actor: this.actor, ...(baseId ? { baseId } : {}), ...(this.options.now ? { now: this.options.now } : {}) });
    const handle = `b${this.nextHandle++}`;
    const ctx: BaseContext = { handle, session, undo: new UndoStack(), lock: new WriteLock() };
    session.onDidChange((e) => {
      for (const l of this.changeListeners) l({ base: handle, ...e });
      this.scheduleSearchWork(ctx);
    });
    this.bases.set(handle, ctx);
    this.scheduleSearchWork(ctx);
    // Attachments earlier sessions left without a cell, and their bytes, go now (in the background).
    void ctx.lock
      .run(() => (ctx.session.isClosed ? null : attachments.collectAttachments(ctx.session)))
      .then(
        (report) => report && report.attachments + report.files > 0 && log.info({ base: handle, ...report }, 'attachments collected'),
        (e: unknown) => log.warn({ base: handle, err: (e as Error).message }, 'collecting attachments failed'),
      );
    log.info({ base: handle, migrated: session.migrated }, create ? 'base created' : 'base opened');
    this.sync.attach(ctx);
    return this.info(ctx);
  }

  /**
   * Works off a base's search-index backlog (left by imports and re-projections) in small steps
   * under its write lock, so edits and reads interleave with it.
   */
  private scheduleSearchWork(ctx: BaseContext): void {
    if (this.searchWork.has(ctx.handle)) return;
    this.searchWork.add(ctx.handle);
    const step = (): void => {
      if (this.bases.get(ctx.handle) !== ctx) {
        this.searchWork.delete(ctx.handle);
        return;
      }
      ctx.lock
        .run(() => !ctx.session.isClosed && ctx.session.searchStep())
        .then(
          (more) => {
            if (more) setImmediate(step);
            else this.searchWork.delete(ctx.handle);
          },
          (e: unknown) => {
            this.searchWork.delete(ctx.handle);
            log.error({ err: (e as Error).message, base: ctx.handle }, 'search indexing failed');
          },
        );
    };
    setImmediate(step);
  }

  private info(ctx: BaseContext): BaseInfo {
    const row = ctx.session.db.prepare("SELECT value FROM meta WHERE key = 'baseId'").get() as { value: string } | undefined;
    return {
      base: ctx.handle,
      path: ctx.session.file,
      baseId: row?.value ?? '',
      formatVersion: ctx.session.formatVersion,
      migrated: ctx.session.migrated,
      schema: ctx.session.schema(),
    };
  }

  /** Runs a write under the base's lock, so it never interleaves with a streaming import. */
  private locked<T>(handle: string, fn: (ctx: BaseContext) => T | Promise<T>): Promise<T> {
    const ctx = this.context(handle);
    return ctx.lock.run(() => fn(ctx));
  }

  private buildHandlers(): EngineHandlers {
    const w = this.locked.bind(this);
    const r = (handle: string): BaseContext => this.context(handle);
    return {
      'base.create': (i) => this.open(i.path, true),
      'base.open': (i) => this.open(i.path, false),
      'base.close': async (i) => (await this.closeBase(i.base), null),
      'base.check': (i) => w(i.base, (ctx) => checkBase(ctx.session)),
      'base.rebuild': (i) =>
        w(i.base, (ctx) => {
          const t0 = performance.now();
          ctx.session.rebuild();
          const n = ctx.session.schema().tables.reduce((sum, t) => sum + reads.countRecords(ctx, { table: t.id }), 0);
          return { tables: ctx.session.schema().tables.length, records: n, ms: Math.round(performance.now() - t0) };
        }),
      'schema.get': (i) => r(i.base).session.schema(),
      'table.create': (i) => w(i.base, (ctx) => tables.createTable(ctx, i.name, i.fields)),
      'table.rename': (i) => w(i.base, (ctx) => tables.renameTable(ctx, i.table, i.name)),
      'table.move': (i) => w(i.base, (ctx) => tables.moveTable(ctx, i.table, i.before)),
      'table.delete': (i) => w(i.base, (ctx) => (tables.deleteTable(ctx, i.table), null)),
      'field.create': (i) => w(i.base, (ctx) => fields.createField(ctx, i.table, i)),
      'field.update': (i) => w(i.base, (ctx) => fields.updateField(ctx, i.table, i.field, i)),
      'field.previewChange': (i) => w(i.base, (ctx) => fields.previewFieldChange(ctx, i.table, i.field, i.type, i.options)),
      'field.move': (i) => w(i.base, (ctx) => fields.moveField(ctx, i.table, i.field, i.before)),
      'field.delete': (i) => w(i.base, (ctx) => (fields.deleteField(ctx, i.table, i.field), null)),
      'view.create': (i) => w(i.base, (ctx) => tables.createView(ctx, i.table, i)),
      'view.update': (i) => w(i.base, (ctx) => tables.updateView(ctx, i.table, i.view, i)),
      'view.delete': (i) => w(i.base, (ctx) => (tables.deleteView(ctx, i.table, i.view), null)),
      'records.create': (i) => w(i.base, (ctx) => ({ ids: records.createRecords(ctx, i.table, i.records) })),
      'records.update': (i) => w(i.base, (ctx) => ({ updated: records.updateRecords(ctx, i.table, i.updates) })),
      'records.paste': (i) => w(i.base, (ctx) => records.pasteRecords(ctx, i.table, i.updates, i.records)),
      'records.delete': (i) => w(i.base, (ctx) => ({ deleted: records.deleteRecords(ctx, i.table, i.ids) })),
      'records.duplicate': (i) => w(i.base, (ctx) => ({ ids: records.duplicateRecords(ctx, i.table, i.ids) })),
      'records.get': (i) => reads.getRecord(r(i.base), i.table, i.id, i.keys),
      'records.query': (i) => reads.queryPage(r(i.base), i),
      'records.count': (i) => ({ count: reads.countRecords(r(i.base), i) }),
      'records.groups': (i) => reads.groupRecords(r(i.base), i),
      'records.history': (i) => recordHistory(r(i.base), i.table, i.id, i.limit),
      'undo.undo': (i) => w(i.base, (ctx) => ctx.undo.undo(ctx.session)),
      'undo.redo': (i) => w(i.base, (ctx) => ctx.undo.redo(ctx.session)),
      'undo.state': (i) => r(i.base).undo.state(),
      'attachment.add': (i) => w(i.base, async (ctx) => ({ attachments: await attachments.addAttachments(ctx, i.paths) })),
      'attachment.get': (i) => attachments.attachmentInfo(r(i.base), i.id),
      'attachment.previews': (i) => attachmentPreviews(r(i.base), i.id),
      'attachment.part': (i) => attachmentPart(r(i.base), i.id, i.part),
      'attachment.collect': (i) => w(i.base, (ctx) => attachments.collectAttachments(ctx.session)),
      // Drops take the base's write lock for each write only: files are copied and read beside
      // people's edits (drawings.service.ts).
      'drawings.add': (i) => {
        const ctx = this.context(i.base);
        return this.asJob(ctx, i.job ?? `drawings-${Date.now()}`, async (signal, progress) => {
          const files = await expandDrawingPaths(i.paths, MAX_DROP_FILES);
          progress(0, files.length, 'reading drawings');
          return drawings.addDrawings(ctx, i.table, files, this.readDrawing(), {
            signal,
            lock: (fn) => ctx.lock.run(fn),
            onProgress: (done, total, item) => progress(done, total, 'reading drawings', item),
          });
        });
      },
      'drawings.attach': (i) => {
        const ctx = this.context(i.base);
        return this.asJob(ctx, i.job ?? `attach-${Date.now()}`, async (signal, progress) => {
          const files = await expandDrawingPaths(i.paths, MAX_DROP_FILES);
          progress(0, files.length, 'reading drawings');
          return drawings.attachDrawings(ctx, i.table, i.record, files, this.readDrawing(), {
            field: i.field,
            signal,
            lock: (fn) => ctx.lock.run(fn),
            onProgress: (done, total, item) => progress(done, total, 'reading drawings', item),
          });
        });
      },
      'drawings.mapping.get': (i) => drawingMapping.mappingInfo(r(i.base), i.table),
      'drawings.mapping.set': (i) => w(i.base, (ctx) => drawingMapping.setMapping(ctx, i.table, i.mapping)),
      'drawings.reapply': (i) =>
        w(i.base, (ctx) =>
          this.asJob(ctx, i.job ?? `reapply-${Date.now()}`, (signal, progress) =>
            reapplyMapping(ctx, i.table, { records: i.records, overwrite: i.overwrite, signal, onProgress: (done, total) => progress(done, total, 'applying drawing mapping') }),
          ),
        ),
      'attachment.find': (i) => findInAttachment(r(i.base), i.id, i.search, i.limit),
      'csv.preview': (i) => previewCsv(i.path, i.rows),
      'csv.import': (i) =>
        w(i.base, (ctx) =>
          this.asJob(ctx, i.job ?? `import-${Date.now()}`, (signal, progress) =>
            importCsv(ctx, { path: i.path, table: i.table, ...(i.columns ? { columns: i.columns } : {}), signal, onProgress: progress }),
          ),
        ),
      'csv.export': (i) => exportCsv(r(i.base), { table: i.table, ...(i.view ? { view: i.view } : {}), path: i.path }),
      'job.cancel': (i) => {
        const job = this.jobs.get(i.job);
        job?.abort();
        return { cancelled: !!job };
      },
      'sync.signIn': (i) => this.sync.signIn(i),
      'sync.signOut': async (i) => (await this.sync.signOut(i.server), null),
      'sync.accounts': () => this.sync.accounts(),
      'sync.workspaces': (i) => this.sync.remoteWorkspaces(i.server),
      'sync.createWorkspace': (i) => this.sync.createWorkspace(i.server, i.name),
      'sync.acceptInvitation': (i) => this.sync.acceptInvitation(i.invitation, i.server),
      'sync.publish': (i) => this.sync.publish(r(i.base), i.server, i.workspace),
      'sync.clone': (i) => this.sync.clone(i),
      'sync.cloneWorkspace': (i) => this.sync.cloneWorkspace(i),
      'sync.status': (i) => (i.base ? [this.sync.status(r(i.base))] : [...this.bases.values()].map((ctx) => this.sync.status(ctx))),
      'sync.unlink': (i) => this.sync.unlink(r(i.base)),
      'sync.retry': (i) => this.sync.retry(r(i.base)),
      'sync.presence': (i) => (this.sync.setPresence(r(i.base), i.table, i.cell), null),
      'sync.peers': (i) => this.sync.peers(r(i.base)),
    } satisfies EngineHandlers;
  }

  /** Background upkeep: compaction of grown update logs and unloading idle shard docs. */
  maintain(): void {
    for (const ctx of this.bases.values()) {
      if (ctx.session.isWriting || ctx.session.isClosed) continue;
      try {
        ctx.session.compact();
        ctx.session.unloadIdle(this.options.idleUnloadMs ?? 60_000);
      } catch (e) {
        log.error({ err: (e as Error).message, base: ctx.handle }, 'maintenance failed');
      }
    }
  }

  /** Runs long work as job `job`: cancellable by `job.cancel`, its progress sent to progress listeners. */
  private async asJob<T>(ctx: BaseContext, job: string, work: (signal: AbortSignal, progress: (done: number, total: number, phase: string, item?: JobItem) => void) => Promise<T>): Promise<T> {
    const abort = new AbortController();
    this.jobs.set(job, abort);
    try {
      return await work(abort.signal, (done, total, phase, item) => {
        for (const l of this.progressListeners) l({ base: ctx.handle, job, done, total, phase, ...(item ? { item } : {}) });
      });
    } finally {
      this.jobs.delete(job);
    }
  }

  /** Reading a drawing file in the extraction pool, for drawings.service. */
  private readDrawing(): drawings.ReadDrawing {
    return (file, label, outDir, signal) => this.extraction().run({ path: file, outDir, name: label }, { label, ...(signal ? { signal } : {}) });
  }

  /** The extraction pool, started on first use: a worker per core but one (this thread writes), up to 4. */
  private extraction(): WorkerPool<ExtractJob, FileExtraction> {
    this.extractionPool ??= new WorkerPool<ExtractJob, FileExtraction>({
      url: workerUrl('extract.worker', new URL('../workers/extract/extract.worker.ts', import.meta.url)),
      size: Math.max(1, Math.min(os.availableParallelism() - 1, 4)),
      timeMs: this.options.extractionTimeMs ?? 120_000,
      heapMb: 1024,
    });
    return this.extractionPool;
  }

  close(): void {
    this.sync.close();
    if (this.timer) clearInterval(this.timer);
    void this.extractionPool?.close();
    this.extractionPool = null;
    for (const job of this.jobs.values()) job.abort();
    for (const ctx of this.bases.values()) ctx.session.close();
    this.bases.clear();
  }
}

function safeUserName(): string {
  try {
    return os.userInfo().username || 'local';
  } catch {
    return 'local';
  }
}
