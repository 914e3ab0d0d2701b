/**
 * Records of a base's tables, read from and written to the shard documents through DocAccess (so
 * sockets see REST writes live, and each write is committed before its answer). Values cross in
 * Airtable's JSON forms (cell-values.ts). Listing reads the table's shards and filters, sorts and
 * pages in memory: fine for the tables a team keeps (tens of thousands of records), not a query
 * engine.
 */
import type * as Y from 'yjs';
import { addShard, readSchema } from '../../../src-shared/docs/schema-doc';
import { createRecord, deleteRecord, hasRecord, recordCount, recordIds, recordReader, recordsMap, setCell } from '../../../src-shared/docs/table-doc';
import { err, ok } from '../../../src-shared/errors';
import { getFieldType } from '../../../src-shared/fields/field-registry';
import { newId } from '../../../src-shared/ids';
import type { CellValue, FieldSchema, TableSchema } from '../../../src-shared/schema/schema.types';
import type { Clock } from '../clock';
import { fail, type Outcome } from '../http/failures';
import type { DocAccess } from '../sync/doc-access';
import { readTableRecords, schemaRef, shardRef, shardsByAge, SHARD_CAPACITY, type StoredRecordState } from './base-docs';
import type { BaseRow } from './bases.repo';
import { formulaValue, valueOut, type AttachmentUrl, type OutValue } from './cell-values';
import { valueIn } from './cell-values';
import { parseFormula } from './formula';
import { passesFilter } from './view-filter';

export const MAX_PAGE_SIZE = 100;
export const MAX_RECORDS_PER_WRITE = 10;

export interface AirtableRecord {
  id: string;
  createdTime: string;
  fields: Record<string, unknown>;
}

export interface ListParams {
  pageSize?: number | undefined;
  maxRecords?: number | undefined;
  offset?: string | undefined;
  fields?: string[] | undefined;
  sort?: Array<{ field: string; direction?: 'asc' | 'desc' | undefined }> | undefined;
  view?: string | undefined;
  filterByFormula?: string | undefined;
  cellFormat?: 'json' | 'string' | undefined;
  returnFieldsByFieldId?: boolean | undefined;
}

export interface OutputOptions {
  returnFieldsByFieldId?: boolean | undefined;
}

interface TableContext {
  table: TableSchema;
  shards: string[];
}

const notFoundTable = (ref: string, base: BaseRow) => fail('NOT_FOUND', `Could not find table ${ref.slice(0, 100)} in base ${base.id}.`);
const notFoundRecord = (id: string) => fail('NOT_FOUND', `Could not find record ${id.slice(0, 40)}.`);

/** A field by id, then exact name, then case-insensitive name. */
export function findField(table: TableSchema, ref: string): FieldSchema | undefined {
  return table.fields.find((f) => f.id === ref) ?? table.fields.find((f) => f.name === ref) ?? table.fields.find((f) => f.name.toLowerCase() === ref.toLowerCase());
}

export class RecordsService {
  constructor(
    private readonly docs: DocAccess,
    private readonly clock: Clock,
    private readonly attachmentUrl: (base: BaseRow) => AttachmentUrl,
  ) {}

  private async table(base: BaseRow, ref: string): Promise<Outcome<TableContext>> {
    const doc = await this.docs.read(schemaRef(base.workspaceId, base.id));
    try {
      const schema = readSchema(doc);
      const table = schema.tables.find((t) => t.id === ref) ?? schema.tables.find((t) => t.name === ref);
      if (!table) return err(notFoundTable(ref, base));
      return ok({ table, shards: shardsByAge(doc, table.id) });
    } finally {
      doc.destroy();
    }
  }

  private toRecord(base: BaseRow, table: TableSchema, r: Pick<StoredRecordState, 'id' | 'createdAt' | 'autonumber' | 'values' | 'editedAt'>, o: { byId?: boolean | undefined; only?: Set<string> | null; asString?: boolean }): AirtableRecord {
    const fields: Record<string, unknown> = {};
    const url = this.attachmentUrl(base);
    const meta = { createdAt: r.createdAt, editedAt: r.editedAt, autonumber: r.autonumber };
    for (const f of table.fields) {
      if (o.only && !o.only.has(f.id)) continue;
      let v: unknown = valueOut(f, r.values[f.id] ?? null, meta, url);
      if (v !== undefined && o.asString) {
        const def = getFieldType(f.type);
        v = def.compute ? def.format(def.compute(meta, f), f.options) : def.format(r.values[f.id] ?? null, f.options);
      }
      if (v !== undefined && v !== '') fields[o.byId ? f.id : f.name] = v;
    }
    return { id: r.id, createdTime: new Date(r.createdAt).toISOString(), fields };
  }

  async list(base: BaseRow, tableRef: string, p: ListParams): Promise<Outcome<{ records: AirtableRecord[]; offset?: string }>> {
    const t = await this.table(base, tableRef);
    if (!t.ok) return t;
    const { table, shards } = t.value;
    const byId = new Map(table.fields.map((f) => [f.id, f]));

    let only: Set<string> | null = null;
    if (p.fields && p.fields.length > 0) {
      only = new Set();
      for (const name of p.fields) {
        const f = findField(table, name);
        if (!f) return err(fail('UNKNOWN_FIELD_NAME', `Unknown field name: "${name.slice(0, 100)}"`));
        only.add(f.id);
      }
    }
    const sorts: Array<{ field: FieldSchema; desc: boolean }> = [];
    for (const s of p.sort ?? []) {
      const f = findField(table, s.field);
      if (!f) return err(fail('UNKNOWN_FIELD_NAME', `Unknown field name: "${s.field.slice(0, 100)}"`));
      sorts.push({ field: f, desc: s.direction === 'desc' });
    }
    const view = p.view === undefined ? null : (table.views.find((v) => v.id === p.view) ?? table.views.find((v) => v.name === p.view));
    if (p.view !== undefined && !view) return err(fail('VIEW_NAME_NOT_FOUND', `Could not find view ${p.view.slice(0, 100)} in table ${table.name}.`));
    let formula = null;
    if (p.filterByFormula !== undefined && p.filterByFormula.trim() !== '') {
      const parsed = parseFormula(p.filterByFormula, (name) => table.fields.some((f) => f.name === name || f.id === name));
      if (!parsed.ok) return err(fail('INVALID_FILTER_BY_FORMULA', `The formula for filtering records is invalid: ${parsed.error}`));
      formula = parsed.value;
    }

    const now = this.clock();
    const url = this.attachmentUrl(base);
    let rows = await readTableRecords(this.docs, base.workspaceId, base.id, table, shards);
    rows.sort((a, b) => a.createdAt - b.createdAt || a.autonumber - b.autonumber || (a.id < b.id ? -1 : 1));
    const outCache = new Map<string, Map<string, OutValue | undefined>>();
    const out = (r: StoredRecordState, f: FieldSchema): OutValue | undefined => {
      let m = outCache.get(r.id);
      if (!m) outCache.set(r.id, (m = new Map()));
      if (!m.has(f.id)) m.set(f.id, valueOut(f, r.values[f.id] ?? null, { createdAt: r.createdAt, editedAt: r.editedAt, autonumber: r.autonumber }, url));
      return m.get(f.id);
    };
    if (view?.filter) rows = rows.filter((r) => passesFilter(view.filter, r.values, byId, now));
    if (formula) {
      const f = formula;
      rows = rows.filter((r) => f.matches((name) => formulaValue(out(r, table.fields.find((x) => x.name === name) ?? byId.get(name)!)), r.id));
    }
    const allSorts = sorts.length > 0 ? sorts : (view?.sorts ?? []).flatMap((s) => (byId.get(s.field) ? [{ field: byId.get(s.field)!, desc: s.direction === 'desc' }] : []));
    if (allSorts.length > 0) {
      rows.sort((a, b) => {
        for (const s of allSorts) {
          const d = compareValues(sortKey(s.field, a, out(a, s.field)), sortKey(s.field, b, out(b, s.field)));
          if (d !== 0) return s.desc ? -d : d;
        }
        return 0;
      });
    }
    if (p.maxRecords !== undefined) rows = rows.slice(0, p.maxRecords);

    const pageSize = Math.min(p.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
    let start = 0;
    if (p.offset !== undefined) {
      const m = /^o(\d+)\.(rec[0-9A-Za-z]{14})$/.exec(p.offset);
      if (!m) return err(fail('INVALID_OFFSET_VALUE', 'The offset is not one this server gave; start again without it.'));
      // Continue after the record the last page ended with, where it is now (records may have been added or removed).
      const after = rows.findIndex((r) => r.id === m[2]);
      start = after >= 0 ? after + 1 : Number(m[1]);
    }
    const page = rows.slice(start, start + pageSize);
    const records = page.map((r) => this.toRecord(base, table, r, { byId: p.returnFieldsByFieldId, only, asString: p.cellFormat === 'string' }));
    const end = start + page.length;
    return ok(end < rows.length && page.length > 0 ? { records, offset: `o${end}.${page.at(-1)!.id}` } : { records });
  }

  async get(base: BaseRow, tableRef: string, recordId: string, o: OutputOptions): Promise<Outcome<AirtableRecord>> {
    const t = await this.table(base, tableRef);
    if (!t.ok) return t;
    const found = await this.locate(base, t.value, [recordId]);
    const shard = found.get(recordId);
    if (!shard) return err(notFoundRecord(recordId));
    const doc = await this.docs.read(shardRef(base.workspaceId, base.id, t.value.table.id, shard));
    try {
      const r = recordReader(doc, t.value.table.fields.map((f) => f.id))(recordId);
      if (!r) return err(notFoundRecord(recordId));
      return ok(this.toRecord(base, t.value.table, { ...r, id: recordId }, { byId: o.returnFieldsByFieldId }));
    } finally {
      doc.destroy();
    }
  }

  /** Which shard holds each of `ids` (absent: no such record). */
  private async locate(base: BaseRow, t: TableContext, ids: readonly string[]): Promise<Map<string, string>> {
    const wanted = new Set(ids);
    const found = new Map<string, string>();
    await Promise.all(
      t.shards.map(async (shardId) => {
        const doc = await this.docs.read(shardRef(base.workspaceId, base.id, t.table.id, shardId));
        try {
          for (const id of wanted) if (hasRecord(doc, id)) found.set(id, shardId);
        } finally {
          doc.destroy();
        }
      }),
    );
    return found;
  }

  /** Input fields (by name or id) as stored values by field id. */
  private valuesIn(table: TableSchema, fields: Record<string, unknown>, typecast: boolean): Outcome<Record<string, CellValue | null>> {
    const values: Record<string, CellValue | null> = {};
    for (const [key, raw] of Object.entries(fields)) {
      const f = findField(table, key);
      if (!f) return err(fail('UNKNOWN_FIELD_NAME', `Unknown field name: "${key.slice(0, 100)}"`));
      const v = valueIn(f, raw, typecast);
      if (!v.ok) return err(fail('INVALID_VALUE_FOR_COLUMN', v.error));
      if (!getFieldType(f.type).computed) values[f.id] = v.value;
    }
    return ok(values);
  }

  async create(base: BaseRow, tableRef: string, inputs: Array<Record<string, unknown>>, o: OutputOptions & { typecast: boolean }): Promise<Outcome<AirtableRecord[]>> {
    const t = await this.table(base, tableRef);
    if (!t.ok) return t;
    const { table, shards } = t.value;
    const all: Array<Record<string, CellValue | null>> = [];
    for (const input of inputs) {
      const v = this.valuesIn(table, input, o.typecast);
      if (!v.ok) return v;
      all.push(Object.fromEntries(Object.entries(v.value).filter(([, x]) => x !== null)));
    }
    // Autonumbers go on from the table's highest; the target shard's is read again inside its change.
    const facts = await Promise.all(
      shards.map(async (s) => {
        const doc = await this.docs.read(shardRef(base.workspaceId, base.id, table.id, s));
        try {
          return { s, count: recordCount(doc), max: maxAutonumber(doc) };
        } finally {
          doc.destroy();
        }
      }),
    );
    const last = facts.at(-1);
    let target = last && last.count + all.length <= SHARD_CAPACITY ? last.s : undefined;
    const maxOther = Math.max(0, ...facts.map((f) => f.max));
    const now = this.clock();
    if (target === undefined) {
      const shardId = newId('shd');
      await this.docs.update(schemaRef(base.workspaceId, base.id), (doc) => addShard(doc, table.id, shardId, now));
      target = shardId;
    }
    const created = await this.docs.update(shardRef(base.workspaceId, base.id, table.id, target), (doc) => {
      let n = Math.max(maxOther, maxAutonumber(doc));
      return all.map((v) => {
        const id = newId('rec');
        const base = { c: now, n: ++n, v };
        createRecord(doc, id, base);
        return { id, createdAt: now, autonumber: base.n, values: v, editedAt: {} };
      });
    });
    return ok(created.map((r) => this.toRecord(base, table, r, { byId: o.returnFieldsByFieldId })));
  }

  /** PATCH (only the given fields) or PUT (`replace`: the other editable fields are cleared). */
  async update(base: BaseRow, tableRef: string, updates: Array<{ id: string; fields: Record<string, unknown> }>, o: OutputOptions & { typecast: boolean; replace: boolean }): Promise<Outcome<AirtableRecord[]>> {
    const t = await this.table(base, tableRef);
    if (!t.ok) return t;
    const { table } = t.value;
    const parsed: Array<{ id: string; values: Record<string, CellValue | null> }> = [];
    for (const u of updates) {
      const v = this.valuesIn(table, u.fields, o.typecast);
      if (!v.ok) return v;
      parsed.push({ id: u.id, values: v.value });
    }
    const found = await this.locate(base, t.value, parsed.map((u) => u.id));
    const missing = parsed.find((u) => !found.has(u.id));
    if (missing) return err(notFoundRecord(missing.id));
    const fieldIds = table.fields.map((f) => f.id);
    const editable = table.fields.filter((f) => !getFieldType(f.type).computed).map((f) => f.id);
    const now = this.clock();
    const results = new Map<string, AirtableRecord>();
    for (const shardId of new Set(found.values())) {
      const mine = parsed.filter((u) => found.get(u.id) === shardId);
      const out = await this.docs.update(shardRef(base.workspaceId, base.id, table.id, shardId), (doc) => {
        const before = recordReader(doc, fieldIds);
        const gone: string[] = [];
        for (const u of mine) {
          const current = before(u.id);
          if (!current) {
            gone.push(u.id);
            continue;
          }
          for (const [fid, v] of Object.entries(u.values)) setCell(doc, u.id, fid, v, now);
          if (o.replace) for (const fid of editable) if (!(fid in u.values) && current.values[fid] !== null) setCell(doc, u.id, fid, null, now);
        }
        const after = recordReader(doc, fieldIds);
        return { gone, records: mine.flatMap((u) => (gone.includes(u.id) ? [] : [{ ...after(u.id)!, id: u.id }])) };
      });
      // Deleted between the lookup and the write: nothing was written for it.
      if (out.gone.length > 0) return err(notFoundRecord(out.gone[0]!));
      for (const r of out.records) results.set(r.id, this.toRecord(base, table, r, { byId: o.returnFieldsByFieldId }));
    }
    return ok(parsed.map((u) => results.get(u.id)!));
  }

  async delete(base: BaseRow, tableRef: string, ids: string[]): Promise<Outcome<Array<{ id: string; deleted: true }>>> {
    const t = await this.table(base, tableRef);
    if (!t.ok) return t;
    const { table } = t.value;
    const found = await this.locate(base, t.value, ids);
    const missing = ids.find((id) => !found.has(id));
    if (missing) return err(notFoundRecord(missing));
    const fieldIds = table.fields.map((f) => f.id);
    for (const shardId of new Set(found.values())) {
      await this.docs.update(shardRef(base.workspaceId, base.id, table.id, shardId), (doc) => {
        for (const id of ids) if (found.get(id) === shardId && hasRecord(doc, id)) deleteRecord(doc, id, fieldIds);
      });
    }
    return ok(ids.map((id) => ({ id, deleted: true as const })));
  }
}

function maxAutonumber(doc: Y.Doc): number {
  let n = 0;
  const records = recordsMap(doc);
  for (const id of recordIds(doc)) {
    const r = records.get(id);
    if (r && typeof r.n === 'number' && r.n > n) n = r.n;
  }
  return n;
}

/** What a field sorts by: selects by their choice order (as Airtable), others by their value. */
function sortKey(field: FieldSchema, r: StoredRecordState, out: OutValue | undefined): string | number | null {
  if (out === undefined) return null;
  if (field.type === 'singleSelect' && 'choices' in field.options) {
    const stored = r.values[field.id];
    return field.options.choices.findIndex((c) => c.id === stored);
  }
  if (typeof out === 'boolean') return out ? 1 : 0;
  if (Array.isArray(out)) return out.map((x) => (typeof x === 'string' ? x : x.filename)).join(', ');
  return out;
}

/** Empty first (ascending), numbers numerically, text by locale, case-insensitive first. */
function compareValues(a: string | number | null, b: string | number | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { sensitivity: 'base', numeric: true }) || (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);
}

