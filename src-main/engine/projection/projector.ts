/**
 * Keeps each table's SQL projection equal to what its docs say. Reads never load docs; they query
 * these tables. Everything here runs inside the write transaction that changed the docs.
 *
 * The projection of a record is a pure function of the schema and the record's merged state
 * (values, creation time, autonumber, per-cell edit times), so incremental maintenance, a full
 * rebuild and every replica give the same rows (rid aside, which is local). The one local input is
 * the search text of attached files, read from this file's stored readings (attachment-text.ts).
 *
 * Computed fields read record facts and, later, other cells: `dependentsOf` gives the fields to
 * recompute when a cell changes (the per-table dependency graph formulas, lookups and rollups
 * will extend); today a row is recomputed whole whenever any of its cells changes, which is the
 * graph's transitive closure for single-record dependencies.
 */
import type Database from 'better-sqlite3';
import { getFieldType } from '../../../src-shared/fields/field-registry';
import type { FieldTypeDef, RecordMeta, SqlValue } from '../../../src-shared/fields/field-type';
import type { RecordState } from '../../../src-shared/docs/table-doc';
import type { CellValue, FieldSchema, TableSchema } from '../../../src-shared/schema/schema.types';
import { fieldColumn, fieldIndex, projectionTable, searchTable } from './projection-names';
import { RowBatchReader, type RowBatch } from './row-batch';
import { AttachmentTexts } from './attachment-text';

interface TableStatements {
  key: string;
  insert: Database.Statement;
  insertAt: Database.Statement;
  find: Database.Statement<[string], { rid: number; text: string | null }>;
  update: Database.Statement;
  deleteRow: Database.Statement<[string, string], { rid: number; text: string | null }>;
  ftsDelete: Database.Statement<[number, string | null]>;
  ftsInsert: Database.Statement<[number, string | null]>;
}

/**
 * A search-index write waiting for `flushSearch`: `del` removes row `rid`'s entry, which must name
 * the text it was indexed with. Every row has an entry, empty text included: the index's integrity
 * check expects one per row of its content table.
 */
interface SearchWrite {
  tableId: string;
  s: TableStatements;
  rid: number;
  text: string | null;
  del: boolean;
}

/** Rows indexed per step when the search backlog is worked off in the background. */
export const SEARCH_STEP_ROWS = 2_000;

/** The parts of a field definition its projection column depends on. */
export function columnSignature(field: FieldSchema): string {
  const o = field.options as unknown as Record<string, unknown>;
  if (field.type === 'singleSelect' || field.type === 'multipleSelect') {
    const choices = (o.choices as Array<{ id: string; name: string }> | undefined) ?? [];
    return JSON.stringify([field.type, choices.map((c) => [c.id, c.name])]);
  }
  return JSON.stringify([field.type, o]);
}

/** Fields whose value must be recomputed when `fieldId` changes (excluding itself). */
export function dependentsOf(table: TableSchema, fieldId: string): string[] {
  return table.fields
    .filter((f) => {
      if (f.id === fieldId || !getFieldType(f.type).computed) return false;
      if (f.type !== 'lastModifiedTime') return false;
      const watched = (f.options as { fields?: string[] }).fields ?? [];
      return watched.length === 0 || watched.includes(fieldId);
    })
    .map((f) => f.id);
}

export class Projector {
  private readonly statements = new Map<string, TableStatements>();
  /**
   * Search-index writes are queued and applied together, in order, by `flushSearch`: interleaving
   * an FTS5 write with every row write costs several times more than the row writes themselves
   * (measured: most of a 100k-row import), because each switches between two sets of b-tree pages.
   */
  private pendingSearch: SearchWrite[] = [];
  /** Tables whose index is being built in the background: rows above this rid are not indexed yet. */
  private readonly backlog = new Map<string, number>();
  /**
   * Tables whose index is merged in small steps when idle: 'full' after a bulk build (into one
   * segment); 'light' for every table on open (FTS5's usual merging, in case a bulk build's full
   * merge was cut short by a crash or a close).
   */
  private readonly unmerged = new Map<string, 'full' | 'light'>();
  private readonly attachmentTexts: AttachmentTexts;

  constructor(private readonly db: Database.Database) {
    this.attachmentTexts = new AttachmentTexts(db);
    this.loadBacklog();
    for (const id of this.projectedTableIds()) this.unmerged.set(id, 'light');
  }

  /** Reads the persisted backlog (again after a rolled-back write). */
  loadBacklog(): void {
    this.backlog.clear();
    const rows = this.db.prepare('SELECT table_id AS tableId, indexed_through AS through FROM search_backlog').all() as Array<{ tableId: string; through: number }>;
    for (const r of rows) this.backlog.set(r.tableId, r.through);
  }

  /** Projection tables made before search text was stored with each row (base format < 3). */
  hasOutdatedTables(): boolean {
    return this.projectedTableIds().some(
      (id) => !(this.db.prepare(`SELECT 1 FROM pragma_table_info('p_${id}') WHERE name = 'search_text'`).get() as unknown),
    );
  }

  tableExists(tableId: string): boolean {
    return !!this.db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
      .get(projectionTable(tableId).slice(1, -1));
  }

  /** Projection table ids present in the file. */
  projectedTableIds(): string[] {
    return (this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'p\\_tbl%' ESCAPE '\\'").all() as Array<{ name: string }>).map(
      (r) => r.name.slice(2),
    );
  }

  /**
   * Brings the projection's tables and columns in line with the schema. Returns the tables whose
   * rows must be recomputed from the docs: new tables (they may already have records, from sync),
   * tables with a field added, removed or changed in a way that changes stored values.
   * `addedFieldsAreEmpty`: true when the caller knows added fields hold no values yet (a local create).
   */
  reconcile(tables: readonly TableSchema[], addedFieldsAreEmpty: boolean): Set<string> {
    this.flushSearch();
    const reproject = new Set<string>();
    const wanted = new Map(tables.map((t) => [t.id, t]));
    for (const id of this.projectedTableIds()) {
      if (!wanted.has(id)) this.dropTable(id);
    }
    const catalog = this.db.prepare<[string], { fieldId: string; sqlType: string; signature: string }>(
      'SELECT field_id AS fieldId, sql_type AS sqlType, signature FROM projection_columns WHERE table_id = ?',
    );
    const addCol = this.db.prepare('INSERT OR REPLACE INTO projection_columns (table_id, field_id, sql_type, signature) VALUES (?, ?, ?, ?)');
    const delCol = this.db.prepare('DELETE FROM projection_columns WHERE table_id = ? AND field_id = ?');
    for (const table of tables) {
      if (!this.tableExists(table.id)) {
        this.createTable(table);
        reproject.add(table.id);
        continue;
      }
      const have = new Map(catalog.all(table.id).map((c) => [c.fieldId, c]));
      let changed = false;
      for (const field of table.fields) {
        const def = getFieldType(field.type);
        const sig = columnSignature(field);
        const cur = have.get(field.id);
        have.delete(field.id);
        if (cur && cur.signature === sig) continue;
        changed = true;
        if (cur && cur.sqlType !== def.sqlType) this.dropColumn(table.id, field.id);
        if (!cur || cur.sqlType !== def.sqlType) {
          this.db.exec(`ALTER TABLE ${projectionTable(table.id)} ADD COLUMN ${columnDef(field)}`);
          if (!cur && addedFieldsAreEmpty && !def.computed) {
            addCol.run(table.id, field.id, def.sqlType, sig);
            changed = false;
            continue;
          }
        }
        addCol.run(table.id, field.id, def.sqlType, sig);
      }
      for (const gone of have.keys()) {
        this.dropColumn(table.id, gone);
        delCol.run(table.id, gone);
        changed = true;
      }
      if (changed) reproject.add(table.id);
    }
    this.statements.clear();
    return reproject;
  }

  private createTable(table: TableSchema): void {
    const cols = table.fields.map(columnDef);
    const p = projectionTable(table.id);
    this.db.exec(
      `CREATE TABLE ${p} (rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, shard TEXT NOT NULL, n INTEGER NOT NULL, created_at INTEGER NOT NULL, search_text TEXT${cols.map((c) => ', ' + c).join('')})`,
    );
    this.db.exec(`CREATE INDEX "${p.slice(1, -1)}_shard" ON ${p} (shard)`);
    // External content: the index reads its text from the projection's search_text column, so it
    // can be built later from SQL alone, and highlight()/snippet() work.
    this.db.exec(
      `CREATE VIRTUAL TABLE ${searchTable(table.id)} USING fts5(search_text, content='${p.slice(1, -1)}', content_rowid='rid', tokenize='unicode61 remove_diacritics 2')`,
    );
    const addCol = this.db.prepare('INSERT OR REPLACE INTO projection_columns (table_id, field_id, sql_type, signature) VALUES (?, ?, ?, ?)');
    for (const f of table.fields) addCol.run(table.id, f.id, getFieldType(f.type).sqlType, columnSignature(f));
  }

  dropTable(tableId: string): void {
    this.pendingSearch = this.pendingSearch.filter((w) => w.tableId !== tableId);
    this.db.exec(`DROP TABLE IF EXISTS ${searchTable(tableId)}`);
    this.db.exec(`DROP TABLE IF EXISTS ${projectionTable(tableId)}`);
    this.setBacklog(tableId, null);
    this.unmerged.delete(tableId);
    this.db.prepare('DELETE FROM projection_columns WHERE table_id = ?').run(tableId);
    this.statements.delete(tableId);
  }

  private dropColumn(tableId: string, fieldId: string): void {
    this.db.exec(`DROP INDEX IF EXISTS ${fieldIndex(tableId, fieldId)}`);
    this.db.exec(`ALTER TABLE ${projectionTable(tableId)} DROP COLUMN ${fieldColumn(fieldId)}`);
  }

  /** Keeps exactly one index per field that a view sorts, filters or groups on. */
  syncIndexes(table: TableSchema, indexedFieldIds: ReadonlySet<string>): void {
    const existing = (
      this.db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND name LIKE 'i\\_%' ESCAPE '\\'")
        .all(projectionTable(table.id).slice(1, -1)) as Array<{ name: string }>
    ).map((r) => r.name);
    const wanted = new Set(table.fields.filter((f) => indexedFieldIds.has(f.id)).map((f) => fieldIndex(table.id, f.id).slice(1, -1)));
    for (const name of existing) if (!wanted.has(name)) this.db.exec(`DROP INDEX IF EXISTS "${name}"`);
    for (const f of table.fields) {
      if (indexedFieldIds.has(f.id)) {
        this.db.exec(`CREATE INDEX IF NOT EXISTS ${fieldIndex(table.id, f.id)} ON ${projectionTable(table.id)} (${fieldColumn(f.id)})`);
      }
    }
  }

  private stmts(table: TableSchema): TableStatements {
    const key = table.fields.map((f) => f.id).join(',');
    const hit = this.statements.get(table.id);
    if (hit && hit.key === key) return hit;
    const p = projectionTable(table.id);
    const fts = searchTable(table.id);
    const cols = table.fields.map((f) => fieldColumn(f.id));
    const s: TableStatements = {
      key,
      insert: this.db.prepare(
        `INSERT INTO ${p} (id, shard, n, created_at, search_text${cols.map((c) => ', ' + c).join('')}) VALUES (?, ?, ?, ?, ?${cols.map(() => ', ?').join('')})`,
      ),
      insertAt: this.db.prepare(
        `INSERT INTO ${p} (rid, id, shard, n, created_at, search_text${cols.map((c) => ', ' + c).join('')}) VALUES (?, ?, ?, ?, ?, ?${cols.map(() => ', ?').join('')})`,
      ),
      find: this.db.prepare(`SELECT rid, search_text AS text FROM ${p} WHERE id = ?`),
      update: this.db.prepare(`UPDATE ${p} SET shard = ?, n = ?, created_at = ?, search_text = ?${cols.map((c) => `, ${c} = ?`).join('')} WHERE rid = ?`),
      deleteRow: this.db.prepare(`DELETE FROM ${p} WHERE id = ? AND shard = ? RETURNING rid, search_text AS text`),
      ftsDelete: this.db.prepare(`INSERT INTO ${fts} (${fts}, rowid, search_text) VALUES ('delete', ?, ?)`),
      ftsInsert: this.db.prepare(`INSERT INTO ${fts} (rowid, search_text) VALUES (?, ?)`),
    };
    this.statements.set(table.id, s);
    return s;
  }

  /** True when row `rid` of the table is indexed as it is written (not left to the backlog). */
  private indexedNow(tableId: string, rid: number): boolean {
    const through = this.backlog.get(tableId);
    return through === undefined || rid <= through;
  }

  private queueSearch(tableId: string, s: TableStatements, rid: number, text: string | null, del: boolean): void {
    if (this.indexedNow(tableId, rid)) this.pendingSearch.push({ tableId, s, rid, text, del });
  }

  /**
   * Writes one record's row and queues its search text. `fresh`: the record is known to have no
   * row yet (a full re-projection after `clear`), which skips looking for one.
   */
  upsert(table: TableSchema, recordId: string, shardId: string, rec: RecordState, fresh = false): void {
    const s = this.stmts(table);
    const { row, text } = this.project(table, rec);
    const textOrNull = text || null;
    if (!fresh) {
      const old = s.find.get(recordId);
      if (old) {
        s.update.run(shardId, rec.autonumber, rec.createdAt, textOrNull, ...row, old.rid);
        if (old.text !== textOrNull) {
          this.queueSearch(table.id, s, old.rid, old.text, true);
          this.queueSearch(table.id, s, old.rid, textOrNull, false);
        }
        return;
      }
    }
    const rid = Number(s.insert.run(recordId, shardId, rec.autonumber, rec.createdAt, textOrNull, ...row).lastInsertRowid);
    this.queueSearch(table.id, s, rid, textOrNull, false);
  }

  /**
   * A record's row and search text as this base projects it: `projectRow`, with the text of the
   * files in its attachment cells after the cells' text (see attachment-text.ts).
   */
  project(table: TableSchema, rec: RecordState): { row: SqlValue[]; text: string } {
    const projected = projectRow(table, rec);
    const files = this.attachmentTexts.of(table, rec.values);
    if (files) projected.text = projected.text ? projected.text + '\n' + files : files;
    return projected;
  }

  /**
   * Writes the rows of new records (none of them has a row yet), projected elsewhere by a
   * RowProjector over the table's fields: an import worker projects while it parses. `firstRid`:
   * the rows get rids `firstRid`, `firstRid + 1`, … (parts of a file imported in parallel keep the
   * file's order whatever order their rows are written in); else the next free ones. Such rows
   * come from text, which never sets an attachment, so they have no attachment text to add.
   */
  insertRows(table: TableSchema, shardId: string, ids: readonly string[], rows: RowBatch, firstRid?: number): void {
    const s = this.stmts(table);
    if (rows.fieldIds.join(',') !== s.key) throw new Error('Projector.insertRows: rows projected over other fields than the table has');
    if (rows.count !== ids.length) throw new Error('Projector.insertRows: row count differs from record count');
    const reader = new RowBatchReader(rows);
    // Parameters: [rid,] id, shard, n, created_at, search_text, then the fields.
    const at = firstRid === undefined ? 0 : 1;
    const params: SqlValue[] = new Array(at + 5 + rows.fieldIds.length);
    params[at + 1] = shardId;
    params[at + 3] = rows.createdAt;
    const insert = firstRid === undefined ? s.insert : s.insertAt;
    for (let r = 0; r < ids.length; r++) {
      const text = reader.text(r) || null;
      if (firstRid !== undefined) params[0] = firstRid + r;
      params[at] = ids[r]!;
      params[at + 2] = rows.firstAutonumber + r;
      params[at + 4] = text;
      reader.values(r, params, at + 5);
      const rid = Number(insert.run(params).lastInsertRowid);
      this.queueSearch(table.id, s, rid, text, false);
    }
  }

  /** The largest rid of the table's projection (0 when empty). */
  maxRid(tableId: string): number {
    return (this.db.prepare(`SELECT max(rid) AS m FROM ${projectionTable(tableId)}`).get() as { m: number | null }).m ?? 0;
  }

  /** Removes a record's row if it is projected from `shardId` (a restored record may live in another shard). */
  delete(table: TableSchema, recordId: string, shardId: string): void {
    const s = this.stmts(table);
    const hit = s.deleteRow.get(recordId, shardId);
    if (hit) this.queueSearch(table.id, s, hit.rid, hit.text, true);
  }

  /** Applies queued search-index writes in the order they were made. Runs before the write commits. */
  flushSearch(): void {
    const queue = this.pendingSearch;
    if (queue.length === 0) return;
    this.pendingSearch = [];
    for (const w of queue) {
      if (w.del) w.s.ftsDelete.run(w.rid, w.text);
      else w.s.ftsInsert.run(w.rid, w.text);
    }
  }

  /**
   * From now on, rows of the table above its current last rid are left out of the search index
   * and indexed later by `indexBacklog` (a bulk write: index building is the larger part of its
   * cost). `all`: the whole table is left to the backlog (after `clear`).
   */
  deferSearch(tableId: string, all = false): void {
    if (all) {
      this.setBacklog(tableId, 0);
      return;
    }
    if (this.backlog.has(tableId)) return;
    this.setBacklog(tableId, this.maxRid(tableId));
  }

  private setBacklog(tableId: string, through: number | null): void {
    if (through === null) {
      if (!this.backlog.has(tableId)) return;
      this.backlog.delete(tableId);
      this.db.prepare('DELETE FROM search_backlog WHERE table_id = ?').run(tableId);
      return;
    }
    this.backlog.set(tableId, through);
    this.db.prepare('INSERT OR REPLACE INTO search_backlog (table_id, indexed_through) VALUES (?, ?)').run(tableId, through);
  }

  /** Tables with rows not yet in their search index. */
  backlogTables(): string[] {
    return [...this.backlog.keys()];
  }

  /** Tables whose index would benefit from merging (after a bulk build). */
  unmergedTables(): string[] {
    return [...this.unmerged.keys()];
  }

  /**
   * Indexes up to `maxRows` rows of the table's backlog. Call inside a write transaction. Returns
   * true when the backlog is empty afterwards (the table's index is then complete).
   */
  indexBacklog(tableId: string, maxRows: number): boolean {
    const through = this.backlog.get(tableId);
    if (through === undefined) return true;
    const p = projectionTable(tableId);
    const rows = this.db.prepare(`SELECT rid, search_text AS text FROM ${p} WHERE rid > ? ORDER BY rid LIMIT ?`).all(through, maxRows) as Array<{ rid: number; text: string | null }>;
    const ins = this.db.prepare(`INSERT INTO ${searchTable(tableId)} (rowid, search_text) VALUES (?, ?)`);
    for (const r of rows) ins.run(r.rid, r.text);
    const done = rows.length < maxRows;
    this.setBacklog(tableId, done ? null : rows[rows.length - 1]!.rid);
    this.unmerged.set(tableId, 'full');
    return done;
  }

  /**
   * One bounded step of merging the table's index segments (about `pages` pages written). Returns
   * true when nothing was left to merge. Keeps single edits cheap after a bulk build: left alone,
   * FTS5 merges the many segments of a bulk build a little on every later write.
   */
  mergeStep(tableId: string, pages: number): boolean {
    const fts = searchTable(tableId);
    const before = this.db.prepare('SELECT total_changes() AS n').get() as { n: number };
    // Negative: merge segments whatever their level (towards one); positive: only crowded levels.
    const mode = this.unmerged.get(tableId) ?? 'light';
    this.db.prepare(`INSERT INTO ${fts} (${fts}, rank) VALUES ('merge', ?)`).run(mode === 'full' ? -Math.abs(pages) : Math.abs(pages));
    const after = this.db.prepare('SELECT total_changes() AS n').get() as { n: number };
    const done = after.n - before.n <= 1;
    if (done) this.unmerged.delete(tableId);
    return done;
  }

  /** Forgets queued search writes and re-reads the backlog (the write they belong to rolled back). */
  discardPending(): void {
    this.pendingSearch = [];
    this.loadBacklog();
  }

  /** Empties the table's projection and index; what is written next is indexed through the backlog. */
  clear(tableId: string): void {
    this.pendingSearch = this.pendingSearch.filter((w) => w.tableId !== tableId);
    const fts = searchTable(tableId);
    this.db.exec(`DELETE FROM ${projectionTable(tableId)}`);
    this.db.exec(`INSERT INTO ${fts} (${fts}) VALUES ('delete-all')`);
    this.deferSearch(tableId, true);
  }
}

function columnDef(field: FieldSchema): string {
  const t = getFieldType(field.type).sqlType;
  return `${fieldColumn(field.id)} ${t}${t === 'TEXT' ? ' COLLATE NOCASE' : ''}`;
}

type FieldSpec = Pick<FieldSchema, 'id' | 'type' | 'options'>;

/**
 * Projects records over one list of fields: one SQL value per field, in field order, and the
 * record's search text (cell texts in field-id order, so reordering fields changes nothing). A
 * stored value that does not fit the field's current type (possible after a concurrent retype) is
 * normalized, and projected as empty when it cannot be.
 */
export class RowProjector {
  readonly width: number;
  private readonly defs: FieldTypeDef[];
  private readonly textOrder: number[];
  private readonly texts: Array<string | null>;

  constructor(readonly fields: readonly FieldSpec[]) {
    this.width = fields.length;
    this.defs = fields.map((f) => getFieldType(f.type));
    this.textOrder = fields.map((_, i) => i).sort((a, b) => (fields[a]!.id < fields[b]!.id ? -1 : 1));
    this.texts = new Array<string | null>(fields.length).fill(null);
  }

  /**
   * Writes the row of a record with `cells` (aligned with the fields) into `out[at .. at + width)`
   * and returns its search text. `stored`: the cells are known to be stored values (what a field
   * type's `parse` returns), which `normalize` would return unchanged, so it is skipped.
   */
  project(cells: ReadonlyArray<CellValue | null | undefined>, meta: RecordMeta, stored: boolean, out: SqlValue[], at: number): string {
    const texts = this.texts;
    for (let i = 0; i < this.width; i++) {
      const f = this.fields[i]!;
      const def = this.defs[i]!;
      let value: CellValue | null;
      texts[i] = null;
      if (def.computed) {
        value = def.compute ? def.compute(meta, f as FieldSchema) : null;
      } else {
        const raw = cells[i] ?? null;
        if (raw === null || stored) value = raw;
        else {
          const n = def.normalize(raw, f.options);
          value = n.ok ? n.value : null;
        }
        if (value !== null) texts[i] = def.searchText(value, f.options) || null;
      }
      out[at + i] = value === null ? null : def.toSql(value, f.options);
    }
    let text = '';
    for (const i of this.textOrder) {
      const t = texts[i];
      if (t) text = text ? text + '\n' + t : t;
    }
    return text;
  }
}

const projectors = new WeakMap<TableSchema, RowProjector>();
function rowProjector(table: TableSchema): RowProjector {
  let p = projectors.get(table);
  if (!p) {
    p = new RowProjector(table.fields);
    projectors.set(table, p);
  }
  return p;
}

/** The projected row of a record (see RowProjector): one SQL value per field in table order, and its search text. */
export function projectRow(table: TableSchema, rec: RecordState): { row: SqlValue[]; text: string } {
  const p = rowProjector(table);
  const cells = table.fields.map((f) => rec.values[f.id]);
  const row: SqlValue[] = new Array(p.width);
  const text = p.project(cells, rec, false, row, 0);
  return { row, text };
}
