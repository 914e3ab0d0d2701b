/**
 * Keeps each table's SQL projection equal to what its docs say. Reads never load docs; they query
 * these tables. Everything here runs inside the write transaction that changed the docs.
 *
 * The projection of a record is a pure function of the schema and the record's merged state
 * (values, creation time, autonumber, per-cell edit times), so incremental maintenance, a full
 * rebuild and every replica give the same rows (rid aside, which is local).
 *
 * Computed fields read record facts and, later, other cells: `dependentsOf` gives the fields to
 * recompute when a cell changes (the per-table dependency graph formulas, lookups and rollups
 * will extend); today a row is recomputed whole whenever any of its cells changes, which is the
 * graph's transitive closure for single-record dependencies.
 */
import type Database from 'better-sqlite3';
import { getFieldType } from '../../../src-shared/fields/field-registry';
import type { SqlValue } from '../../../src-shared/fields/field-type';
import type { RecordState } from '../../../src-shared/docs/table-doc';
import type { CellValue, FieldSchema, TableSchema } from '../../../src-shared/schema/schema.types';
import { fieldColumn, fieldIndex, projectionTable, searchTable } from './projection-names';

interface TableStatements {
  key: string;
  upsert: Database.Statement;
  deleteRow: Database.Statement<[string, string]>;
  ftsDelete: Database.Statement<[number]>;
  ftsInsert: Database.Statement<[number, string]>;
}

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

  constructor(private readonly db: Database.Database) {}

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
    this.db.exec(
      `CREATE TABLE ${projectionTable(table.id)} (rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, shard TEXT NOT NULL, n INTEGER NOT NULL, created_at INTEGER NOT NULL${cols.map((c) => ', ' + c).join('')})`,
    );
    this.db.exec(`CREATE INDEX "${projectionTable(table.id).slice(1, -1)}_shard" ON ${projectionTable(table.id)} (shard)`);
    this.db.exec(
      `CREATE VIRTUAL TABLE ${searchTable(table.id)} USING fts5(body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`,
    );
    const addCol = this.db.prepare('INSERT OR REPLACE INTO projection_columns (table_id, field_id, sql_type, signature) VALUES (?, ?, ?, ?)');
    for (const f of table.fields) addCol.run(table.id, f.id, getFieldType(f.type).sqlType, columnSignature(f));
  }

  dropTable(tableId: string): void {
    this.db.exec(`DROP TABLE IF EXISTS ${projectionTable(tableId)}`);
    this.db.exec(`DROP TABLE IF EXISTS ${searchTable(tableId)}`);
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
    const cols = table.fields.map((f) => fieldColumn(f.id));
    const s: TableStatements = {
      key,
      upsert: this.db.prepare(
        `INSERT INTO ${p} (id, shard, n, created_at${cols.map((c) => ', ' + c).join('')}) VALUES (?, ?, ?, ?${cols.map(() => ', ?').join('')})
         ON CONFLICT(id) DO UPDATE SET shard = excluded.shard, n = excluded.n, created_at = excluded.created_at${cols.map((c) => `, ${c} = excluded.${c}`).join('')}
         RETURNING rid`,
      ),
      deleteRow: this.db.prepare(`DELETE FROM ${p} WHERE id = ? AND shard = ? RETURNING rid`),
      ftsDelete: this.db.prepare(`DELETE FROM ${searchTable(table.id)} WHERE rowid = ?`),
      ftsInsert: this.db.prepare(`INSERT INTO ${searchTable(table.id)} (rowid, body) VALUES (?, ?)`),
    };
    this.statements.set(table.id, s);
    return s;
  }

  /** Writes one record's row and search text. `fresh`: the record is known to have no row yet. */
  upsert(table: TableSchema, recordId: string, shardId: string, rec: RecordState, fresh = false): void {
    const s = this.stmts(table);
    const { row, text } = projectRow(table, rec);
    const { rid } = s.upsert.get(recordId, shardId, rec.autonumber, rec.createdAt, ...row) as { rid: number };
    if (!fresh) s.ftsDelete.run(rid);
    if (text) s.ftsInsert.run(rid, text);
  }

  /** Removes a record's row if it is projected from `shardId` (a restored record may live in another shard). */
  delete(table: TableSchema, recordId: string, shardId: string): void {
    const s = this.stmts(table);
    const hit = s.deleteRow.get(recordId, shardId) as { rid: number } | undefined;
    if (hit) s.ftsDelete.run(hit.rid);
  }

  clear(tableId: string): void {
    this.db.exec(`DELETE FROM ${projectionTable(tableId)}`);
    this.db.exec(`DELETE FROM ${searchTable(tableId)}`);
  }
}

function columnDef(field: FieldSchema): string {
  const t = getFieldType(field.type).sqlType;
  return `${fieldColumn(field.id)} ${t}${t === 'TEXT' ? ' COLLATE NOCASE' : ''}`;
}

/**
 * The projected row of a record: one SQL value per field in table order, and its search text.
 * A stored value that does not fit the field's current type (possible after a concurrent retype)
 * is normalized, and projected as empty when it cannot be.
 */
export function projectRow(table: TableSchema, rec: RecordState): { row: SqlValue[]; text: string } {
  const row: SqlValue[] = new Array(table.fields.length);
  let text = '';
  for (let i = 0; i < table.fields.length; i++) {
    const f = table.fields[i]!;
    const def = getFieldType(f.type);
    let value: CellValue | null;
    if (def.computed) {
      value = def.compute ? def.compute({ createdAt: rec.createdAt, editedAt: rec.editedAt, autonumber: rec.autonumber }, f) : null;
    } else {
      const raw = rec.values[f.id] ?? null;
      if (raw === null) value = null;
      else {
        const n = def.normalize(raw, f.options);
        value = n.ok ? n.value : null;
      }
    }
    row[i] = value === null ? null : def.toSql(value, f.options);
    if (value !== null && !def.computed) {
      const t = def.searchText(value, f.options);
      if (t) text = text ? text + '\n' + t : t;
    }
  }
  return { row, text };
}
