/**
 * A table's records live in shard documents (doc id `<tableId>/<shardId>`), each holding up to a
 * few thousand records, so a write loads one small doc. The shape is the compact one measured in
 * ARCHITECTURE.md:
 *
 *   Y.Map 'records': recordId → { c: createdAt ms, n: autonumber, v: { fieldId: stored value } }
 *       written once when the record is created (or restored) and never modified;
 *       or, packed (bulk imports): { c, n, l: layout key, a: [stored value | null, ...] } with the
 *       values in the order of the layout's field ids;
 *   Y.Map 'layouts': layout key → [fieldId, ...], never modified or deleted. The key is a hash of
 *       the list, so replicas writing the same key write the same list. Field ids are most of a
 *       record's bytes; a layout stores them once per doc instead of once per record;
 *   Y.Map 'cells':   `${recordId}.${fieldId}` → { v: stored value | null, t: edited at ms }
 *       per-cell overrides: concurrent edits of different cells are different keys and all survive;
 *       the same cell is last-writer-wins, resolved identically on every replica by Yjs.
 *
 * Deleting a record removes its `records` entry (and its overrides); an override whose record is
 * absent is ignored by readers, so a concurrent edit never resurrects a deleted record.
 */
import type * as Y from 'yjs';
import type { CellValue } from '../schema/schema.types';

/** A record as created one by one: values by field id. */
export interface RecordBase {
  c: number;
  n: number;
  v: Record<string, CellValue | null>;
}
/** A record written packed: values in the order of layout `l`'s field ids. */
export interface PackedRecordBase {
  c: number;
  n: number;
  l: string;
  a: Array<CellValue | null>;
}
export type StoredRecord = RecordBase | PackedRecordBase;
export interface CellOverride {
  v: CellValue | null;
  t: number;
}

/** A record as the projection needs it: merged values plus the facts computed fields use. */
export interface RecordState {
  createdAt: number;
  autonumber: number;
  values: Record<string, CellValue | null>;
  editedAt: Record<string, number>;
}

export const shardDocId = (tableId: string, shardId: string): string => `${tableId}/${shardId}`;
export function parseShardDocId(docId: string): { tableId: string; shardId: string } | null {
  const i = docId.indexOf('/');
  if (i < 0) return null;
  return { tableId: docId.slice(0, i), shardId: docId.slice(i + 1) };
}

export const cellKey = (recordId: string, fieldId: string): string => `${recordId}.${fieldId}`;
export const recordIdOfCellKey = (key: string): string => key.slice(0, key.indexOf('.'));

export const recordsMap = (doc: Y.Doc): Y.Map<StoredRecord> => doc.getMap('records');
export const layoutsMap = (doc: Y.Doc): Y.Map<string[]> => doc.getMap('layouts');

/**
 * The key of a layout: a 64-bit hash of its field ids (two 32-bit FNV-1a hashes, one of the list
 * and one of it reversed), in base 36. Deterministic, so every replica names a list alike.
 */
export function layoutKey(fieldIds: readonly string[]): string {
  const text = fieldIds.join(',');
  let h1 = 0x811c9dc5;
  let h2 = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h1 = Math.imul(h1 ^ text.charCodeAt(i), 0x01000193);
    h2 = Math.imul(h2 ^ text.charCodeAt(text.length - 1 - i), 0x01000193);
  }
  return 'L' + (h1 >>> 0).toString(36).padStart(7, '0') + (h2 >>> 0).toString(36).padStart(7, '0');
}
export const cellsMap = (doc: Y.Doc): Y.Map<CellOverride> => doc.getMap('cells');

export function createRecord(doc: Y.Doc, id: string, base: RecordBase): void {
  recordsMap(doc).set(id, base);
}

export function setCell(doc: Y.Doc, recordId: string, fieldId: string, value: CellValue | null, at: number): void {
  cellsMap(doc).set(cellKey(recordId, fieldId), { v: value, t: at });
}

export function deleteRecord(doc: Y.Doc, recordId: string, fieldIds: Iterable<string>): void {
  recordsMap(doc).delete(recordId);
  const cells = cellsMap(doc);
  for (const f of fieldIds) {
    const k = cellKey(recordId, f);
    if (cells.has(k)) cells.delete(k);
  }
}

export function hasRecord(doc: Y.Doc, recordId: string): boolean {
  return recordsMap(doc).has(recordId);
}

/** Merged state of one record over the given fields, or null when it does not exist. */
export function readRecord(doc: Y.Doc, recordId: string, fieldIds: readonly string[]): RecordState | null {
  return recordReader(doc, fieldIds)(recordId);
}

/**
 * Reads many records of one doc. When the doc holds no cell overrides (a shard just imported or
 * never edited), a record's merged values are its base values, read without a lookup per cell.
 * Valid while the doc is not changed.
 */
export function recordReader(doc: Y.Doc, fieldIds: readonly string[]): (recordId: string) => RecordState | null {
  const records = recordsMap(doc);
  const cells = cellsMap(doc);
  const noOverrides = cells.keys().next().done === true;
  const layouts = layoutsMap(doc);
  /** Per layout key: where each of `fieldIds` is in the layout (-1: not in it); null for an unknown layout. */
  const positions = new Map<string, Int32Array | null>();
  const positionsOf = (key: unknown): Int32Array | null => {
    if (typeof key !== 'string') return null;
    let p = positions.get(key);
    if (p === undefined) {
      const ids = layouts.get(key);
      p = Array.isArray(ids) ? Int32Array.from(fieldIds, (f) => ids.indexOf(f)) : null;
      positions.set(key, p);
    }
    return p;
  };
  return (recordId) => {
    const base = records.get(recordId);
    if (!base) return null;
    // Packed values, or values by id; a record of neither shape (a faulty peer) reads as empty.
    const packed = 'a' in base && Array.isArray(base.a) ? base : null;
    const at = packed ? positionsOf(packed.l) : null;
    const byId = !packed && 'v' in base && typeof base.v === 'object' && base.v !== null ? base.v : null;
    const values: Record<string, CellValue | null> = {};
    const editedAt: Record<string, number> = {};
    for (let i = 0; i < fieldIds.length; i++) {
      const f = fieldIds[i]!;
      const o = noOverrides ? undefined : cells.get(cellKey(recordId, f));
      if (o) {
        values[f] = o.v;
        editedAt[f] = o.t;
      } else {
        const v = byId ? byId[f] : packed && at && at[i]! >= 0 ? packed.a[at[i]!] : undefined;
        values[f] = v === undefined ? null : v;
      }
    }
    return { createdAt: base.c, autonumber: base.n, values, editedAt };
  };
}

export function recordIds(doc: Y.Doc): IterableIterator<string> {
  return recordsMap(doc).keys();
}

export function recordCount(doc: Y.Doc): number {
  return recordsMap(doc).size;
}
