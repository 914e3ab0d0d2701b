/**
 * checkbox, attachment and json.
 *
 * Contracts:
 * - checkbox stores `true`; unchecked is empty (null), so `false` is never stored. Text and API
 *   strings accept (any case) true/false, yes/no, y/n, t/f, 1/0, x, ✓/✔, checked/unchecked, on/off;
 *   numbers 1 and 0.
 * - attachment cells hold `{ id, name, size, type }` refs (extra keys dropped); the bytes and the refs'
 *   creation are the engine's business, so text can never set an attachment.
 * - json holds any JSON value except null (null is the empty cell); values are copied, -0 becomes
 *   0, keys whose value is `undefined` are dropped (as JSON.stringify does), and anything JSON can't
 *   carry (functions, NaN, Infinity, Dates, class instances, nesting deeper than 64) is refused.
 */
import type { AttachmentRef, CellValue, FieldOptions, JsonValue } from '../schema/schema.types';
import type { FieldTypeDef, Normalized } from './field-type';
import { empty, invalid, isBlank, quote, valid } from './field-result.util';
import { emptyOptionsSchema, parseOptions, type OptionsResult } from './field-options.schema';
import { ATTACHMENT_OPS, CHECKBOX_OPS, JSON_OPS } from './filter-ops.util';

type NoOptionsType = 'checkbox' | 'attachment' | 'json';

function noOptions<T extends NoOptionsType>(input: unknown): OptionsResult<FieldOptions<T>> {
  const result = parseOptions(emptyOptionsSchema, input);
  return result.ok ? { ok: true, value: {} as FieldOptions<T> } : result;
}

const CHECKED_WORDS = new Set(['true', 'yes', 'y', 't', '1', 'x', '✓', '✔', 'checked', 'on']);
const UNCHECKED_WORDS = new Set(['false', 'no', 'n', 'f', '0', 'unchecked', 'off']);

function readCheckbox(text: string): Normalized {
  const word = text.trim().toLowerCase();
  if (word === '' || UNCHECKED_WORDS.has(word)) return empty();
  if (CHECKED_WORDS.has(word)) return valid(true);
  return invalid(`${quote(text.trim())} is not a checkbox value (use true or false)`);
}

export const checkboxField: FieldTypeDef<'checkbox'> = {
  type: 'checkbox',
  label: 'Checkbox',
  computed: false,
  defaultOptions: () => ({}),
  normalizeOptions: noOptions<'checkbox'>,
  normalize(input) {
    if (isBlank(input) || input === false || input === 0) return empty();
    if (input === true || input === 1) return valid(true);
    if (typeof input === 'string') return readCheckbox(input);
    return invalid(`${quote(input)} is not a checkbox value (use true or false)`);
  },
  parse: readCheckbox,
  format: (value) => (value === true ? 'checked' : ''),
  sqlType: 'INTEGER',
  toSql: (value) => (value === true ? 1 : null),
  fromSql: (value) => (value === 1 || value === '1' ? true : null),
  searchText: () => '',
  filterOps: CHECKBOX_OPS,
};

const SHA256_RE = /^[0-9a-f]{64}$/;
const ATTACHMENT_SHAPE = 'attachments must be a list of { id, name, size, type }';

function readAttachment(item: unknown, position: number): AttachmentRef | string {
  const at = `attachment ${position}`;
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return `${at} is not { id, name, size, type }`;
  const { id, name, size, type, sha256 } = item as Record<string, unknown>;
  if (typeof id !== 'string' || id === '') return `${at}: id must be non-empty text`;
  if (typeof name !== 'string') return `${at}: name must be text`;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return `${at}: size must be a whole number of bytes`;
  if (typeof type !== 'string') return `${at}: type must be text (a MIME type)`;
  if (sha256 !== undefined && (typeof sha256 !== 'string' || !SHA256_RE.test(sha256))) return `${at}: sha256 must be 64 lowercase hex digits`;
  return sha256 === undefined ? { id, name, size, type } : { id, name, size, type, sha256 };
}

function attachmentsOf(value: unknown): AttachmentRef[] {
  return Array.isArray(value) ? value.filter((ref): ref is AttachmentRef => typeof ref === 'object' && ref !== null && 'name' in ref) : [];
}

function formatAttachments(value: CellValue | null): string {
  return attachmentsOf(value)
    .map((ref) => ref.name)
    .join(', ');
}

export const attachmentField: FieldTypeDef<'attachment'> = {
  type: 'attachment',
  label: 'Attachment',
  computed: false,
  defaultOptions: () => ({}),
  normalizeOptions: noOptions<'attachment'>,
  normalize(input) {
    if (isBlank(input)) return empty();
    if (!Array.isArray(input)) return invalid(ATTACHMENT_SHAPE);
    if (input.length === 0) return empty();
    const refs: AttachmentRef[] = [];
    for (const [i, item] of input.entries()) {
      const ref = readAttachment(item, i + 1);
      if (typeof ref === 'string') return invalid(ref);
      refs.push(ref);
    }
    return valid(refs);
  },
  parse: (text) => (text.trim() === '' ? empty() : invalid("attachments can't be set from text")),
  format: formatAttachments,
  sqlType: 'TEXT',
  toSql(value) {
    const refs = attachmentsOf(value);
    return refs.length === 0 ? null : JSON.stringify(refs);
  },
  fromSql(value) {
    if (typeof value !== 'string' || value === '') return null;
    try {
      const refs = attachmentsOf(JSON.parse(value));
      return refs.length === 0 ? null : refs;
    } catch {
      return null;
    }
  },
  searchText: formatAttachments,
  filterOps: ATTACHMENT_OPS,
};

const MAX_JSON_DEPTH = 64;

/** A clean JSON copy of `input`, or a reason it is not JSON. `depth` counts enclosing arrays/objects. */
function toJson(input: unknown, depth: number): { value: JsonValue } | { reason: string } {
  switch (typeof input) {
    case 'string':
    case 'boolean':
      return { value: input };
    case 'number':
      return Number.isFinite(input) ? { value: input + 0 } : { reason: 'NaN and Infinity are not JSON' };
    case 'object': {
      if (input === null) return { value: null };
      if (depth >= MAX_JSON_DEPTH) return { reason: `nested deeper than ${MAX_JSON_DEPTH} levels` };
      if (Array.isArray(input)) {
        const out: JsonValue[] = [];
        for (const item of input) {
          const r = toJson(item, depth + 1);
          if ('reason' in r) return r;
          out.push(r.value);
        }
        return { value: out };
      }
      const proto: unknown = Object.getPrototypeOf(input);
      if (proto !== Object.prototype && proto !== null) return { reason: 'only plain objects and arrays are JSON' };
      const out: { [key: string]: JsonValue } = {};
      for (const [key, item] of Object.entries(input)) {
        if (item === undefined) continue;
        const r = toJson(item, depth + 1);
        if ('reason' in r) return r;
        out[key] = r.value;
      }
      return { value: out };
    }
    default:
      return { reason: `${typeof input} values are not JSON` };
  }
}

function readJsonValue(input: unknown, shown: unknown): Normalized {
  const r = toJson(input, 0);
  if ('reason' in r) return invalid(`${quote(shown)} is not JSON (${r.reason})`);
  return r.value === null ? empty() : valid(r.value);
}

function readJsonText(text: string): Normalized {
  const s = text.trim();
  if (s === '') return empty();
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch {
    return invalid(`${quote(s)} is not valid JSON`);
  }
  return readJsonValue(parsed, s);
}

const formatJson = (value: CellValue | null): string => (value === null || value === undefined ? '' : JSON.stringify(value));

export const jsonField: FieldTypeDef<'json'> = {
  type: 'json',
  label: 'JSON',
  computed: false,
  defaultOptions: () => ({}),
  normalizeOptions: noOptions<'json'>,
  normalize: (input) => (isBlank(input) ? empty() : readJsonValue(input, input)),
  parse: readJsonText,
  format: formatJson,
  sqlType: 'TEXT',
  toSql: (value) => (value === null || value === undefined ? null : JSON.stringify(value)),
  fromSql(value) {
    if (typeof value !== 'string' || value === '') return null;
    try {
      return JSON.parse(value) as JsonValue;
    } catch {
      return null;
    }
  },
  searchText: formatJson,
  filterOps: JSON_OPS,
};
