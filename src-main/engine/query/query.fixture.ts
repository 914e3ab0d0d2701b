/**
 * Test world for the query compiler: a hand-written 'Parts' table, an in-memory SQLite database
 * holding its projection (columns as the projector declares them) and search index, rows written
 * through the field registry's toSql/searchText, and helpers that run resolved queries.
 */
import Database from 'better-sqlite3';
import { getFieldType } from '../../../src-shared/fields/field-registry';
import type { FieldTypeDef, SqlValue } from '../../../src-shared/fields/field-type';
import { resolveQuerySpec } from '../../../src-shared/query/query-resolve';
import type { FilterCondition, FilterGroup, FilterOp, GroupBy, QuerySpec } from '../../../src-shared/query/query.types';
import type { FieldSchema, TableSchema } from '../../../src-shared/schema/schema.types';
import { fieldColumn, projectionTable, searchTable } from '../projection/projection-names';
import { registerSearchFunctions } from './search-match';
import { buildGroupTree, compileGroupQuery } from './group-query';
import type { GroupNode, GroupRow } from './group-query';
import { buildPageQuery } from './query-compiler';

/** A valid id: prefix + 14 base62 characters. */
export const testId = (prefix: 'tbl' | 'fld' | 'rec' | 'sel' | 'att', name: string): string => prefix + name.padEnd(14, '0');

const field = (name: string, type: FieldSchema['type'], options: object = {}): FieldSchema =>
  ({ id: testId('fld', name), name, type, options, description: '' }) as FieldSchema;

const choice = (name: string, color: string) => ({ id: testId('sel', name.replace(/\s/g, '')), name, color });

export const STATUS = { open: choice('Open', 'blue'), progress: choice('In progress', 'yellow'), closed: choice('Closed', 'green') };
export const TAGS = { steel: choice('Steel', 'gray'), brass: choice('Brass', 'orange'), plastic: choice('Plastic', 'teal') };

export const PARTS: TableSchema = {
  id: testId('tbl', 'Parts'),
  name: 'Parts',
  fields: [
    field('Name', 'singleLineText'),
    field('Qty', 'number', { precision: 0 }),
    field('Due', 'date', { dateFormat: 'iso' }),
    field('Shipped', 'dateTime', { dateFormat: 'iso', timeFormat: '24h', timeZone: 'Europe/Berlin' }),
    field('Done', 'checkbox'),
    field('Status', 'singleSelect', { choices: Object.values(STATUS) }),
    field('Tags', 'multipleSelect', { choices: Object.values(TAGS) }),
    field('Files', 'attachment'),
    field('Meta', 'json'),
  ],
  views: [],
};

const file = (name: string) => ({ id: testId('att', name.replace(/[^A-Za-z0-9]/g, '')), name, size: 100, type: 'application/octet-stream' });

/** Rows by key; a missing field is an empty cell. Times are UTC; Berlin is UTC+1 until 2024-03-31. */
export const ROWS: Record<string, Record<string, unknown>> = {
  bolt6: {
    Name: 'Bolt M6', Qty: 10, Due: '2024-03-01', Shipped: '2024-03-10T22:30:00.000Z', Done: true,
    Status: 'Open', Tags: ['Steel'], Files: [file('bolt-drawing.pdf')], Meta: { grade: '8.8' },
  },
  bolt8: {
    Name: 'bolt m8', Qty: 3, Due: '2024-03-05', Shipped: '2024-03-10T23:30:00.000Z',
    Status: 'Closed', Tags: ['Steel', 'Brass'], Meta: { grade: '10.9' },
  },
  washer: { Name: 'Washer 50%_off', Qty: 0, Files: [file('washer_50%.png'), file('spec.txt')], Meta: [1, 2] },
  blank: { Qty: null, Due: '2024-02-28', Shipped: '2024-03-11T12:00:00.000Z', Done: true, Status: 'In progress', Tags: ['Brass', 'Plastic'] },
  evil: {
    Name: "'); DROP TABLE x; --", Qty: -2.5, Due: '2024-03-10', Shipped: '2024-03-09T23:00:00.000Z',
    Status: 'Open', Tags: ['Plastic'], Meta: { note: "'); DROP TABLE x; --" },
  },
  nut: { Name: 'Nut M6', Qty: 10, Due: '2024-03-12', Shipped: '2024-03-12T11:00:00.000Z', Status: 'Open', Tags: ['Steel', 'Brass', 'Plastic'] },
};

/** 2024-03-12 12:00 UTC. */
export const NOW = Date.parse('2024-03-12T12:00:00.000Z');

export interface QueryWorld {
  db: Database.Database;
  table: TableSchema;
  /** Row key by record id. */
  keyOf: Map<string, string>;
  close(): void;
}

function def(f: FieldSchema): FieldTypeDef {
  return getFieldType(f.type) as FieldTypeDef;
}

/**
 * Builds the projection of `table` in a fresh in-memory database and writes `rows` into it.
 * `indexed: false` leaves every row to the search backlog, as right after a bulk import.
 */
export function createWorld(table: TableSchema = PARTS, rows: Record<string, Record<string, unknown>> = ROWS, indexed = true): QueryWorld {
  const db = new Database(':memory:');
  registerSearchFunctions(db);
  const cols = table.fields.map((f) => `, ${fieldColumn(f.id)} ${def(f).sqlType}${def(f).sqlType === 'TEXT' ? ' COLLATE NOCASE' : ''}`);
  const p = projectionTable(table.id);
  db.exec('CREATE TABLE search_backlog (table_id TEXT PRIMARY KEY, indexed_through INTEGER NOT NULL)');
  db.exec(`CREATE TABLE ${p} (rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, shard TEXT NOT NULL, search_text TEXT${cols.join('')})`);
  db.exec(`CREATE VIRTUAL TABLE ${searchTable(table.id)} USING fts5(search_text, content='${p.slice(1, -1)}', content_rowid='rid')`);
  const insert = db.prepare(
    `INSERT INTO ${p} (id, shard, search_text${table.fields.map((f) => `, ${fieldColumn(f.id)}`).join('')}) ` +
      `VALUES (?, 'shd00000000000000', ?${table.fields.map(() => ', ?').join('')})`,
  );
  const insertText = db.prepare(`INSERT INTO ${searchTable(table.id)} (rowid, search_text) VALUES (?, ?)`);
  const keyOf = new Map<string, string>();
  for (const [key, values] of Object.entries(rows)) {
    const recordId = testId('rec', key);
    keyOf.set(recordId, key);
    const sql: SqlValue[] = [];
    const text: string[] = [];
    for (const f of table.fields) {
      const normalized = def(f).normalize(values[f.name] ?? null, f.options);
      if (!normalized.ok) throw new Error(`fixture ${key}.${f.name}: ${normalized.message}`);
      sql.push(normalized.value === null ? null : def(f).toSql(normalized.value, f.options));
      const words = normalized.value === null ? '' : def(f).searchText(normalized.value, f.options);
      if (words) text.push(words);
    }
    const body = text.length > 0 ? text.join('\n') : null;
    const { lastInsertRowid } = insert.run(recordId, body, ...sql);
    if (body && indexed) insertText.run(lastInsertRowid, body);
  }
  if (!indexed) db.prepare('INSERT INTO search_backlog (table_id, indexed_through) VALUES (?, 0)').run(table.id);
  return { db, table, keyOf, close: () => db.close() };
}

/** Row keys of one page of a query written with field names, in page order. */
export function pageKeys(world: QueryWorld, spec: QuerySpec, now = NOW): string[] {
  const { page } = buildPageQuery(world.table, resolveQuerySpec(world.table, spec), now);
  const rows = world.db.prepare(page.sql).all(...page.params) as Array<{ id: string }>;
  return rows.map((r) => world.keyOf.get(r.id) ?? r.id);
}

/** Row keys a filter matches, sorted by key (order-free comparisons). */
export function matching(world: QueryWorld, filter: FilterGroup, now = NOW): string[] {
  return pageKeys(world, { filter, limit: 10_000 }, now).sort();
}

/** Same as `matching` for one condition. */
export function where(world: QueryWorld, field: string, op: string, value?: unknown, now = NOW): string[] {
  const condition: FilterCondition = value === undefined ? { field, op: op as FilterOp } : { field, op: op as FilterOp, value };
  return matching(world, { and: [condition] }, now);
}

export function countOf(world: QueryWorld, spec: QuerySpec, now = NOW): number {
  const { count } = buildPageQuery(world.table, resolveQuerySpec(world.table, spec), now);
  return (world.db.prepare(count.sql).get(...count.params) as { n: number }).n;
}

export function groupTree(world: QueryWorld, spec: QuerySpec, groups: GroupBy[], now = NOW): GroupNode[] {
  const resolved = resolveQuerySpec(world.table, { ...spec, groups });
  const query = compileGroupQuery(world.table, resolved, resolved.groups ?? [], now);
  return buildGroupTree(query, world.db.prepare(query.sql).all(...query.params) as GroupRow[]);
}
