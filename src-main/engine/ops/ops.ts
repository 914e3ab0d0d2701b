/**
 * Every change to a base is a list of operations, and applying an operation returns its inverse.
 * Undo and redo are therefore just "apply the inverse", and each service only has to say what it
 * changes. Operations are data (no closures), so they can be logged or inspected.
 *
 * Cell inverses carry `expect`: undo restores a cell only if it still holds the value this client
 * wrote, so undo never overwrites a later change by someone else.
 */
import type * as Y from 'yjs';
import {
  addField, addView, deleteField, deleteTable, deleteView, fieldOrder, listShards, orderKeys,
  restoreTable, setTableProps, storedDrawingMapping, tableCreatedAt, tableMap, updateField, updateView, viewOrder,
} from '../../../src-shared/docs/schema-doc';
import {
  createRecord, deleteRecord, readRecord, recordsMap, setCell, type RecordBase,
} from '../../../src-shared/docs/table-doc';
import type { CellValue, FieldSchema, TableSchema, ViewSchema } from '../../../src-shared/schema/schema.types';
import type { DrawingMappingEntry } from '../../../src-shared/schema/drawing-mapping';
import { assertNever, EngineError } from '../../../src-shared/errors';
import type { BaseSession, Writer } from '../base/base-session';
import { projectionTable } from '../projection/projection-names';
import type { RowBatch } from '../projection/row-batch';

export interface CellWrite {
  recordId: string;
  fieldId: string;
  value: CellValue | null;
  /** Only write when the cell currently holds this value (undo/redo). */
  expect?: CellValue | null;
}

export interface RecordSeed {
  id: string;
  base: RecordBase;
  /** Put back into this shard (restore after delete); otherwise a shard is allocated. */
  shardId?: string;
}

type FieldPatch = Partial<Pick<FieldSchema, 'name' | 'type' | 'options' | 'description'>> & { order?: string };
type ViewPatch = Partial<Omit<ViewSchema, 'id'>> & { order?: string };

export type Op =
  | { op: 'createTable'; table: TableSchema; order: string; shards: string[]; createdAt: number }
  | { op: 'deleteTable'; tableId: string }
  /** `drawingMapping: null` removes the table's drawing mapping. */
  | { op: 'updateTable'; tableId: string; name?: string; order?: string; drawingMapping?: DrawingMappingEntry[] | null }
  | { op: 'createField'; tableId: string; field: FieldSchema; order: string; restore: boolean }
  | { op: 'deleteField'; tableId: string; fieldId: string }
  | { op: 'updateField'; tableId: string; fieldId: string; patch: FieldPatch }
  | { op: 'createView'; tableId: string; view: ViewSchema; order: string }
  | { op: 'deleteView'; tableId: string; viewId: string }
  | { op: 'updateView'; tableId: string; viewId: string; patch: ViewPatch }
  | { op: 'setCells'; tableId: string; cells: CellWrite[] }
  | { op: 'createRecords'; tableId: string; records: RecordSeed[] }
  | { op: 'deleteRecords'; tableId: string; ids: string[] }
  /** A new shard built elsewhere (a bulk import's worker): stored as is, its records projected. Inverse: deleteRecords. */
  | { op: 'appendShard'; tableId: string; shardId: string; ids: string[]; rows: RowBatch; update: Uint8Array; firstRid?: number };

/** Where each record lives, from the projection (reads never load docs). */
function shardsOf(session: BaseSession, tableId: string, ids: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const stmt = session.db.prepare<[string], { shard: string }>(`SELECT shard FROM ${projectionTable(tableId)} WHERE id = ?`);
  for (const id of ids) {
    const r = stmt.get(id);
    if (r) out.set(id, r.shard);
  }
  return out;
}

function sameValue(a: CellValue | null | undefined, b: CellValue | null | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function fieldOf(session: BaseSession, tableId: string, fieldId: string): FieldSchema {
  const table = session.table(tableId);
  const field = table.fields.find((f) => f.id === fieldId);
  if (!field) throw new EngineError('NOT_FOUND', `The field no longer exists in table '${table.name}' (deleted by someone else?).`);
  return field;
}

function viewOf(session: BaseSession, tableId: string, viewId: string): ViewSchema {
  const table = session.table(tableId);
  const view = table.views.find((v) => v.id === viewId);
  if (!view) throw new EngineError('NOT_FOUND', `The view no longer exists in table '${table.name}' (deleted by someone else?).`);
  return view;
}

/** Applies `op` inside a write and returns the op that undoes it. */
export function applyOp(session: BaseSession, w: Writer, op: Op): Op {
  const doc = w.schemaDoc;
  const tx = (fn: () => void): void => w.transact(doc, fn);
  switch (op.op) {
    case 'createTable': {
      tx(() => restoreTable(doc, op.table, op.order, op.shards, op.createdAt));
      if (op.shards.length > 0) w.reproject(op.table.id);
      return { op: 'deleteTable', tableId: op.table.id };
    }
    case 'deleteTable': {
      const table = session.table(op.tableId);
      const order = orderKeys(doc, null, 'tables').find((t) => t.id === op.tableId)?.order ?? 'V';
      const shards = listShards(doc, op.tableId);
      const createdAt = tableCreatedAt(doc, op.tableId);
      tx(() => deleteTable(doc, op.tableId));
      return { op: 'createTable', table, order, shards, createdAt };
    }
    case 'updateTable': {
      session.table(op.tableId);
      const m = tableMap(doc, op.tableId);
      const prev: Op = { op: 'updateTable', tableId: op.tableId };
      if (op.name !== undefined) prev.name = String(m?.get('name') ?? '');
      if (op.order !== undefined) prev.order = String(m?.get('order') ?? 'V');
      if (op.drawingMapping !== undefined) prev.drawingMapping = storedDrawingMapping(doc, op.tableId);
      tx(() =>
        setTableProps(doc, op.tableId, {
          ...(op.name !== undefined ? { name: op.name } : {}),
          ...(op.order !== undefined ? { order: op.order } : {}),
          ...(op.drawingMapping !== undefined ? { drawingMapping: op.drawingMapping } : {}),
        }),
      );
      return prev;
    }
    case 'createField': {
      session.table(op.tableId);
      tx(() => addField(doc, op.tableId, op.field, op.order));
      if (op.restore) w.reproject(op.tableId);
      return { op: 'deleteField', tableId: op.tableId, fieldId: op.field.id };
    }
    case 'deleteField': {
      const field = fieldOf(session, op.tableId, op.fieldId);
      const order = fieldOrder(doc, op.tableId, op.fieldId) ?? 'V';
      tx(() => deleteField(doc, op.tableId, op.fieldId));
      return { op: 'createField', tableId: op.tableId, field, order, restore: true };
    }
    case 'updateField': {
      const field = fieldOf(session, op.tableId, op.fieldId);
      const prev: FieldPatch = {};
      for (const k of Object.keys(op.patch) as Array<keyof FieldPatch>) {
        if (k === 'order') prev.order = fieldOrder(doc, op.tableId, op.fieldId) ?? 'V';
        else (prev as Record<string, unknown>)[k] = field[k];
      }
      tx(() => updateField(doc, op.tableId, op.fieldId, op.patch));
      return { op: 'updateField', tableId: op.tableId, fieldId: op.fieldId, patch: prev };
    }
    case 'createView': {
      session.table(op.tableId);
      tx(() => addView(doc, op.tableId, op.view, op.order));
      return { op: 'deleteView', tableId: op.tableId, viewId: op.view.id };
    }
    case 'deleteView': {
      const view = viewOf(session, op.tableId, op.viewId);
      const order = viewOrder(doc, op.tableId, op.viewId) ?? 'V';
      tx(() => deleteView(doc, op.tableId, op.viewId));
      return { op: 'createView', tableId: op.tableId, view, order };
    }
    case 'updateView': {
      const view = viewOf(session, op.tableId, op.viewId);
      const prev: ViewPatch = {};
      for (const k of Object.keys(op.patch) as Array<keyof ViewPatch>) {
        if (k === 'order') prev.order = viewOrder(doc, op.tableId, op.viewId) ?? 'V';
        else (prev as Record<string, unknown>)[k] = view[k];
      }
      tx(() => updateView(doc, op.tableId, op.viewId, op.patch));
      return { op: 'updateView', tableId: op.tableId, viewId: op.viewId, patch: prev };
    }
    case 'setCells':
      return applySetCells(session, w, op.tableId, op.cells);
    case 'createRecords':
      return applyCreateRecords(session, w, op.tableId, op.records);
    case 'deleteRecords':
      return applyDeleteRecords(session, w, op.tableId, op.ids);
    case 'appendShard':
      w.appendShard(op.tableId, op.shardId, op.update, op.ids, op.rows, op.firstRid);
      return { op: 'deleteRecords', tableId: op.tableId, ids: op.ids };
    default:
      return assertNever(op, 'op');
  }
}

function applySetCells(session: BaseSession, w: Writer, tableId: string, cells: CellWrite[]): Op {
  const table = session.table(tableId);
  const fieldIds = table.fields.map((f) => f.id);
  const shards = shardsOf(session, tableId, [...new Set(cells.map((c) => c.recordId))]);
  const inverse: CellWrite[] = [];
  const byShard = new Map<string, CellWrite[]>();
  for (const c of cells) {
    const s = shards.get(c.recordId);
    if (!s) continue;
    let list = byShard.get(s);
    if (!list) byShard.set(s, (list = []));
    list.push(c);
  }
  const record = w.origin.kind === 'local';
  for (const [shardId, list] of byShard) {
    const doc = w.shardDoc(tableId, shardId);
    w.transact(doc, () => {
      for (const c of list) {
        const rec = readRecord(doc, c.recordId, fieldIds);
        if (!rec) continue;
        const before = rec.values[c.fieldId] ?? null;
        if (c.expect !== undefined && !sameValue(before, c.expect)) continue;
        if (sameValue(before, c.value)) continue;
        setCell(doc, c.recordId, c.fieldId, c.value, w.now);
        inverse.push({ recordId: c.recordId, fieldId: c.fieldId, value: before, expect: c.value });
        if (record) w.history({ tableId, recordId: c.recordId, fieldId: c.fieldId, kind: 'set', oldValue: before, newValue: c.value });
      }
    });
  }
  return { op: 'setCells', tableId, cells: inverse.reverse() };
}

function applyCreateRecords(session: BaseSession, w: Writer, tableId: string, records: RecordSeed[]): Op {
  const byShard = new Map<string, RecordSeed[]>();
  const unplaced = records.filter((r) => !r.shardId);
  for (const r of records) {
    if (!r.shardId) continue;
    let list = byShard.get(r.shardId);
    if (!list) byShard.set(r.shardId, (list = []));
    list.push(r);
  }
  // Fill shards in runs so no shard exceeds its capacity.
  let i = 0;
  while (i < unplaced.length) {
    const { shardId, count } = w.allocateShard(tableId, unplaced.length - i);
    byShard.set(shardId, [...(byShard.get(shardId) ?? []), ...unplaced.slice(i, i + count)]);
    i += count;
  }
  const history = w.origin.kind === 'local';
  for (const [shardId, list] of byShard) {
    const doc = w.shardDoc(tableId, shardId);
    w.transact(doc, () => {
      for (const r of list) {
        if (recordsMap(doc).has(r.id)) continue;
        createRecord(doc, r.id, r.base);
        if (history) w.history({ tableId, recordId: r.id, fieldId: null, kind: 'create', oldValue: null, newValue: r.base.v });
      }
    });
  }
  return { op: 'deleteRecords', tableId, ids: records.map((r) => r.id) };
}

function applyDeleteRecords(session: BaseSession, w: Writer, tableId: string, ids: string[]): Op {
  const table = session.table(tableId);
  const fieldIds = table.fields.map((f) => f.id);
  const shards = shardsOf(session, tableId, ids);
  const restored: RecordSeed[] = [];
  const history = w.origin.kind === 'local';
  const byShard = new Map<string, string[]>();
  for (const id of ids) {
    const s = shards.get(id);
    if (!s) continue;
    let list = byShard.get(s);
    if (!list) byShard.set(s, (list = []));
    list.push(id);
  }
  for (const [shardId, list] of byShard) {
    const doc: Y.Doc = w.shardDoc(tableId, shardId);
    w.transact(doc, () => {
      for (const id of list) {
        const rec = readRecord(doc, id, fieldIds);
        if (!rec) continue;
        // Restoring keeps creation time and autonumber; edit times of cells are folded into the base.
        const values: Record<string, CellValue | null> = {};
        for (const [k, v] of Object.entries(rec.values)) if (v !== null) values[k] = v;
        restored.push({ id, shardId, base: { c: rec.createdAt, n: rec.autonumber, v: values } });
        deleteRecord(doc, id, fieldIds);
        if (history) w.history({ tableId, recordId: id, fieldId: null, kind: 'delete', oldValue: values, newValue: null });
      }
    });
  }
  return { op: 'createRecords', tableId, records: restored };
}

/** Applies ops in order and returns the inverse list (already in undo order). */
export function applyOps(session: BaseSession, w: Writer, ops: readonly Op[]): Op[] {
  const inverse: Op[] = [];
  for (const op of ops) inverse.push(applyOp(session, w, op));
  return inverse.reverse();
}

