/**
 * A table's drawing mapping through the engine: suggested and saved by the first drop (which is one
 * undo step with its records), used by later drops, set and checked by drawings.mapping.set, kept
 * in the schema (undo, field deletion) like any schema change. Real extraction pool, corpus files.
 */
import { describe, expect, it } from 'vitest';
import type { BaseInfo, DrawingAddResult, DrawingMappingInfo, QueryPage, RecordOut, TableSchema, UndoState } from '../../../src-shared/api/engine.dto';
import { useEngine } from '../testing/engine-harness';
import { corpusAvailable, corpusPath } from '../../workers/testing/corpus';

const h = useEngine();
const call = <T,>(method: string, input: unknown): Promise<T> => h.call<T>(method, input);

async function newBase(name: string, fields: Array<{ name: string; type: string }> = [{ name: 'Name', type: 'singleLineText' }]): Promise<string> {
  const { base } = await call<BaseInfo>('base.create', { path: h.tmp.file(`${name}.base`) });
  await call('table.create', { base, name: 'Drawings', fields });
  return base;
}
const tableOf = async (base: string): Promise<TableSchema> => (await call<{ tables: TableSchema[] }>('schema.get', { base })).tables[0]!;
const fieldNames = async (base: string): Promise<string[]> => (await tableOf(base)).fields.map((f) => f.name);
const records = async (base: string): Promise<RecordOut[]> => (await call<QueryPage>('records.query', { base, table: 'Drawings', keys: 'name' })).records;

describe.runIf(corpusAvailable())('drawing mapping', () => {
  it('the first drop saves the mapping it suggests, and undoing the drop takes back fields, mapping and records in one step', async () => {
    const base = await newBase('first');
    const before = await call<DrawingMappingInfo>('drawings.mapping.get', { base, table: 'Drawings' });
    expect(before).toMatchObject({ saved: false, mapping: [] });
    expect(before.keys.map((k) => k.key)).toEqual(expect.arrayContaining(['attachment', 'drawingNumber', 'title', 'revision', 'scale', 'sheet', 'format', 'material', 'drawnBy', 'date', 'generalTolerance', 'pages', 'text', 'dimensions', 'threads', 'gdt', 'surfaceFinish', 'tables', 'fileName']));
    expect(before.keys.find((k) => k.key === 'attachment')).toEqual({ key: 'attachment', label: 'Drawing file', fieldTypes: ['attachment'] });

    await call<DrawingAddResult>('drawings.add', { base, table: 'Drawings', paths: [corpusPath('pdf/Gripper.PDF'), corpusPath('pdf/Adapterplatte.PDF')] });
    const table = await tableOf(base);
    const id = (name: string): string => table.fields.find((f) => f.name === name)!.id;
    const expected = [
      { key: 'attachment', field: id('Drawing') }, { key: 'drawingNumber', field: id('Drawing No') }, { key: 'title', field: id('Title') },
      { key: 'revision', field: id('Revision') }, { key: 'scale', field: id('Scale') }, { key: 'material', field: id('Material') },
    ];
    expect(table.drawingMapping).toEqual(expected);
    expect(await call<DrawingMappingInfo>('drawings.mapping.get', { base, table: 'Drawings' })).toMatchObject({ saved: true, mapping: expected });

    // Five fields, the mapping and two records: one undo step.
    expect(await call<UndoState>('undo.state', { base })).toMatchObject({ canUndo: true, undoLabel: 'Add 2 drawings' });
    await call('undo.undo', { base });
    expect(await fieldNames(base)).toEqual(['Name']);
    expect(await records(base)).toEqual([]);
    expect((await tableOf(base)).drawingMapping).toBeUndefined();
    expect(await call<UndoState>('undo.state', { base })).toMatchObject({ undoLabel: "Create table 'Drawings'", redoLabel: 'Add 2 drawings' });
    await call('undo.redo', { base });
    expect(await fieldNames(base)).toEqual(['Name', 'Drawing', 'Drawing No', 'Title', 'Revision', 'Material', 'Scale']);
    expect((await tableOf(base)).drawingMapping).toEqual(expected);
    expect((await records(base)).map((r) => r.fields.Title)).toEqual(['Weird_Gripper_Cam_Adapter', 'Stahl Adapterplatte']);
  }, 60_000);

  it('later drops put values where the saved mapping says, and make no fields', async () => {
    const base = await newBase('mapped', [
      { name: 'Name', type: 'singleLineText' }, { name: 'Files', type: 'attachment' }, { name: 'Heading', type: 'longText' },
      { name: 'Pages', type: 'number' }, { name: 'Text', type: 'longText' }, { name: 'Threads', type: 'longText' },
      { name: 'Dims', type: 'json' }, { name: 'File', type: 'singleLineText' }, { name: 'Tolerance', type: 'singleLineText' },
    ]);
    const info = await call<DrawingMappingInfo>('drawings.mapping.set', {
      base, table: 'Drawings',
      mapping: [
        { key: 'title', field: 'Heading' }, { key: 'attachment', field: 'Files' }, { key: 'pages', field: 'Pages' }, { key: 'text', field: 'Text' },
        { key: 'threads', field: 'Threads' }, { key: 'dimensions', field: 'Dims' }, { key: 'fileName', field: 'File' }, { key: 'generalTolerance', field: 'Tolerance' },
      ],
    });
    expect(info.saved).toBe(true);
    // Stored in key order whatever order it was given in.
    expect(info.mapping.map((e) => e.key)).toEqual(['attachment', 'fileName', 'title', 'generalTolerance', 'pages', 'text', 'dimensions', 'threads']);
    const fieldsBefore = await fieldNames(base);

    await call('drawings.add', { base, table: 'Drawings', paths: [corpusPath('pdf/Adapterplatte.PDF')] });
    expect(await fieldNames(base)).toEqual(fieldsBefore);
    const [r] = await records(base);
    expect(r!.fields).toMatchObject({ Heading: 'Stahl Adapterplatte', Pages: 1, Threads: '4 x M8', File: 'Adapterplatte.PDF', Tolerance: '+0.1/-0.1' });
    expect(r!.fields.Text).toContain('4 x M8 Gewinde durchgehend\n');
    expect(r!.fields.Dims).toEqual(expect.arrayContaining([expect.objectContaining({ text: expect.any(String), kind: expect.any(String) })]));
    expect(r!.fields.Files).toEqual([expect.objectContaining({ name: 'Adapterplatte.PDF' })]);
  }, 60_000);

  it('refuses fields that do not exist, cannot take the value, or are named twice, saying which', async () => {
    const base = await newBase('refuse', [
      { name: 'Name', type: 'singleLineText' }, { name: 'Files', type: 'attachment' }, { name: 'Done', type: 'checkbox' }, { name: 'Qty', type: 'number' },
    ]);
    const set = (mapping: unknown): Promise<unknown> => call('drawings.mapping.set', { base, table: 'Drawings', mapping });
    await expect(set([{ key: 'title', field: 'Nope' }])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(set([{ key: 'title', field: 'Done' }])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: "Title can't go into 'Done' (checkbox); it goes into a field of type single line text, long text, single select, number, date.",
    });
    await expect(set([{ key: 'attachment', field: 'Name' }])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: "The drawing files go into an attachment field; 'Name' is single line text.",
    });
    await expect(set([{ key: 'title', field: 'Files' }])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(set([{ key: 'title', field: 'Name' }, { key: 'drawingNumber', field: 'Name' }])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: "'Name' is mapped twice (Title and Drawing number); a field takes one value.",
    });
    await expect(set([{ key: 'title', field: 'Name' }, { key: 'title', field: 'Qty' }])).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'Title is mapped twice; map it to one field.' });
    await expect(set([{ key: 'colour', field: 'Name' }])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    // Nothing was saved by the refused calls.
    expect((await tableOf(base)).drawingMapping).toBeUndefined();
  });

  it('is part of the schema: undoable, and a deleted field leaves it until undone', async () => {
    const base = await newBase('schema', [
      { name: 'Name', type: 'singleLineText' }, { name: 'Files', type: 'attachment' }, { name: 'Heading', type: 'singleLineText' }, { name: 'Qty', type: 'number' },
    ]);
    const table = await tableOf(base);
    const id = (name: string): string => table.fields.find((f) => f.name === name)!.id;
    // Without a saved mapping, what the first drop would use of the fields there are.
    expect(await call<DrawingMappingInfo>('drawings.mapping.get', { base, table: 'Drawings' })).toMatchObject({ saved: false, mapping: [{ key: 'attachment', field: id('Files') }] });

    await call('drawings.mapping.set', { base, table: 'Drawings', mapping: [{ key: 'attachment', field: 'Files' }, { key: 'title', field: 'Heading' }] });
    await call('drawings.mapping.set', { base, table: 'Drawings', mapping: [{ key: 'attachment', field: 'Files' }, { key: 'pages', field: 'Qty' }] });
    expect(await call<UndoState>('undo.state', { base })).toMatchObject({ undoLabel: "Change drawing mapping of 'Drawings'" });
    await call('undo.undo', { base });
    expect((await tableOf(base)).drawingMapping).toEqual([{ key: 'attachment', field: id('Files') }, { key: 'title', field: id('Heading') }]);

    await call('field.delete', { base, table: 'Drawings', field: 'Heading' });
    expect((await tableOf(base)).drawingMapping).toEqual([{ key: 'attachment', field: id('Files') }]);
    await call('undo.undo', { base });
    expect((await tableOf(base)).drawingMapping).toEqual([{ key: 'attachment', field: id('Files') }, { key: 'title', field: id('Heading') }]);

    // A retype to a type that cannot take the value drops the entry too; the mapping survives a reopen.
    await call('field.update', { base, table: 'Drawings', field: 'Heading', type: 'checkbox' });
    expect((await tableOf(base)).drawingMapping).toEqual([{ key: 'attachment', field: id('Files') }]);
    await call('undo.undo', { base });
    // A deleted table comes back with its mapping.
    await call('table.delete', { base, table: 'Drawings' });
    await call('undo.undo', { base });
    expect((await tableOf(base)).drawingMapping).toEqual([{ key: 'attachment', field: id('Files') }, { key: 'title', field: id('Heading') }]);
    const path = (await call<BaseInfo>('base.open', { path: h.tmp.file('schema.base') })).path;
    await call('base.close', { base });
    const again = await call<BaseInfo>('base.open', { path });
    expect(again.schema.tables[0]!.drawingMapping).toEqual([{ key: 'attachment', field: id('Files') }, { key: 'title', field: id('Heading') }]);
  });
});
