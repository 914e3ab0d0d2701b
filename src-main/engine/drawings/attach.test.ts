/**
 * drawings.attach: drawings dropped into an existing record join its attachment cell and fill its
 * mapped fields that are empty, never over a value; a failing file fails alone; one undo step.
 * Real extraction pool, corpus files.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BaseInfo, DrawingAttachResult, ProgressEvent, RecordOut, TableSchema, UndoState } from '../../../src-shared/api/engine.dto';
import { useEngine } from '../testing/engine-harness';
import { corpusAvailable, corpusPath } from '../../workers/testing/corpus';

const h = useEngine();
const call = <T,>(method: string, input: unknown): Promise<T> => h.call<T>(method, input);
const get = (base: string, id: string): Promise<RecordOut> => call<RecordOut>('records.get', { base, table: 'Parts', id, keys: 'name' });

async function partsBase(name: string): Promise<string> {
  const { base } = await call<BaseInfo>('base.create', { path: h.tmp.file(`${name}.base`) });
  await call('table.create', { base, name: 'Parts', fields: [{ name: 'Name', type: 'singleLineText' }] });
  return base;
}

describe.runIf(corpusAvailable())('drawings.attach', () => {
  it('appends the files to the record, fills only its empty mapped fields, and fails a bad file alone, as one undo step', async () => {
    const base = await partsBase('attach');
    // No mapping yet: attaching suggests it, as a first drop does.
    const { ids } = await call<{ ids: string[] }>('records.create', { base, table: 'Parts', records: [{ Name: 'Plate' }] });
    const record = ids[0]!;
    await call('field.create', { base, table: 'Parts', name: 'Title', type: 'singleLineText' });
    await call('records.update', { base, table: 'Parts', updates: [{ id: record, fields: { Title: 'Kept as typed' } }] });
    const notes = h.tmp.file('notes.txt');
    fs.writeFileSync(notes, 'not a drawing');
    const progress: ProgressEvent[] = [];
    h.engine.onDidProgress((e) => progress.push(e));

    const paths = [corpusPath('pdf/Adapterplatte.PDF'), notes, corpusPath('pdf/Gripper.PDF')];
    const r = await call<DrawingAttachResult>('drawings.attach', { base, table: 'Parts', record, paths, job: 'into-1' });
    expect(r).toMatchObject({ record, attached: 2, failed: 1 });
    expect(r.files.map((f) => f.file)).toEqual(paths);
    expect(r.files[1]!.error).toMatchObject({ code: 'EXTRACTION_FAILED' });
    expect(progress.filter((p) => p.item).map((p) => [p.item!.index, p.item!.id ?? p.item!.error?.code])).toEqual([[0, record], [1, 'EXTRACTION_FAILED'], [2, record]]);

    const table = (await call<{ tables: TableSchema[] }>('schema.get', { base })).tables[0]!;
    expect(r.field).toBe(table.fields.find((f) => f.name === 'Drawing')!.id);
    const rec = await get(base, record);
    expect((rec.fields.Drawing as Array<{ name: string }>).map((a) => a.name)).toEqual(['Adapterplatte.PDF', 'Gripper.PDF']);
    // The typed title stays; empty fields take the first file's values, then the next file's.
    expect(rec.fields).toMatchObject({ Name: 'Plate', Title: 'Kept as typed', Material: 'Stahl', Scale: '1:2', 'Drawing No': 'UR10_29.20' });
    expect(r.filled.map((id) => table.fields.find((f) => f.id === id)!.name).sort()).toEqual(['Drawing No', 'Material', 'Scale']);

    expect(await call<UndoState>('undo.state', { base })).toMatchObject({ undoLabel: 'Attach 2 drawings' });
    await call('undo.undo', { base });
    expect((await call<{ tables: TableSchema[] }>('schema.get', { base })).tables[0]!.fields.map((f) => f.name)).toEqual(['Name', 'Title']);
    expect((await get(base, record)).fields).toEqual({ Name: 'Plate', Title: 'Kept as typed' });
  }, 60_000);

  it('adds to the files a record has, into the field asked for, and refuses what is not an attachment field or record', async () => {
    const base = await partsBase('more');
    await call('field.create', { base, table: 'Parts', name: 'Drawings', type: 'attachment' });
    await call('field.create', { base, table: 'Parts', name: 'Other files', type: 'attachment' });
    const { ids } = await call<{ ids: string[] }>('records.create', { base, table: 'Parts', records: [{ Name: 'Bracket' }] });
    const record = ids[0]!;
    await call('drawings.attach', { base, table: 'Parts', record, field: 'Other files', paths: [corpusPath('dxf/uncommon.dxf')] });
    await call('drawings.attach', { base, table: 'Parts', record, field: 'Other files', paths: [corpusPath('pdf/Gripper.PDF')] });
    const rec = await get(base, record);
    expect((rec.fields['Other files'] as Array<{ name: string }>).map((a) => a.name)).toEqual(['uncommon.dxf', 'Gripper.PDF']);
    expect(rec.fields.Drawings).toBeUndefined();
    await expect(call('drawings.attach', { base, table: 'Parts', record, field: 'Name', paths: [corpusPath('pdf/Gripper.PDF')] })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: "'Name' is not an attachment field; drawings go into an attachment field.",
    });
    await expect(call('drawings.attach', { base, table: 'Parts', record: 'recNOPE0000000000', paths: [corpusPath('pdf/Gripper.PDF')] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  }, 60_000);
});
