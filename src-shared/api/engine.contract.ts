/**
 * The engine's API: one contract, three sides. The engine implements it (handlers `satisfies`
 * EngineHandlers), the preload builds its allow-list from ENGINE_METHODS, and the renderer, browser
 * mode and CLI call it through an EngineClient. Every input is validated here, at the boundary.
 *
 * Tables, fields and views are referenced by id or by name ("ref"); records by id.
 */
import { z } from 'zod';
import { FIELD_TYPES } from '../schema/schema.types';
import { filterGroupSchema, groupsSchema, sortsSchema, MAX_PAGE_LIMIT, DEFAULT_PAGE_LIMIT, MAX_SEARCH_LENGTH } from '../query/query.schema';
import type { AttachmentRef } from '../schema/schema.types';
import { ATTACHMENT_PART_RE } from './file-urls';
import type {
  AttachmentInfo, AttachmentPart, AttachmentPreviews, BaseInfo, CheckReport, CollectReport, DrawingAddResult, CsvPreview, FieldChangeReport, GroupNode, HistoryEntry, ImportResult, QueryPage,
  RecordOut, UndoState, BaseSchema, FieldSchema, TableSchema, ViewSchema, ChangeEvent, ProgressEvent,
} from './engine.dto';
import type { AttachmentFindResult, DrawingAttachResult, DrawingMappingInfo, DrawingReapplyResult } from './engine.dto';
import type { PresenceEvent, PresencePeer, RemoteWorkspace, SyncAccount, SyncStatus } from './engine.dto';
import { DRAWING_KEYS } from '../schema/drawing-mapping';

const out = <T>() => z.custom<T>(() => true);
const name = z.string().trim().min(1, 'a name is required').max(255, 'names are limited to 255 characters');
const ref = z.string().min(1).max(255);
const base = z.string().min(1);
const path = z.string().min(1).max(4096);
const fieldValues = z.record(z.string(), z.unknown());
const MAX_BATCH = 100_000;
/** A sync server's address: http or https, a host, maybe a port and path; no credentials in it. */
const SERVER_URL_RE = /^https?:\/\/[A-Za-z0-9.\-\[\]:]+(\/[^\s?#]*)?$/i;
const server = z
  .string()
  .trim()
  .max(2048)
  .regex(SERVER_URL_RE, 'a server address starts with http:// or https:// (for example https://sync.example.com), with no user name or password in it');
const remoteId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'not an id the server gives');

const fieldInput = z.strictObject({
  name,
  type: z.enum(FIELD_TYPES),
  options: z.unknown().optional(),
  description: z.string().max(20_000).optional(),
});

const viewProps = {
  filter: filterGroupSchema.nullable().optional(),
  sorts: sortsSchema.optional(),
  groups: groupsSchema.optional(),
  hidden: z.array(ref).max(1000).optional(),
  fieldOrder: z.array(ref).max(1000).optional(),
  widths: z.record(z.string(), z.number().int().min(20).max(4000)).optional(),
};

const querySource = {
  base,
  table: ref,
  /** A saved view whose filter, sorts and groups apply; explicit ones below override. */
  view: ref.optional(),
  filter: filterGroupSchema.nullable().optional(),
  sorts: sortsSchema.optional(),
  search: z.string().max(MAX_SEARCH_LENGTH).optional(),
};

export const engineContract = {
  'base.create': { input: z.strictObject({ path }), output: out<BaseInfo>() },
  'base.open': { input: z.strictObject({ path }), output: out<BaseInfo>() },
  'base.close': { input: z.strictObject({ base }), output: out<null>() },
  'base.check': { input: z.strictObject({ base }), output: out<CheckReport>() },
  'base.rebuild': { input: z.strictObject({ base }), output: out<{ tables: number; records: number; ms: number }>() },

  'schema.get': { input: z.strictObject({ base }), output: out<BaseSchema>() },

  'table.create': {
    input: z.strictObject({ base, name, fields: z.array(fieldInput).max(500).optional() }),
    output: out<TableSchema>(),
  },
  'table.rename': { input: z.strictObject({ base, table: ref, name }), output: out<TableSchema>() },
  /** Moves a table before another (null: to the end). */
  'table.move': { input: z.strictObject({ base, table: ref, before: ref.nullable() }), output: out<BaseSchema>() },
  'table.delete': { input: z.strictObject({ base, table: ref }), output: out<null>() },

  'field.create': {
    input: fieldInput.extend({ base, table: ref, before: ref.nullable().optional() }),
    output: out<FieldSchema>(),
  },
  /** Rename, retype, change options or description. A type change converts every cell. */
  'field.update': {
    input: z.strictObject({
      base, table: ref, field: ref,
      name: name.optional(),
      type: z.enum(FIELD_TYPES).optional(),
      options: z.unknown().optional(),
      description: z.string().max(20_000).optional(),
    }),
    output: out<FieldChangeReport>(),
  },
  /** What a type change would do, without doing it. */
  'field.previewChange': {
    input: z.strictObject({ base, table: ref, field: ref, type: z.enum(FIELD_TYPES), options: z.unknown().optional() }),
    output: out<Omit<FieldChangeReport, 'field'>>(),
  },
  'field.move': { input: z.strictObject({ base, table: ref, field: ref, before: ref.nullable() }), output: out<TableSchema>() },
  'field.delete': { input: z.strictObject({ base, table: ref, field: ref }), output: out<null>() },

  'view.create': { input: z.strictObject({ base, table: ref, name, ...viewProps }), output: out<ViewSchema>() },
  'view.update': { input: z.strictObject({ base, table: ref, view: ref, name: name.optional(), ...viewProps }), output: out<ViewSchema>() },
  'view.delete': { input: z.strictObject({ base, table: ref, view: ref }), output: out<null>() },

  /** Values keyed by field name or id, in their JSON form (see the field registry). */
  'records.create': {
    input: z.strictObject({ base, table: ref, records: z.array(fieldValues).min(1).max(MAX_BATCH) }),
    output: out<{ ids: string[] }>(),
  },
  /** Partial: only the given fields change. */
  'records.update': {
    input: z.strictObject({ base, table: ref, updates: z.array(z.strictObject({ id: z.string().min(1), fields: fieldValues })).min(1).max(MAX_BATCH) }),
    output: out<{ updated: number }>(),
  },
  /** Updates and new records in one change (one undo step): what pasting a block does. */
  'records.paste': {
    input: z.strictObject({
      base, table: ref,
      updates: z.array(z.strictObject({ id: z.string().min(1), fields: fieldValues })).max(MAX_BATCH).default([]),
      records: z.array(fieldValues).max(MAX_BATCH).default([]),
    }),
    output: out<{ updated: number; ids: string[] }>(),
  },
  'records.delete': { input: z.strictObject({ base, table: ref, ids: z.array(z.string().min(1)).min(1).max(MAX_BATCH) }), output: out<{ deleted: number }>() },
  'records.duplicate': { input: z.strictObject({ base, table: ref, ids: z.array(z.string().min(1)).min(1).max(10_000) }), output: out<{ ids: string[] }>() },
  'records.get': {
    input: z.strictObject({ base, table: ref, id: z.string().min(1), keys: z.enum(['id', 'name']).default('id') }),
    output: out<RecordOut>(),
  },
  'records.query': {
    input: z.strictObject({
      ...querySource,
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
      keys: z.enum(['id', 'name']).default('id'),
    }),
    output: out<QueryPage>(),
  },
  'records.count': { input: z.strictObject(querySource), output: out<{ count: number }>() },
  'records.groups': { input: z.strictObject({ ...querySource, groups: groupsSchema.optional() }), output: out<GroupNode[]>() },
  'records.history': {
    input: z.strictObject({ base, table: ref, id: z.string().min(1), limit: z.number().int().min(1).max(10_000).default(200) }),
    output: out<HistoryEntry[]>(),
  },

  /**
   * Copies files (paths on this machine) into the base's attachment store; their refs, in order,
   * to put in attachment cells. The same bytes are stored once.
   */
  'attachment.add': { input: z.strictObject({ base, paths: z.array(path).min(1).max(10_000) }), output: out<{ attachments: AttachmentRef[] }>() },
  /** An attachment's row and where its bytes are. */
  'attachment.get': { input: z.strictObject({ base, id: z.string().min(1).max(64) }), output: out<AttachmentInfo>() },
  /** What there is to show of an attachment: how it was read, its pages, thumbnails, geometry. */
  'attachment.previews': { input: z.strictObject({ base, id: z.string().min(1).max(64) }), output: out<AttachmentPreviews>() },
  /**
   * Where one part of an attachment is on disk: `file` (its bytes), `thumb-N` (PNG of page N+1),
   * `geometry` (a DXF's viewer geometry). For the shell's file server; pages fetch them by URL.
   */
  'attachment.part': {
    input: z.strictObject({ base, id: z.string().min(1).max(64), part: z.string().regex(ATTACHMENT_PART_RE) }),
    output: out<AttachmentPart>(),
  },
  /** Removes attachments no cell refers to, and their bytes (also done when a base opens). */
  'attachment.collect': { input: z.strictObject({ base }), output: out<CollectReport>() },
  /**
   * One record per drawing file (DXF, PDF, image): the file attached, its title block in the
   * table's drawing fields (created on the first drop). Progress as a job; a file that fails does
   * so alone.
   */
  'drawings.add': {
    input: z.strictObject({ base, table: ref, paths: z.array(path).min(1).max(10_000), job: z.string().min(1).max(100).optional() }),
    output: out<DrawingAddResult>(),
  },
  /**
   * Drawing files into an existing record: appended to its attachment cell (`field`, by default the
   * mapping's attachment field), read, and their values put into mapped fields that are empty (never
   * over a value). Progress per file as a job; a file that fails does so alone (and is not attached).
   */
  'drawings.attach': {
    input: z.strictObject({
      base, table: ref, record: z.string().min(1).max(64), field: ref.optional(),
      paths: z.array(path).min(1).max(10_000), job: z.string().min(1).max(100).optional(),
    }),
    output: out<DrawingAttachResult>(),
  },
  /** A table's mapping from values read from drawings to its fields, and the keys there are (with labels). */
  'drawings.mapping.get': { input: z.strictObject({ base, table: ref }), output: out<DrawingMappingInfo>() },
  /**
   * Saves the mapping (one undo step; it syncs with the schema). Fields by id or name, in this table,
   * each of a type its key takes; `attachment` must be an attachment field; a key or field once.
   */
  'drawings.mapping.set': {
    input: z.strictObject({ base, table: ref, mapping: z.array(z.strictObject({ key: z.enum(DRAWING_KEYS), field: ref })).max(DRAWING_KEYS.length * 2) }),
    output: out<DrawingMappingInfo>(),
  },
  /**
   * Applies the mapping again to records (all, or `records`) from the stored readings of their
   * files; one undo step. Cells a person changed since a reading filled them are left alone unless
   * `overwrite`; empty cells are filled. A job: progress, cancellable (nothing changes then).
   */
  'drawings.reapply': {
    input: z.strictObject({
      base, table: ref, records: z.array(z.string().min(1).max(64)).min(1).max(MAX_BATCH).optional(),
      overwrite: z.boolean().default(false), job: z.string().min(1).max(100).optional(),
    }),
    output: out<DrawingReapplyResult>(),
  },
  /**
   * Where a search matches inside an attachment's text (its reading): up to `limit` lines, with
   * their PDF page where known, so a preview can open at the match.
   */
  'attachment.find': {
    input: z.strictObject({ base, id: z.string().min(1).max(64), search: z.string().min(1).max(MAX_SEARCH_LENGTH), limit: z.number().int().min(1).max(1000).default(50) }),
    output: out<AttachmentFindResult>(),
  },

  'undo.undo': { input: z.strictObject({ base }), output: out<UndoState>() },
  'undo.redo': { input: z.strictObject({ base }), output: out<UndoState>() },
  'undo.state': { input: z.strictObject({ base }), output: out<UndoState>() },

  'csv.preview': { input: z.strictObject({ base, path, rows: z.number().int().min(0).max(1000).default(20) }), output: out<CsvPreview>() },
  /** Imports into `table` (created when absent). Columns default to the preview's inference. */
  'csv.import': {
    input: z.strictObject({
      base, path, table: name,
      columns: z.array(z.strictObject({ name, type: z.enum(FIELD_TYPES), options: z.unknown().optional(), skip: z.boolean().optional() })).optional(),
      /** Client-chosen id for progress events and cancellation. */
      job: z.string().min(1).max(100).optional(),
    }),
    output: out<ImportResult>(),
  },
  'csv.export': { input: z.strictObject({ base, table: ref, view: ref.optional(), path }), output: out<{ rows: number }>() },
  'job.cancel': { input: z.strictObject({ job: z.string().min(1) }), output: out<{ cancelled: boolean }>() },

  /**
   * Signs in to a sync server (or registers, with `register` and `name`); the sign-in is kept on
   * this machine so bases linked to that server sync whenever they are open.
   */
  'sync.signIn': {
    input: z.strictObject({
      server, email: z.string().trim().min(3).max(320), password: z.string().min(1).max(1024),
      register: z.boolean().default(false), name: z.string().trim().max(200).optional(),
    }),
    output: out<SyncAccount>(),
  },
  /** Signs out (the server forgets the sign-in too when it can be reached); linked bases stop syncing. */
  'sync.signOut': { input: z.strictObject({ server }), output: out<null>() },
  'sync.accounts': { input: z.strictObject({}), output: out<SyncAccount[]>() },
  /** The server's workspaces this account is a member of, with their bases and this machine's copies. */
  'sync.workspaces': { input: z.strictObject({ server }), output: out<RemoteWorkspace[]>() },
  'sync.createWorkspace': { input: z.strictObject({ server, name }), output: out<RemoteWorkspace>() },
  /**
   * Joins a workspace with an invitation: the link someone sent (`https://server/invite/bpi_…`,
   * which names the server) or its token with `server`. Needs a sign-in to that server.
   */
  'sync.acceptInvitation': {
    input: z.strictObject({ invitation: z.string().trim().min(8).max(4096), server: server.optional() }),
    output: out<RemoteWorkspace>(),
  },
  /** Puts an open local base on the server, in `workspace`, and keeps it in sync from now on. */
  'sync.publish': { input: z.strictObject({ base, server, workspace: remoteId }), output: out<SyncStatus>() },
  /**
   * Copies a server base to a new file at `path` and opens it (synced: every doc is here when this
   * returns). A job: progress by documents received, cancellable (the file is removed then).
   */
  'sync.clone': {
    input: z.strictObject({ server, workspace: remoteId, remoteBase: remoteId, path, job: z.string().min(1).max(100).optional() }),
    output: out<BaseInfo>(),
  },
  /**
   * Downloads every base of a server workspace this machine has no copy of into `folder`, each
   * named after its base; a job (progress by bases; cancel keeps those done). Their paths.
   */
  'sync.cloneWorkspace': {
    input: z.strictObject({ server, workspace: remoteId, folder: path, job: z.string().min(1).max(100).optional() }),
    output: out<Array<{ id: string; name: string; path: string }>>(),
  },
  /** How open bases stand with their servers (one base, or all open ones). */
  'sync.status': { input: z.strictObject({ base: base.optional() }), output: out<SyncStatus[]>() },
  /** Stops syncing a base; its file stays, with everything in it, as a local base. */
  'sync.unlink': { input: z.strictObject({ base }), output: out<SyncStatus>() },
  /** Tries to reach the server now (after offline or an error the person fixed). */
  'sync.retry': { input: z.strictObject({ base }), output: out<SyncStatus>() },
  /** Where this person is in a base: the table shown and the selected cell; others see it live. */
  'sync.presence': {
    input: z.strictObject({ base, table: ref.nullable(), cell: z.strictObject({ record: z.string().min(1).max(64), field: z.string().min(1).max(64) }).nullable() }),
    output: out<null>(),
  },
  'sync.peers': { input: z.strictObject({ base }), output: out<PresencePeer[]>() },
} as const;

export type EngineContract = typeof engineContract;
export type EngineMethod = keyof EngineContract;
export const ENGINE_METHODS = Object.keys(engineContract) as EngineMethod[];

export type MethodInput<M extends EngineMethod> = z.input<EngineContract[M]['input']>;
export type ParsedInput<M extends EngineMethod> = z.output<EngineContract[M]['input']>;
export type MethodOutput<M extends EngineMethod> = z.output<EngineContract[M]['output']>;

/** What callers hold: one async function per method. */
export type EngineClient = { [M in EngineMethod]: (input: MethodInput<M>) => Promise<MethodOutput<M>> } & EngineEvents;

/** What the engine implements: inputs arrive validated. */
export type EngineHandlers = { [M in EngineMethod]: (input: ParsedInput<M>) => Promise<MethodOutput<M>> | MethodOutput<M> };

export interface EngineEventMap {
  change: ChangeEvent;
  progress: ProgressEvent;
  /** A base's sync status changed. */
  sync: SyncStatus;
  /** Who is where in a base changed. */
  presence: PresenceEvent;
}
export type EngineEventName = keyof EngineEventMap;
export const ENGINE_EVENTS: readonly EngineEventName[] = ['change', 'progress', 'sync', 'presence'];

export interface EngineEvents {
  /** Subscribes to an event; returns the unsubscribe function. */
  onDidChange(listener: (e: ChangeEvent) => void): () => void;
  onDidProgress(listener: (e: ProgressEvent) => void): () => void;
  onDidSync(listener: (e: SyncStatus) => void): () => void;
  onDidPresence(listener: (e: PresenceEvent) => void): () => void;
}

export type { RecordOut, QueryPage, GroupNode };
