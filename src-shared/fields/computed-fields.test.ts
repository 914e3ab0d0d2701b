import { describe, expect, it } from 'vitest';
import { autonumberField, createdTimeField, lastModifiedTimeField } from './computed-fields';
import type { RecordMeta } from './field-type';
import type { FieldSchema } from '../schema/schema.types';

const created = Date.UTC(2024, 0, 5, 10, 0, 0);
const meta: RecordMeta = {
  createdAt: created,
  editedAt: { fldA: created + 60_000, fldB: created + 120_000 },
  autonumber: 42,
};
const timeOptions = { dateFormat: 'iso', timeFormat: '24h', timeZone: 'UTC' } as const;

function lastModified(fields: string[]): FieldSchema<'lastModifiedTime'> {
  return { id: 'fldLast', name: 'Last modified', type: 'lastModifiedTime', options: { ...timeOptions, fields }, description: '' };
}

describe('computed fields', () => {
  it.each([
    [autonumberField, 'autonumber'],
    [createdTimeField, 'createdTime'],
    [lastModifiedTimeField, 'lastModifiedTime'],
  ] as const)("%# refuse edits but accept empty input", (def, type) => {
    expect(def.computed).toBe(true);
    expect(def.normalize(5, def.defaultOptions() as never)).toEqual({ ok: false, message: `'${type}' fields are computed and can't be edited` });
    expect(def.parse('5', def.defaultOptions() as never)).toEqual({ ok: false, message: `'${type}' fields are computed and can't be edited` });
    expect(def.normalize(null, def.defaultOptions() as never)).toEqual({ ok: true, value: null });
    expect(def.parse('', def.defaultOptions() as never)).toEqual({ ok: true, value: null });
  });

  it('autonumber is the number assigned at creation', () => {
    const field: FieldSchema<'autonumber'> = { id: 'fldN', name: 'N', type: 'autonumber', options: {}, description: '' };
    expect(autonumberField.compute?.(meta, field)).toBe(42);
    expect(autonumberField.format(42, {})).toBe('42');
    expect(autonumberField.sqlType).toBe('INTEGER');
    expect(autonumberField.toSql(42, {})).toBe(42);
    expect(autonumberField.fromSql(42, {})).toBe(42);
  });

  it('created time is the creation instant, projected as ms', () => {
    const field: FieldSchema<'createdTime'> = { id: 'fldC', name: 'C', type: 'createdTime', options: timeOptions, description: '' };
    expect(createdTimeField.compute?.(meta, field)).toBe('2024-01-05T10:00:00.000Z');
    expect(createdTimeField.format('2024-01-05T10:00:00.000Z', timeOptions)).toBe('2024-01-05 10:00:00');
    expect(createdTimeField.sqlType).toBe('INTEGER');
    expect(createdTimeField.toSql('2024-01-05T10:00:00.000Z', timeOptions)).toBe(created);
    expect(createdTimeField.fromSql(created, timeOptions)).toBe('2024-01-05T10:00:00.000Z');
    expect(createdTimeField.filterOps).toContain('withinPastDays');
  });

  it('last modified time counts every edited field when no fields are listed', () => {
    expect(lastModifiedTimeField.compute?.(meta, lastModified([]))).toBe('2024-01-05T10:02:00.000Z');
  });
  it('last modified time counts only the listed fields', () => {
    expect(lastModifiedTimeField.compute?.(meta, lastModified(['fldA']))).toBe('2024-01-05T10:01:00.000Z');
  });
  it('last modified time is the creation time when the listed fields were never edited', () => {
    expect(lastModifiedTimeField.compute?.(meta, lastModified(['fldZ']))).toBe('2024-01-05T10:00:00.000Z');
    expect(lastModifiedTimeField.compute?.({ ...meta, editedAt: {} }, lastModified([]))).toBe('2024-01-05T10:00:00.000Z');
  });
});
