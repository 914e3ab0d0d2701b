/**
 * CSV export of a table or view: the view's filter, sorts, field order and hidden fields apply.
 * Streams from its own read-only connection, so a large export neither holds the whole result in
 * memory nor blocks other reads.
 */
import { openSqlite } from '../db/sqlite';
import { getFieldType } from '../../../src-shared/fields/field-registry';
import type { FieldSchema, TableSchema } from '../../../src-shared/schema/schema.types';
import type { FieldTypeDef, SqlValue } from '../../../src-shared/fields/field-type';
import type { BaseContext } from '../base/base-context';
import { buildPageQuery } from '../query/query-compiler';
import { createCsvFileWriter, type CsvWriter } from '../csv/csv-writer';
import { resolveQuery } from '../records/records-query.service';
import { viewOf } from '../schema/tables.service';

/** Fields a view shows, in its order. */
export function visibleFields(table: TableSchema, viewRef?: string): FieldSchema[] {
  if (viewRef === undefined) return table.fields;
  const view = viewOf(table, viewRef);
  const hidden = new Set(view.hidden);
  const byId = new Map(table.fields.map((f) => [f.id, f]));
  const ordered = view.fieldOrder.map((id) => byId.get(id)).filter((f): f is FieldSchema => !!f);
  const rest = table.fields.filter((f) => !view.fieldOrder.includes(f.id));
  // The primary field always shows.
  return [...ordered, ...rest].filter((f) => f.id === table.fields[0]?.id || !hidden.has(f.id));
}

/** Projection value → the text a person sees (selects by name, dates in the field's format). */
export function displayText(def: FieldTypeDef, field: FieldSchema, sql: SqlValue): string {
  if (sql === null) return '';
  const json = def.fromSql(sql, field.options);
  if (json === null) return '';
  if (def.computed) return def.format(json, field.options);
  const n = def.normalize(json, field.options);
  return n.ok && n.value !== null ? def.format(n.value, field.options) : '';
}

export async function writeCsv(ctx: BaseContext, spec: { table: string; view?: string }, out: CsvWriter): Promise<number> {
  const { table, spec: query } = resolveQuery(ctx, spec);
  const fields = visibleFields(table, spec.view);
  const defs = fields.map((f) => getFieldType(f.type) as FieldTypeDef);
  const q = buildPageQuery(table, { ...query, limit: -1, offset: 0 }, ctx.session.now());
  const db = openSqlite(ctx.session.file, { readonly: true, fileMustExist: true });
  let rows = 0;
  try {
    await out.writeRow(fields.map((f) => f.name));
    const stmt = db.prepare(q.page.sql);
    for (const row of stmt.iterate(...q.page.params) as Iterable<Record<string, SqlValue>>) {
      await out.writeRow(fields.map((f, i) => displayText(defs[i]!, f, row[`c_${f.id}`] ?? null)));
      rows++;
    }
    return rows;
  } finally {
    db.close();
  }
}

export async function exportCsv(ctx: BaseContext, spec: { table: string; view?: string; path: string }): Promise<{ rows: number }> {
  const writer = createCsvFileWriter(spec.path);
  try {
    const rows = await writeCsv(ctx, spec, writer);
    await writer.end();
    return { rows };
  } catch (e) {
    await writer.end().catch(() => undefined);
    throw e;
  }
}
