/** Data the engine returns. Plain JSON: it crosses process boundaries unchanged. */
import type { ErrorData } from '../errors';
import type { AttachmentRef, BaseSchema, CellValue, FieldSchema, FieldType, TableSchema, ViewSchema } from '../schema/schema.types';
import type { DrawingKey, DrawingMappingEntry } from '../schema/drawing-mapping';

export interface BaseInfo {
  /** Handle for every later call on this base, valid until closed. */
  base: string;
  path: string;
  baseId: string;
  formatVersion: number;
  /** True when opening migrated the file from an older format. */
  migrated: boolean;
  schema: BaseSchema;
}

/** A record in its JSON form: values keyed by field id (or name when asked), empty cells left out. */
export interface RecordOut {
  id: string;
  createdAt: string;
  fields: Record<string, CellValue>;
}

export interface QueryPage {
  records: RecordOut[];
  /** Records matching the filter and search, over all pages. */
  total: number;
  offset: number;
}

export interface GroupNode {
  /** Group value in its JSON form; null for the empty group. */
  key: CellValue | null;
  count: number;
  children?: GroupNode[];
}

export interface FieldChangeReport {
  field: FieldSchema;
  /** Non-empty cells converted to the new type. */
  converted: number;
  /** Non-empty cells that could not be converted and were emptied (undo brings them back). */
  failed: number;
  /** Up to 5 examples of values that did not convert. */
  failures: Array<{ recordId: string; value: string; message: string }>;
}

/** An attachment's row: its ref (what cells hold), the hash of its bytes and where they are on disk. */
export interface AttachmentInfo extends AttachmentRef {
  sha256: string;
  file: string;
}

/** What there is to show of an attachment (attachment.previews). */
export interface AttachmentPreviews extends AttachmentRef {
  /** How it was read as a drawing; null when it was not (yet). */
  kind: 'dxf' | 'pdf' | 'image' | null;
  pages: number | null;
  /** Thumbnails there are: parts `thumb-0` … `thumb-(n-1)`, one per PDF page. */
  thumbnails: number;
  /** A DXF's viewer geometry is there (part `geometry`). */
  geometry: boolean;
}

/** Where one part of an attachment is on disk (attachment.part). */
export interface AttachmentPart {
  file: string;
  type: string;
  size: number;
  name: string;
}

/** Drawings added to a table: each file's new record, or why it failed. */
export interface DrawingAddResult {
  table: string;
  files: Array<{ file: string; id?: string; error?: ErrorData }>;
  added: number;
  failed: number;
}

/** A value read from drawings that a table can map to a field: its label and the field types that take it. */
export interface DrawingKeyInfo {
  key: DrawingKey;
  label: string;
  fieldTypes: FieldType[];
}

/** A table's drawing mapping (drawings.mapping.get / .set). */
export interface DrawingMappingInfo {
  table: string;
  /**
   * True once the table has a saved mapping (a drop or drawings.mapping.set saved one). Until then
   * `mapping` is what the first drop would use of the fields there are (it creates the missing ones).
   */
  saved: boolean;
  mapping: DrawingMappingEntry[];
  /** Every key, in the order to show them. */
  keys: DrawingKeyInfo[];
  /** The table's fields, to choose from (a key takes fields of its `fieldTypes`). */
  fields: Array<Pick<FieldSchema, 'id' | 'name' | 'type'>>;
}

/** The mapping applied again to records from the readings of their files (drawings.reapply). */
export interface DrawingReapplyResult {
  /** Records looked at. */
  records: number;
  /** Records with at least one cell written. */
  updated: number;
  /** Cells written. */
  cells: number;
  /** Cells left alone because a person changed them since a reading filled them (or a person filled them); 0 with `overwrite`. */
  skippedEdited: number;
  /** Records none of whose files has a stored reading (no file, or files never read as drawings). */
  missing: number;
  /** Values that do not fit their field (a title into a number field, a material no option of a select), left out. */
  unconverted: number;
}

/** Drawings attached to an existing record (drawings.attach): each file's attachment id, or why it failed. */
export interface DrawingAttachResult {
  table: string;
  record: string;
  /** The attachment field the files went into. */
  field: string;
  files: Array<{ file: string; attachment?: string; error?: ErrorData }>;
  attached: number;
  failed: number;
  /** Fields that were empty and got a value from the files' readings, by id. */
  filled: string[];
}

/** A line of an attachment's text that a search matches (attachment.find). */
export interface AttachmentMatch {
  /** The whole line. */
  text: string;
  /** Index of the line in the reading's text. */
  line: number;
  /** 1-based PDF page, where the reading knows it. */
  page?: number;
  /**
   * Text read by OCR: the boxes of the line's words that match, in the image's pixels (on a PDF
   * page, its points from the top left), so a preview can mark them.
   */
  boxes?: Array<{ x0: number; y0: number; x1: number; y1: number }>;
}

export interface AttachmentFindResult {
  id: string;
  /** False when the attachment's bytes have not been read as a drawing: there is no text to search. */
  read: boolean;
  /** Lines where every search word occurs, in text order; when no line has them all, lines with any of them. */
  matches: AttachmentMatch[];
  /** More lines match than were returned. */
  more: boolean;
}

/** What collecting a base's attachments removed. */
export interface CollectReport {
  attachments: number;
  files: number;
  bytes: number;
}

export interface HistoryEntry {
  at: string;
  actor: string;
  origin: string;
  kind: 'set' | 'create' | 'delete';
  fieldId: string | null;
  fieldName: string | null;
  oldValue: unknown;
  newValue: unknown;
}

export interface UndoState {
  canUndo: boolean;
  canRedo: boolean;
  undoLabel: string | null;
  redoLabel: string | null;
}

export interface CsvColumnPlan {
  name: string;
  type: FieldType;
  options: unknown;
  /** Leave this column out of the import. */
  skip?: boolean;
}

export interface CsvPreview {
  encoding: string;
  delimiter: string;
  header: string[];
  /** The first rows as text. */
  rows: string[][];
  /** Inferred type per column, over the whole file. */
  columns: CsvColumnPlan[];
  rowCount: number;
}

export interface ImportResult {
  table: TableSchema;
  imported: number;
  ms: number;
}

export interface CheckReport {
  ok: boolean;
  problems: string[];
  tables: Array<{ id: string; name: string; records: number }>;
}

export interface ChangeEvent {
  base: string;
  /** The schema changed (tables, fields or views). */
  schema: boolean;
  /** Tables whose records may have changed. */
  tables: string[];
}

export interface ProgressEvent {
  base: string;
  job: string;
  done: number;
  total: number;
  phase: string;
  /** Jobs over several files: the file this event finished, by its index in the job's input. */
  item?: JobItem;
}

export interface JobItem {
  index: number;
  file: string;
  /** What it became (a record id), or why it failed. */
  id?: string;
  error?: ErrorData;
}

export type { BaseSchema, TableSchema, FieldSchema, ViewSchema, DrawingKey, DrawingMappingEntry };

/** A member's role in a server workspace (the sync server's roles). */
export type SyncRole = 'owner' | 'admin' | 'editor' | 'commenter' | 'viewer';

/** Someone signed in to a sync server from this machine. */
export interface SyncAccount {
  /** The server's address, normalized (`https://host[:port]`, no trailing slash). */
  server: string;
  user: { id: string; email: string; name: string };
}

/** A base on a sync server, and where this machine keeps its copy (if it has one). */
export interface RemoteBase {
  id: string;
  name: string;
  localPath: string | null;
}

export interface RemoteWorkspace {
  id: string;
  name: string;
  role: SyncRole;
  bases: RemoteBase[];
}

/**
 * How an open base stands with its server:
 * - `local`: not connected to a server;
 * - `syncing`: connected, exchanging changes (`pending` local changes not yet stored there);
 * - `synced`: everything here is on the server and everything there is here;
 * - `offline`: the server cannot be reached; changes are kept here and sent on reconnect;
 * - `error`: syncing stopped until the person acts (`reason` says what to do).
 */
export type SyncState = 'local' | 'synced' | 'syncing' | 'offline' | 'error';

export interface SyncStatus {
  base: string;
  baseId: string;
  state: SyncState;
  /** Words for a person: why offline or what went wrong. */
  reason?: string;
  server?: string;
  workspace?: { id: string; name: string };
  role?: SyncRole;
  /** Who this machine is signed in as on that server. */
  user?: { id: string; name: string };
  /** Local changes not yet acknowledged by the server. */
  pending: number;
  /** When this base was last fully in step with the server (ms since epoch). */
  lastSyncedAt: number | null;
}

/** Another person (or this one, `self`) in a base: the table they look at and the cell they selected. */
export interface PresencePeer {
  /** Their connection's id (one person may have several). */
  clientId: number;
  self: boolean;
  user: { id: string; name: string; color: string };
  table: string | null;
  cell: { record: string; field: string } | null;
}

export interface PresenceEvent {
  base: string;
  peers: PresencePeer[];
}
