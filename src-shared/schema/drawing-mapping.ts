/**
 * Records from drawings: which field each value read from a drawing goes into, per table. The
 * mapping is stored with the table in the schema doc (`drawingMapping`), so it syncs and undoes like
 * any schema change; `readDrawingMapping` is how every replica reads it back, the same way.
 *
 * Keys are what a reading holds (see src-main/workers/extract/file-extraction.ts): the title block
 * values, the page count, all text, dimensions, threads, GD&T frames, surface finish and tables as
 * readable text (one per line) or, into a JSON field, as read; the file's name; and `attachment`,
 * the attachment field the drawing files themselves go into.
 */
import type { FieldSchema, FieldType } from './schema.types';

export const TITLE_BLOCK_KEYS = [
  'drawingNumber', 'title', 'revision', 'scale', 'sheet', 'format', 'material', 'drawnBy', 'date', 'generalTolerance',
] as const;
export type TitleBlockKey = (typeof TITLE_BLOCK_KEYS)[number];

export const DRAWING_KEYS = [
  'attachment', 'fileName', ...TITLE_BLOCK_KEYS, 'pages', 'text', 'dimensions', 'threads', 'gdt', 'surfaceFinish', 'tables',
] as const;
export type DrawingKey = (typeof DRAWING_KEYS)[number];

export interface DrawingMappingEntry {
  key: DrawingKey;
  /** Field id. */
  field: string;
}

/** Short values (one line): text fields, a select with that option, a number or date when the text is one. */
const SHORT: readonly FieldType[] = ['singleLineText', 'longText', 'singleSelect', 'number', 'date'];
/** Lists (one item per line as text; as read into a JSON field). */
const LIST: readonly FieldType[] = ['longText', 'singleLineText', 'json'];

/** Label and the field types each key can go into, in the order a person reads them. */
export const DRAWING_KEY_INFO: Readonly<Record<DrawingKey, { label: string; fieldTypes: readonly FieldType[] }>> = {
  attachment: { label: 'Drawing file', fieldTypes: ['attachment'] },
  fileName: { label: 'File name', fieldTypes: ['singleLineText', 'longText'] },
  drawingNumber: { label: 'Drawing number', fieldTypes: SHORT },
  title: { label: 'Title', fieldTypes: SHORT },
  revision: { label: 'Revision', fieldTypes: SHORT },
  scale: { label: 'Scale', fieldTypes: SHORT },
  sheet: { label: 'Sheet', fieldTypes: SHORT },
  format: { label: 'Sheet format', fieldTypes: SHORT },
  material: { label: 'Material', fieldTypes: SHORT },
  drawnBy: { label: 'Drawn by', fieldTypes: SHORT },
  date: { label: 'Date', fieldTypes: SHORT },
  generalTolerance: { label: 'General tolerance', fieldTypes: SHORT },
  pages: { label: 'Pages', fieldTypes: ['number', 'singleLineText', 'longText'] },
  text: { label: 'All text', fieldTypes: ['longText', 'singleLineText'] },
  dimensions: { label: 'Dimensions', fieldTypes: LIST },
  threads: { label: 'Threads', fieldTypes: LIST },
  gdt: { label: 'GD&T frames', fieldTypes: LIST },
  surfaceFinish: { label: 'Surface finish', fieldTypes: LIST },
  tables: { label: 'Tables', fieldTypes: ['json', 'longText'] },
};

/** What the first drop on a table suggests: fields of these names, created as single line text where missing. */
export const SUGGESTED_DRAWING_FIELDS: ReadonlyArray<[TitleBlockKey, string]> = [
  ['drawingNumber', 'Drawing No'],
  ['title', 'Title'],
  ['revision', 'Revision'],
  ['material', 'Material'],
  ['scale', 'Scale'],
];
/** Name of the attachment field the first drop creates when the table has none. */
export const SUGGESTED_ATTACHMENT_FIELD = 'Drawing';

export function isDrawingKey(key: unknown): key is DrawingKey {
  return typeof key === 'string' && (DRAWING_KEYS as readonly string[]).includes(key);
}

export function fieldTakesKey(key: DrawingKey, type: FieldType): boolean {
  return DRAWING_KEY_INFO[key].fieldTypes.includes(type);
}

/**
 * A stored mapping as every replica reads it: entries with a known key and a field of the table
 * that takes it (a field retyped or deleted since drops out, and comes back if it is undone); a key
 * or field named twice keeps its first entry. Undefined when the table has no stored mapping.
 */
export function readDrawingMapping(raw: unknown, fields: readonly Pick<FieldSchema, 'id' | 'type'>[]): DrawingMappingEntry[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const types = new Map(fields.map((f) => [f.id, f.type]));
  const keys = new Set<string>();
  const used = new Set<string>();
  const out: DrawingMappingEntry[] = [];
  for (const e of raw) {
    if (typeof e !== 'object' || e === null) continue;
    const { key, field } = e as { key?: unknown; field?: unknown };
    if (!isDrawingKey(key) || typeof field !== 'string') continue;
    const type = types.get(field);
    if (!type || !fieldTakesKey(key, type) || keys.has(key) || used.has(field)) continue;
    keys.add(key);
    used.add(field);
    out.push({ key, field });
  }
  // In key order, so equal mappings read equal whatever order they were written in.
  return out.sort((a, b) => DRAWING_KEYS.indexOf(a.key) - DRAWING_KEYS.indexOf(b.key));
}
