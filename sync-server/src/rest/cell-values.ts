/**
 * Cell values between our stored form (src-shared/schema/schema.types.ts CellValue) and
 * Airtable's JSON forms (cellFormat=json), through the field registry:
 * - out: the registry's API form (selects as names, multiple selects as arrays of names, dates and
 *   date-times as ISO text, percent as a fraction, duration in seconds), computed fields computed,
 *   attachments as [{id, url, filename, size, type}] (no `url` when the server has no bytes for it:
 *   a ref without `sha256`), json fields as JSON text; empty values left out, as Airtable leaves
 *   them out;
 * - in: whatever the registry accepts (select names or ids, numbers, ISO dates, …); attachments in
 *   Airtable's shape, keeping `sha256` when given or when `url` is one of this server's blob URLs
 *   (so writing back what was read keeps the bytes); with `typecast`, text is read as the grid
 *   reads pasted text.
 */
import { err, ok, type Result } from '../../../src-shared/errors';
import type { RecordMeta } from '../../../src-shared/fields/field-type';
import { getFieldType } from '../../../src-shared/fields/field-registry';
import { newId } from '../../../src-shared/ids';
import type { AttachmentRef, CellValue, FieldSchema } from '../../../src-shared/schema/schema.types';
import type { FormulaValue } from './formula';

/** Where an attachment's bytes are served (the blobs API): the URL in record output; null when nowhere. */
export type AttachmentUrl = (ref: AttachmentRef) => string | null;

export interface AirtableAttachment {
  id: string;
  /** Absent when the server has no bytes for the attachment (a ref without `sha256`). */
  url?: string;
  filename: string;
  size: number;
  type: string;
}

export type OutValue = string | number | boolean | string[] | AirtableAttachment[];

const isEmpty = (v: unknown): boolean => v === null || v === undefined || v === '' || v === false || (Array.isArray(v) && v.length === 0);

/** A cell in Airtable's JSON form; undefined when empty (left out of `fields`). */
export function valueOut(field: FieldSchema, stored: CellValue | null, meta: RecordMeta, attachmentUrl: AttachmentUrl): OutValue | undefined {
  const def = getFieldType(field.type);
  const v: unknown = def.compute ? def.compute(meta, field) : def.fromSql(def.toSql(stored, field.options), field.options);
  if (isEmpty(v)) return undefined;
  if (field.type === 'attachment') {
    return (v as AttachmentRef[]).map((a) => {
      const url = attachmentUrl(a);
      return url === null ? { id: a.id, filename: a.name, size: a.size, type: a.type } : { id: a.id, url, filename: a.name, size: a.size, type: a.type };
    });
  }
  if (field.type === 'json') return JSON.stringify(v);
  return v as OutValue;
}

/** An output value as a formula sees it. */
export function formulaValue(v: OutValue | undefined): FormulaValue {
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : x.filename)).join(', ');
  return v;
}

const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** The path of a blob URL this server hands out (valueOut's), whatever host it was reached at. */
const BLOB_URL_PATH = /\/api\/v1\/workspaces\/[^/?#]+\/blobs\/([0-9a-f]{64})(?:[?#]|$)/;

function attachmentsIn(input: unknown): unknown {
  if (!Array.isArray(input)) return input;
  return input.map((item) => {
    const a = obj(item);
    const url = typeof a.url === 'string' ? a.url : '';
    const path = url.split(/[?#]/)[0]!;
    const sha256 = typeof a.sha256 === 'string' ? a.sha256 : BLOB_URL_PATH.exec(url)?.[1];
    const named = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1).split('#')[0] : '').get('name');
    const fromUrl = sha256 !== undefined ? (named ?? '') : decodeURIComponentSafe(path.split('/').pop() ?? '');
    const ref = {
      id: typeof a.id === 'string' && a.id ? a.id : newId('att'),
      name: typeof a.filename === 'string' ? a.filename : typeof a.name === 'string' ? a.name : fromUrl || 'file',
      size: typeof a.size === 'number' ? a.size : 0,
      type: typeof a.type === 'string' ? a.type : 'application/octet-stream',
    };
    // The registry checks sha256's form (64 lowercase hex digits).
    return sha256 === undefined ? ref : { ...ref, sha256 };
  });
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** An input value as stored; the message says why it cannot be (Airtable's INVALID_VALUE_FOR_COLUMN). */
export function valueIn(field: FieldSchema, input: unknown, typecast: boolean): Result<CellValue | null, string> {
  const def = getFieldType(field.type);
  if (def.computed) return isEmpty(input) ? ok(null) : err(`Field "${field.name}" cannot accept a value because the field is computed`);
  let value = input;
  if (field.type === 'attachment') value = attachmentsIn(input);
  if (field.type === 'json' && typeof input === 'string') {
    try {
      value = JSON.parse(input) as unknown;
    } catch {
      // Plain text is a JSON string.
    }
  }
  if (typecast && typeof value === 'string' && field.type !== 'json') {
    const parsed = def.parse(value, field.options);
    if (parsed.ok) return ok(parsed.value);
  }
  if (typecast && field.type === 'multipleSelect' && typeof value === 'string') value = value.split(',').map((s) => s.trim()).filter(Boolean);
  const r = def.normalize(value, field.options);
  return r.ok ? ok(r.value) : err(`Field "${field.name}" cannot accept the provided value: ${r.message}`);
}
