/**
 * The fixed tables of a base file. Projection tables (`p_*`, `s_*`) are dynamic, one pair per
 * user table, and managed by src-main/engine/projection, not here.
 *
 * Migrations are generated from this file by drizzle-kit (`npm run db:generate`) into ./migrations
 * and checked in. Never edit a generated migration that has shipped; add a new one.
 */
import { sqliteTable, text, integer, blob, index, primaryKey } from 'drizzle-orm/sqlite-core';

/** Base identity and format facts: `baseId`, `createdAt`, `createdBy`, `recordShapes` (the record shapes its docs may hold). */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** Append-only Yjs update log, one row per transaction per document. */
export const docUpdates = sqliteTable(
  'doc_updates',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    docId: text('doc_id').notNull(),
    data: blob('data', { mode: 'buffer' }).notNull(),
    origin: text('origin').notNull(),
    actor: text('actor').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('doc_updates_doc').on(t.docId, t.id)],
);

/** Compacted state of a document: every update with id ≤ lastUpdateId is folded in. */
export const docSnapshots = sqliteTable('doc_snapshots', {
  docId: text('doc_id').primaryKey(),
  data: blob('data', { mode: 'buffer' }).notNull(),
  lastUpdateId: integer('last_update_id').notNull(),
  createdAt: integer('created_at').notNull(),
});

/** Which projection column exists for which field, and its storage class. */
export const projectionColumns = sqliteTable(
  'projection_columns',
  {
    tableId: text('table_id').notNull(),
    fieldId: text('field_id').notNull(),
    sqlType: text('sql_type').notNull(),
    /** Storage-relevant field definition (type + options) the column was computed with, as JSON. */
    signature: text('signature').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tableId, t.fieldId] })],
);

/**
 * Tables whose full-text index is being built in the background: rows with rid above
 * `indexedThrough` are not in the index yet (bulk imports and re-projections write rows first and
 * index them afterwards, in small steps). No row: the table's index is complete.
 */
export const searchBacklog = sqliteTable('search_backlog', {
  tableId: text('table_id').primaryKey(),
  indexedThrough: integer('indexed_through').notNull(),
});

/** Per-user preferences stored with the base (e.g. last opened view). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** Who changed which cell when. Written in the same transaction as the change. */
export const cellHistory = sqliteTable(
  'cell_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tableId: text('table_id').notNull(),
    recordId: text('record_id').notNull(),
    /** null for record-level events (created, deleted, restored). */
    fieldId: text('field_id'),
    kind: text('kind', { enum: ['set', 'create', 'delete'] }).notNull(),
    actor: text('actor').notNull(),
    origin: text('origin').notNull(),
    at: integer('at').notNull(),
    /** JSON of the stored values; null when empty. */
    oldValue: text('old_value'),
    newValue: text('new_value'),
  },
  (t) => [index('cell_history_record').on(t.tableId, t.recordId, t.id)],
);

/** Attachment files in the base's content-addressed store (files/ab/abcdef…). */
export const attachments = sqliteTable(
  'attachments',
  {
    id: text('id').primaryKey(),
    sha256: text('sha256').notNull(),
    name: text('name').notNull(),
    size: integer('size').notNull(),
    mime: text('mime').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('attachments_sha').on(t.sha256)],
);

/** Extraction results per file content and extractor version, so a file is never extracted twice. */
export const extractions = sqliteTable(
  'extractions',
  {
    sha256: text('sha256').notNull(),
    extractor: text('extractor').notNull(),
    version: integer('version').notNull(),
    result: text('result').notNull(),
    createdAt: integer('created_at').notNull(),
    /**
     * What searches find the file by: the reading's text lines joined by line feeds, capped (see
     * projection/attachment-text.ts). Projected rows append it for each attachment of their cells.
     */
    searchText: text('search_text'),
  },
  (t) => [primaryKey({ columns: [t.sha256, t.extractor] })],
);

/**
 * What reading a drawing last wrote into each cell (records from drawings): a cell whose value
 * differs from it was changed by a person and is left alone when the mapping is applied again.
 * Local to this file (like the undo history); rows of records that are gone are removed on open.
 */
export const drawingFills = sqliteTable(
  'drawing_fills',
  {
    tableId: text('table_id').notNull(),
    recordId: text('record_id').notNull(),
    fieldId: text('field_id').notNull(),
    /** JSON of the stored value written. */
    value: text('value').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tableId, t.recordId, t.fieldId] })],
);

/** What a sync remote has acknowledged, per document. */
export const syncState = sqliteTable(
  'sync_state',
  {
    docId: text('doc_id').notNull(),
    remote: text('remote').notNull(),
    stateVector: blob('state_vector', { mode: 'buffer' }).notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.docId, t.remote] })],
);
