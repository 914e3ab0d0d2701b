import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineClient } from '../../src-shared/api/engine.contract';
import { makeTempDir } from './testing/temp-dir';
import { inProcessClient } from './testing/engine-client';
import type { Engine } from './engine';

let tmp: ReturnType<typeof makeTempDir>;
let engine: Engine;
let api: EngineClient;
let base: string;

beforeEach(async () => {
  tmp = makeTempDir();
  ({ engine, client: api } = inProcessClient({ actor: 'ada' }));
  base = (await api['base.create']({ path: tmp.file('s.base') })).base;
});
afterEach(() => {
  engine.close();
  tmp.cleanup();
});

const fieldNames = async (table: string): Promise<string[]> =>
  (await api['schema.get']({ base })).tables.find((t) => t.name === table)!.fields.map((f) => f.name);

describe('tables, fields and views', () => {
  it('a new table has a primary Name field and a grid view; names are unique ignoring case', async () => {
    const t = await api['table.create']({ base, name: 'Drawings' });
    expect(t.fields.map((f) => [f.name, f.type])).toEqual([['Name', 'singleLineText']]);
    expect(t.views.map((v) => v.name)).toEqual(['Grid view']);
    await expect(api['table.create']({ base, name: 'drawings' })).rejects.toMatchObject({ code: 'NAME_TAKEN' });
    await expect(api['table.create']({ base, name: '   ' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('tables rename, reorder and delete, and delete is undoable with its records', async () => {
    await api['table.create']({ base, name: 'A' });
    await api['table.create']({ base, name: 'B' });
    await api['table.create']({ base, name: 'C' });
    await api['table.move']({ base, table: 'C', before: 'A' });
    await api['table.rename']({ base, table: 'B', name: 'Bee' });
    expect((await api['schema.get']({ base })).tables.map((t) => t.name)).toEqual(['C', 'A', 'Bee']);
    await api['records.create']({ base, table: 'A', records: [{ Name: 'one' }, { Name: 'two' }] });
    await api['table.delete']({ base, table: 'A' });
    await expect(api['records.count']({ base, table: 'A' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await api['undo.undo']({ base });
    expect((await api['schema.get']({ base })).tables.map((t) => t.name)).toEqual(['C', 'A', 'Bee']);
    expect((await api['records.count']({ base, table: 'A' })).count).toBe(2);
  });

  it('fields are added before others, moved, renamed and deleted; the primary field stays', async () => {
    await api['table.create']({ base, name: 'T' });
    await api['field.create']({ base, table: 'T', name: 'Qty', type: 'number' });
    await api['field.create']({ base, table: 'T', name: 'Notes', type: 'longText', before: 'Qty' });
    expect(await fieldNames('T')).toEqual(['Name', 'Notes', 'Qty']);
    await api['field.move']({ base, table: 'T', field: 'Qty', before: 'Notes' });
    expect(await fieldNames('T')).toEqual(['Name', 'Qty', 'Notes']);
    await expect(api['field.create']({ base, table: 'T', name: 'qty', type: 'number' })).rejects.toMatchObject({ code: 'NAME_TAKEN' });
    await expect(api['field.delete']({ base, table: 'T', field: 'Name' })).rejects.toThrow(/primary field/);
    await expect(api['field.create']({ base, table: 'T', name: 'R', type: 'rating', options: { max: 99 } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await api['records.create']({ base, table: 'T', records: [{ Name: 'x', Notes: 'keep me' }] });
    await api['field.delete']({ base, table: 'T', field: 'Notes' });
    expect(await fieldNames('T')).toEqual(['Name', 'Qty']);
    expect((await api['records.count']({ base, table: 'T', search: 'keep' })).count).toBe(0);
    await api['undo.undo']({ base });
    expect(await fieldNames('T')).toEqual(['Name', 'Qty', 'Notes']);
    const page = await api['records.query']({ base, table: 'T', keys: 'name' });
    expect(page.records[0]!.fields.Notes).toBe('keep me');
  });

  it('changing a type converts every cell, counts failures, and undo brings the old values back', async () => {
    await api['table.create']({ base, name: 'T', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'Size', type: 'singleLineText' }] });
    await api['records.create']({ base, table: 'T', records: [{ Name: 'a', Size: '12' }, { Name: 'b', Size: '3.5' }, { Name: 'c', Size: 'large' }, { Name: 'd' }] });
    const preview = await api['field.previewChange']({ base, table: 'T', field: 'Size', type: 'number' });
    expect(preview).toMatchObject({ converted: 2, failed: 1 });
    const report = await api['field.update']({ base, table: 'T', field: 'Size', type: 'number', options: { precision: 1 } });
    expect(report).toMatchObject({ converted: 2, failed: 1, field: { type: 'number' } });
    expect(report.failures[0]).toMatchObject({ value: 'large' });
    const sizes = async (): Promise<unknown[]> =>
      (await api['records.query']({ base, table: 'T', keys: 'name', sorts: [{ field: 'Name', direction: 'asc' }] })).records.map((r) => r.fields.Size ?? null);
    expect(await sizes()).toEqual([12, 3.5, null, null]);
    expect((await api['records.count']({ base, table: 'T', filter: { and: [{ field: 'Size', op: '>', value: 5 }] } })).count).toBe(1);
    await api['undo.undo']({ base });
    expect((await api['schema.get']({ base })).tables[0]!.fields[1]!.type).toBe('singleLineText');
    expect(await sizes()).toEqual(['12', '3.5', 'large', null]);
    await api['undo.redo']({ base });
    expect(await sizes()).toEqual([12, 3.5, null, null]);
  });

  it('text becomes a single select with a choice per distinct value', async () => {
    await api['table.create']({ base, name: 'T', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'State', type: 'singleLineText' }] });
    await api['records.create']({ base, table: 'T', records: [{ Name: 'a', State: 'open' }, { Name: 'b', State: 'closed' }, { Name: 'c', State: 'open' }] });
    const r = await api['field.update']({ base, table: 'T', field: 'State', type: 'singleSelect' });
    expect((r.field.options as { choices: Array<{ name: string }> }).choices.map((c) => c.name)).toEqual(['open', 'closed']);
    const groups = await api['records.groups']({ base, table: 'T', groups: [{ field: 'State', direction: 'asc' }] });
    expect(groups.map((g) => [g.key, g.count])).toEqual([['closed', 1], ['open', 2]]);
  });

  it('views keep hidden fields, order and widths by field id, and a table keeps one view', async () => {
    await api['table.create']({ base, name: 'T', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'A', type: 'number' }, { name: 'B', type: 'number' }] });
    const v = await api['view.create']({ base, table: 'T', name: 'Mine', hidden: ['A'], fieldOrder: ['B', 'Name'], widths: { B: 240 } });
    const ids = (await api['schema.get']({ base })).tables[0]!.fields.map((f) => f.id);
    expect(v.hidden).toEqual([ids[1]]);
    expect(v.fieldOrder).toEqual([ids[2], ids[0]]);
    expect(v.widths).toEqual({ [ids[2]!]: 240 });
    await api['view.update']({ base, table: 'T', view: 'Mine', name: 'Ours', sorts: [{ field: 'B', direction: 'desc' }] });
    await api['view.delete']({ base, table: 'T', view: 'Grid view' });
    await expect(api['view.delete']({ base, table: 'T', view: 'Ours' })).rejects.toThrow(/at least one view/);
  });
});

describe('undo and history', () => {
  it('undo and redo walk this client’s changes, and a new change clears redo', async () => {
    await api['table.create']({ base, name: 'T' });
    const { ids } = await api['records.create']({ base, table: 'T', records: [{ Name: 'v1' }] });
    const id = ids[0]!;
    await api['records.update']({ base, table: 'T', updates: [{ id, fields: { Name: 'v2' } }] });
    await api['records.update']({ base, table: 'T', updates: [{ id, fields: { Name: 'v3' } }] });
    const name = async (): Promise<unknown> => (await api['records.get']({ base, table: 'T', id, keys: 'name' })).fields.Name;
    expect((await api['undo.undo']({ base })).redoLabel).toBe('Edit cell');
    expect(await name()).toBe('v2');
    await api['undo.undo']({ base });
    expect(await name()).toBe('v1');
    await api['undo.redo']({ base });
    expect(await name()).toBe('v2');
    await api['records.update']({ base, table: 'T', updates: [{ id, fields: { Name: 'v4' } }] });
    expect((await api['undo.state']({ base })).canRedo).toBe(false);
    await expect(api['undo.redo']({ base })).rejects.toMatchObject({ code: 'NOTHING_TO_UNDO' });
  });

  it('history says who changed which cell when', async () => {
    await api['table.create']({ base, name: 'T', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'Qty', type: 'number' }] });
    const { ids } = await api['records.create']({ base, table: 'T', records: [{ Name: 'a', Qty: 1 }] });
    await api['records.update']({ base, table: 'T', updates: [{ id: ids[0]!, fields: { Qty: 2 } }] });
    const h = await api['records.history']({ base, table: 'T', id: ids[0]! });
    expect(h.map((e) => [e.kind, e.fieldName, e.oldValue, e.newValue, e.actor])).toEqual([
      ['set', 'Qty', 1, 2, 'ada'],
      ['create', null, null, expect.any(Object), 'ada'],
    ]);
    expect(Date.parse(h[0]!.at)).toBeGreaterThan(0);
  });
});

describe('select options', () => {
  it('editing choices by name keeps the cells that use them', async () => {
    await api['table.create']({ base, name: 'T', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'S', type: 'singleSelect', options: { choices: [{ name: 'x' }, { name: 'y' }] } }] });
    const { ids } = await api['records.create']({ base, table: 'T', records: [{ Name: 'a', S: 'x' }] });
    await api['field.update']({ base, table: 'T', field: 'S', options: { choices: [{ name: 'x', color: 'red' }, 'y', { name: 'z' }] } });
    expect((await api['records.get']({ base, table: 'T', id: ids[0]!, keys: 'name' })).fields.S).toBe('x');
    const field = (await api['schema.get']({ base })).tables[0]!.fields[1]!;
    expect((field.options as { choices: Array<{ name: string; color: string }> }).choices.map((c) => [c.name, c.color])).toEqual([['x', 'red'], ['y', expect.any(String)], ['z', expect.any(String)]]);
  });
});
