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
  base = (await api['base.create']({ path: tmp.file('t.base') })).base;
  await api['table.create']({
    base,
    name: 'Parts',
    fields: [
      { name: 'Name', type: 'singleLineText' },
      { name: 'Qty', type: 'number', options: { precision: 0 } },
      { name: 'Price', type: 'currency' },
      { name: 'Status', type: 'singleSelect', options: { choices: [{ name: 'Open' }, { name: 'Done' }] } },
      { name: 'Tags', type: 'multipleSelect', options: { choices: [{ name: 'steel' }, { name: 'metric' }, { name: 'spare' }] } },
      { name: 'Due', type: 'date' },
      { name: 'Ok', type: 'checkbox' },
      { name: 'No', type: 'autonumber' },
    ],
  });
});
afterEach(() => {
  engine.close();
  tmp.cleanup();
});

async function names(query: Parameters<EngineClient['records.query']>[0]): Promise<string[]> {
  const page = await api['records.query']({ ...query, keys: 'name' });
  return page.records.map((r) => String(r.fields.Name));
}

describe('records', () => {
  it('creates records with values in their JSON form and reads them back by name', async () => {
    const { ids } = await api['records.create']({
      base, table: 'Parts',
      records: [{ Name: 'Bolt', Qty: '4', Price: 1.5, Status: 'Open', Tags: ['steel', 'metric'], Due: '2024-03-01', Ok: true }],
    });
    const r = await api['records.get']({ base, table: 'Parts', id: ids[0]!, keys: 'name' });
    expect(r.fields).toEqual({ Name: 'Bolt', Qty: 4, Price: 1.5, Status: 'Open', Tags: ['steel', 'metric'], Due: '2024-03-01', Ok: true, No: 1 });
  });

  it('a value that does not fit its field is refused, naming the field, and nothing is written', async () => {
    await expect(api['records.create']({ base, table: 'Parts', records: [{ Name: 'A' }, { Name: 'B', Qty: 'twelve' }] })).rejects.toThrow(
      /record 2, field 'Qty': 'twelve' is not a number/,
    );
    await expect(api['records.create']({ base, table: 'Parts', records: [{ Status: 'Purple' }] })).rejects.toMatchObject({ code: 'INVALID_VALUE' });
    await expect(api['records.create']({ base, table: 'Parts', records: [{ Nope: 1 }] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(api['records.create']({ base, table: 'Parts', records: [{ No: 5 }] })).rejects.toMatchObject({ code: 'READ_ONLY_FIELD' });
    expect((await api['records.count']({ base, table: 'Parts' })).count).toBe(0);
  });

  it('a paste updates and adds records in one change: one undo takes it all back, one redo brings it back', async () => {
    const { ids } = await api['records.create']({ base, table: 'Parts', records: [{ Name: 'Bolt', Qty: 1 }] });
    const r = await api['records.paste']({ base, table: 'Parts', updates: [{ id: ids[0]!, fields: { Qty: 5 } }], records: [{ Name: 'Nut', Qty: 2 }, { Name: 'Washer' }] });
    expect(r.updated).toBe(1);
    expect(r.ids).toHaveLength(2);
    expect(await names({ base, table: 'Parts', sorts: [{ field: 'Name', direction: 'asc' }] })).toEqual(['Bolt', 'Nut', 'Washer']);
    expect((await api['records.get']({ base, table: 'Parts', id: ids[0]!, keys: 'name' })).fields.Qty).toBe(5);
    expect((await api['undo.undo']({ base })).redoLabel).toBe('Paste');
    expect(await names({ base, table: 'Parts' })).toEqual(['Bolt']);
    expect((await api['records.get']({ base, table: 'Parts', id: ids[0]!, keys: 'name' })).fields.Qty).toBe(1);
    await api['undo.redo']({ base });
    expect((await api['records.count']({ base, table: 'Parts' })).count).toBe(3);
    // A bad value anywhere refuses the whole paste.
    await expect(api['records.paste']({ base, table: 'Parts', records: [{ Name: 'x' }, { Qty: 'lots' }] })).rejects.toMatchObject({ code: 'INVALID_VALUE' });
    expect((await api['records.count']({ base, table: 'Parts' })).count).toBe(3);
  });

  it('updates are partial and bulk operations are one transaction', async () => {
    const { ids } = await api['records.create']({ base, table: 'Parts', records: [{ Name: 'A', Qty: 1 }, { Name: 'B', Qty: 2 }] });
    await api['records.update']({ base, table: 'Parts', updates: [{ id: ids[0]!, fields: { Qty: 10 } }, { id: ids[1]!, fields: { Name: 'B2' } }] });
    const page = await api['records.query']({ base, table: 'Parts', keys: 'name', sorts: [{ field: 'No', direction: 'asc' }] });
    expect(page.records.map((r) => [r.fields.Name, r.fields.Qty])).toEqual([['A', 10], ['B2', 2]]);
    await expect(api['records.update']({ base, table: 'Parts', updates: [{ id: ids[0]!, fields: { Qty: 99 } }, { id: 'recNOPE0000000000', fields: { Qty: 1 } }] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await api['records.get']({ base, table: 'Parts', id: ids[0]!, keys: 'name' })).fields.Qty).toBe(10);
  });

  it('duplicating copies values and gives a new autonumber; deleting removes', async () => {
    const { ids } = await api['records.create']({ base, table: 'Parts', records: [{ Name: 'A', Tags: ['spare'] }] });
    const dup = await api['records.duplicate']({ base, table: 'Parts', ids });
    const copy = await api['records.get']({ base, table: 'Parts', id: dup.ids[0]!, keys: 'name' });
    expect(copy.fields).toMatchObject({ Name: 'A', Tags: ['spare'], No: 2 });
    await api['records.delete']({ base, table: 'Parts', ids });
    expect(await names({ base, table: 'Parts' })).toEqual(['A']);
    await expect(api['records.get']({ base, table: 'Parts', id: ids[0]!, keys: 'id' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('queries', () => {
  beforeEach(async () => {
    await api['records.create']({
      base, table: 'Parts',
      records: [
        { Name: 'Bolt M8', Qty: 40, Status: 'Open', Tags: ['steel', 'metric'], Due: '2024-01-10', Ok: true },
        { Name: 'Nut M8', Qty: 100, Status: 'Done', Tags: ['steel'], Due: '2024-02-10' },
        { Name: 'Washer', Qty: 5, Status: 'Open', Tags: ['spare'] },
        { Name: 'Pin', Status: 'Done', Tags: ['metric', 'spare'], Due: '2023-12-31', Ok: true },
        { Name: 'bracket', Qty: 5 },
      ],
    });
  });

  it('filters with AND/OR groups and per-type operators', async () => {
    expect(await names({ base, table: 'Parts', filter: { and: [{ field: 'Qty', op: '>=', value: 40 }] }, sorts: [{ field: 'Qty', direction: 'asc' }] })).toEqual(['Bolt M8', 'Nut M8']);
    expect(await names({ base, table: 'Parts', filter: { or: [{ field: 'Name', op: 'startsWith', value: 'b' }, { and: [{ field: 'Status', op: '=', value: 'Done' }, { field: 'Ok', op: '=', value: true }] }] }, sorts: [{ field: 'Name', direction: 'asc' }] })).toEqual(['Bolt M8', 'bracket', 'Pin']);
    expect(await names({ base, table: 'Parts', filter: { and: [{ field: 'Tags', op: 'allOf', value: ['metric', 'spare'] }] } })).toEqual(['Pin']);
    expect(await names({ base, table: 'Parts', filter: { and: [{ field: 'Tags', op: 'anyOf', value: ['spare'] }] }, sorts: [{ field: 'Name', direction: 'asc' }] })).toEqual(['Pin', 'Washer']);
    expect(await names({ base, table: 'Parts', filter: { and: [{ field: 'Due', op: 'isEmpty' }] }, sorts: [{ field: 'Name', direction: 'asc' }] })).toEqual(['bracket', 'Washer']);
    expect(await names({ base, table: 'Parts', filter: { and: [{ field: 'Due', op: '<', value: '2024-01-15' }] }, sorts: [{ field: 'Due', direction: 'asc' }] })).toEqual(['Pin', 'Bolt M8']);
    expect(await names({ base, table: 'Parts', filter: { and: [{ field: 'Name', op: 'notContains', value: 'm8' }, { field: 'Status', op: '!=', value: 'Done' }] }, sorts: [{ field: 'Name', direction: 'asc' }] })).toEqual(['bracket', 'Washer']);
    await expect(api['records.query']({ base, table: 'Parts', filter: { and: [{ field: 'Status', op: 'startsWith', value: 'O' }] } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('sorts by several fields, pages with a total, and searches full text', async () => {
    const page = await api['records.query']({ base, table: 'Parts', keys: 'name', sorts: [{ field: 'Qty', direction: 'desc' }, { field: 'Name', direction: 'asc' }], offset: 1, limit: 3 });
    expect(page.total).toBe(5);
    expect(page.records.map((r) => r.fields.Name)).toEqual(['Bolt M8', 'bracket', 'Washer']);
    expect(await names({ base, table: 'Parts', search: 'm8', sorts: [{ field: 'Name', direction: 'asc' }] })).toEqual(['Bolt M8', 'Nut M8']);
    expect(await names({ base, table: 'Parts', search: 'nu m8' })).toEqual(['Nut M8']);
    expect((await api['records.count']({ base, table: 'Parts', search: 'spare' })).count).toBe(2);
  });

  it('groups nest with counts', async () => {
    const groups = await api['records.groups']({ base, table: 'Parts', groups: [{ field: 'Status', direction: 'asc' }, { field: 'Ok', direction: 'asc' }] });
    expect(groups.map((g) => [g.key, g.count])).toEqual([[null, 1], ['Done', 2], ['Open', 2]]);
    expect(groups[1]!.children!.map((g) => [g.key, g.count])).toEqual([[null, 1], [true, 1]]);
  });

  it('a saved view is the same object as a query', async () => {
    const view = await api['view.create']({ base, table: 'Parts', name: 'Open by qty', filter: { and: [{ field: 'Status', op: '=', value: 'Open' }] }, sorts: [{ field: 'Qty', direction: 'desc' }] });
    expect(view.filter).toEqual({ and: [{ field: expect.stringMatching(/^fld/), op: '=', value: expect.stringMatching(/^sel/) }] });
    expect(await names({ base, table: 'Parts', view: 'Open by qty' })).toEqual(['Bolt M8', 'Washer']);
    // Renaming a field does not break the view: it stores ids.
    await api['field.update']({ base, table: 'Parts', field: 'Status', name: 'State' });
    expect(await names({ base, table: 'Parts', view: view.id })).toEqual(['Bolt M8', 'Washer']);
  });
});
