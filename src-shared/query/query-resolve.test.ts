import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import type { FieldSchema, TableSchema } from '../schema/schema.types';
import { resolveFieldRef, resolveFilter, resolveGroups, resolveQuerySpec, resolveSorts } from './query-resolve';
import type { FilterCondition, FilterGroup } from './query.types';

const id = (prefix: string, name: string): string => prefix + name.padEnd(14, '0');
const field = (name: string, type: FieldSchema['type'], options: object = {}): FieldSchema =>
  ({ id: id('fld', name.replace(/\W/g, '')), name, type, options, description: '' }) as FieldSchema;
const choice = (name: string) => ({ id: id('sel', name), name, color: 'blue' });

const PARTS: TableSchema = {
  id: id('tbl', 'Parts'),
  name: 'Parts',
  fields: [
    field('Name', 'singleLineText'),
    field('Qty', 'number', { precision: 0 }),
    field('Due', 'date', { dateFormat: 'iso' }),
    field('Shipped', 'dateTime', { dateFormat: 'iso', timeFormat: '24h', timeZone: 'Europe/Berlin' }),
    field('Created', 'createdTime', { dateFormat: 'iso', timeFormat: '24h', timeZone: 'UTC' }),
    field('Done', 'checkbox'),
    field('Status', 'singleSelect', { choices: [choice('Open'), choice('Closed')] }),
    field('Tags', 'multipleSelect', { choices: [choice('Steel'), choice('Brass')] }),
    field('Stars', 'rating', { max: 5 }),
  ],
  views: [],
};
const F = Object.fromEntries(PARTS.fields.map((f) => [f.name, f.id]));
const SEL = { open: id('sel', 'Open'), closed: id('sel', 'Closed'), steel: id('sel', 'Steel'), brass: id('sel', 'Brass') };

function error(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof EngineError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an EngineError');
}

/** The resolved form of one condition written with names. */
function one(field: string, op: FilterCondition['op'], value?: unknown): FilterCondition {
  const condition: FilterCondition = value === undefined ? { field, op } : { field, op, value };
  const resolved = resolveFilter(PARTS, { and: [condition] });
  return ('and' in resolved ? resolved.and[0] : undefined) as FilterCondition;
}

describe('field references', () => {
  it('resolve by id, exact name, then name in any case', () => {
    expect(resolveFieldRef(PARTS, F.Qty as string).name).toBe('Qty');
    expect(resolveFieldRef(PARTS, 'Qty').id).toBe(F.Qty);
    expect(resolveFieldRef(PARTS, 'qTY').id).toBe(F.Qty);
  });

  it('an id wins over a field whose name looks like it', () => {
    const table = { ...PARTS, fields: [...PARTS.fields, { ...field('Impostor', 'number'), name: F.Qty as string }] };
    expect(resolveFieldRef(table, F.Qty as string).name).toBe('Qty');
  });

  it('an unknown name is NOT_FOUND, naming field and table', () => {
    expect(error(() => resolveFieldRef(PARTS, 'Qtty'))).toEqual({ code: 'NOT_FOUND', message: "No field 'Qtty' in table 'Parts'" });
  });

  it('a name matching several fields only by case is AMBIGUOUS_NAME; the exact one still resolves', () => {
    const table = { ...PARTS, fields: [...PARTS.fields, { ...field('QTY', 'number'), id: id('fld', 'QTYupper') }] };
    const e = error(() => resolveFieldRef(table, 'qty'));
    expect(e.code).toBe('AMBIGUOUS_NAME');
    expect(e.message).toBe("Field name 'qty' in table 'Parts' matches 2 fields ('Qty', 'QTY'); use the exact name or the field id");
    expect(resolveFieldRef(table, 'QTY').id).toBe(id('fld', 'QTYupper'));
  });
});

describe('resolving filters', () => {
  it('replaces names with ids throughout nested groups', () => {
    const filter: FilterGroup = {
      and: [
        { field: 'Qty', op: '>', value: 3 },
        { or: [{ field: 'name', op: 'isEmpty' }, { field: 'Status', op: '=', value: 'Open' }] },
      ],
    };
    expect(resolveFilter(PARTS, filter)).toEqual({
      and: [
        { field: F.Qty, op: '>', value: 3 },
        { or: [{ field: F.Name, op: 'isEmpty' }, { field: F.Status, op: '=', value: SEL.open }] },
      ],
    });
  });

  it('normalizes operands through the field type', () => {
    expect(one('Qty', '>=', '12')).toEqual({ field: F.Qty, op: '>=', value: 12 });
    expect(one('Due', '<', '2024-03-01')).toMatchObject({ value: '2024-03-01' });
    expect(one('Status', '=', 'closed')).toMatchObject({ value: SEL.closed });
    expect(one('Status', 'anyOf', ['Open', SEL.closed, 'open'])).toMatchObject({ value: [SEL.open, SEL.closed] });
    expect(one('Tags', 'allOf', ['steel', 'Brass'])).toMatchObject({ value: [SEL.steel, SEL.brass] });
    expect(one('Tags', 'contains', 'Brass')).toMatchObject({ value: SEL.brass });
    expect(one('Tags', '=', ['Brass', 'Steel'])).toMatchObject({ value: [SEL.brass, SEL.steel] });
    expect(one('Done', '=', true)).toMatchObject({ value: true });
    expect(one('Done', '=', false)).toMatchObject({ value: false });
    expect(one('Stars', '<', 6)).toMatchObject({ value: 6 });
  });

  it('keeps a date-only operand of a date-time field as a whole day, and reads timestamps as instants', () => {
    expect(one('Shipped', '=', '2024-03-10')).toMatchObject({ value: '2024-03-10' });
    expect(one('Shipped', '<', '2024-03-10T12:00:00+01:00')).toMatchObject({ value: '2024-03-10T11:00:00.000Z' });
    expect(one('Created', '>', '2024-03-10T12:00:00Z')).toMatchObject({ value: '2024-03-10T12:00:00.000Z' });
  });

  it('passes text operands as given and drops the operand of isEmpty', () => {
    expect(one('Name', 'contains', '  Bolt %')).toMatchObject({ value: '  Bolt %' });
    expect(one('Name', 'isEmpty', 'ignored')).toEqual({ field: F.Name, op: 'isEmpty' });
    expect(one('Due', 'withinPastDays', 7)).toMatchObject({ value: 7 });
  });

  it('resolving a resolved filter changes nothing', () => {
    const filter: FilterGroup = {
      or: [
        { field: 'Status', op: 'anyOf', value: ['Open'] },
        { field: 'Tags', op: '=', value: ['Brass'] },
        { field: 'Shipped', op: '>=', value: '2024-03-10T12:00:00+01:00' },
        { field: 'Done', op: '=', value: false },
      ],
    };
    const once = resolveFilter(PARTS, filter);
    expect(resolveFilter(PARTS, once)).toEqual(once);
  });
});

describe('filter errors', () => {
  it('an operator the field type lacks', () => {
    expect(error(() => one('Status', 'startsWith', 'O'))).toEqual({
      code: 'INVALID_INPUT',
      message: "'Status' (single select) does not support 'startsWith'",
    });
    expect(error(() => one('Qty', 'contains', '1')).message).toBe("'Qty' (number) does not support 'contains'");
  });

  it('a missing operand', () => {
    expect(error(() => one('Qty', '>'))).toEqual({ code: 'INVALID_INPUT', message: "'Qty' with '>' needs a value" });
    expect(error(() => one('Name', 'contains', '')).message).toBe("'Name' with 'contains' needs a value");
  });

  it('anyOf and allOf need a list', () => {
    expect(error(() => one('Status', 'anyOf', 'Open')).message).toBe("'Status' with 'anyOf' needs a list of values");
    const tooMany = Array.from({ length: 1001 }, () => 'Open');
    expect(error(() => one('Status', 'anyOf', tooMany)).message).toBe("'Status' with 'anyOf' takes at most 1000 values");
  });

  it('withinPastDays and withinNextDays need a whole number of days', () => {
    for (const bad of [-1, 1.5, 'soon', 1e9]) {
      expect(error(() => one('Due', 'withinPastDays', bad)).message).toMatch(/^'Due' with 'withinPastDays' needs a whole number of days/);
    }
  });

  it('an operand the field type cannot read, named in the message', () => {
    const e = error(() => one('Qty', '=', 'twelve'));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/^'Qty' with '=': .*'twelve'/);
    expect(error(() => one('Due', '<', 'someday')).message).toMatch(/'someday'/);
  });

  it('an unknown choice name, named in the message', () => {
    const e = error(() => one('Status', '=', 'Bogus'));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/^'Status' with '=': .*'Bogus'/);
    expect(error(() => one('Tags', 'anyOf', ['Steel', 'Gold'])).message).toMatch(/'Gold'/);
  });

  it('an unknown field inside a nested group', () => {
    expect(error(() => resolveFilter(PARTS, { and: [{ or: [{ field: 'Qtty', op: 'isEmpty' }] }] }))).toEqual({
      code: 'NOT_FOUND',
      message: "No field 'Qtty' in table 'Parts'",
    });
  });
});

describe('sorts, groups and whole queries', () => {
  it('sorts and groups resolve to ids', () => {
    expect(resolveSorts(PARTS, [{ field: 'qty', direction: 'desc' }])).toEqual([{ field: F.Qty, direction: 'desc' }]);
    expect(resolveGroups(PARTS, [{ field: 'Status', direction: 'asc' }])).toEqual([{ field: F.Status, direction: 'asc' }]);
  });

  it('more than three group levels are refused', () => {
    const level = { field: 'Qty', direction: 'asc' as const };
    expect(error(() => resolveGroups(PARTS, [level, level, level, level])).code).toBe('INVALID_INPUT');
  });

  it('a query keeps search and paging and resolves the rest', () => {
    expect(
      resolveQuerySpec(PARTS, {
        filter: { and: [{ field: 'Qty', op: '>', value: '1' }] },
        sorts: [{ field: 'Name', direction: 'asc' }],
        search: 'bolt',
        offset: 5,
        limit: 10,
      }),
    ).toEqual({
      filter: { and: [{ field: F.Qty, op: '>', value: 1 }] },
      sorts: [{ field: F.Name, direction: 'asc' }],
      search: 'bolt',
      offset: 5,
      limit: 10,
    });
  });
});
