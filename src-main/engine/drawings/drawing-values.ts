/**
 * The value of each drawing key (src-shared/schema/drawing-mapping.ts) in a reading, in the form
 * the target field takes: title block values, the file name and the page count as they are; all
 * text joined by line feeds; dimensions, threads, GD&T frames and surface finish as readable text,
 * one per line ("⌀20 ±0.1") or, into a JSON field, as read; tables as JSON (`[{rows}]`) or as
 * text (cells separated by tabs, tables by a blank line). Long text is capped like search text.
 */
import { getFieldType } from '../../../src-shared/fields/field-registry';
import type { DrawingKey } from '../../../src-shared/schema/drawing-mapping';
import type { CellValue, FieldSchema } from '../../../src-shared/schema/schema.types';
import type { FileExtraction } from '../../workers/extract/file-extraction';
import { ATTACHMENT_TEXT_CAP } from '../projection/attachment-text';

/** A file's reading and the name it was attached under. */
export interface NamedReading {
  x: FileExtraction;
  name: string;
}

export type ValueKey = Exclude<DrawingKey, 'attachment'>;

function lines(items: readonly string[]): string | null {
  const text = items.filter((t) => t.trim() !== '').join('\n');
  if (!text) return null;
  return text.length > ATTACHMENT_TEXT_CAP ? text.slice(0, ATTACHMENT_TEXT_CAP) : text;
}

function list<T>(items: readonly T[] | undefined, json: boolean, text: (item: T) => string): unknown {
  if (!items || items.length === 0) return null;
  return json ? items : lines(items.map(text));
}

/** The raw value of `key` in a reading for a field of `field`'s type; null when the drawing has none. */
export function readingValue(key: ValueKey, r: NamedReading, field: Pick<FieldSchema, 'type'>): unknown {
  const x = r.x;
  const json = field.type === 'json';
  switch (key) {
    case 'fileName':
      return r.name || null;
    case 'pages':
      return typeof x.pages === 'number' ? x.pages : null;
    case 'text':
      return lines(x.text ?? []);
    case 'dimensions':
      return list(x.dimensions, json, (d) => d.text);
    case 'threads':
      return list(x.threads, json, (t) => t.text);
    case 'gdt':
      return list(x.gdt, json, (g) => g.text);
    case 'surfaceFinish':
      return list(x.surfaceFinish, json, (s) => s);
    case 'tables':
      if (!x.tables || x.tables.length === 0) return null;
      return json ? x.tables : lines([x.tables.map((t) => t.rows.map((row) => row.join('\t')).join('\n')).join('\n\n')]);
    default: {
      const v = x.titleBlock?.[key];
      return typeof v === 'string' && v.trim() !== '' ? v : null;
    }
  }
}

/** The first value of `key` among readings (in cell order). */
export function valueFromReadings(key: ValueKey, readings: readonly NamedReading[], field: Pick<FieldSchema, 'type'>): unknown {
  for (const r of readings) {
    const v = readingValue(key, r, field);
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

/**
 * `raw` as the field stores it (null: nothing to write); not ok when it does not fit the field (a
 * title that is no number, a material that is no option of a select).
 */
export function storedValue(field: FieldSchema, raw: unknown): { ok: true; value: CellValue | null } | { ok: false } {
  if (raw === null || raw === undefined) return { ok: true, value: null };
  const r = getFieldType(field.type).normalize(raw, field.options);
  return r.ok ? { ok: true, value: r.value } : { ok: false };
}

export function sameCell(a: CellValue | null | undefined, b: CellValue | null | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
