/**
 * drawings.reapply: the mapping applied again from the stored readings of each record's files;
 * a cell a person edited stays unless asked, empty cells are filled, one undo step, a cancel
 * changes nothing. Real extraction pool, corpus files.
 */
import { describe, expect, it } from 'vitest';
import type { BaseInfo, DrawingAddResult, DrawingReapplyResult, ProgressEvent, RecordOut, UndoState } from '../../../src-shared/api/engine.dto';
import type { AttachmentRef } from '../../../src-shared/schema/schema.types';
import { useEngine } from '../testing/engine-harness';
import { corpusAvailable, corpusPath } from '../../workers/testing/corpus';

const h = useEngine();
const call = <T,>(method: string, input: unknown): Promise<T> => h.call<T>(method, input);
const get = (base: string, id: string): Promise<RecordOut> => call<RecordOut>('records.get', { base, table: 'Drawings', id, keys: 'name' });

/** A table with the first drop's mapping and the Gripper and Adapterplatte as records. */
async function dropped(name: string): Promise<{ base: string; gripper: string; adapter: string }> {
  const { base } = await call<BaseInfo>('base.create', { path: h.tmp.file(`${name}.base`) });
  await call('table.create', { base, name: 'Drawings', fields: [{ name: 'Name', type: 'singleLineText' }] });
  const r = await call<DrawingAddResult>('drawings.add', { base, table: 'Drawings', paths: [corpusPath('pdf/Gripper.PDF'), corpusPath('pdf/Adapterplatte.PDF')] });
  return { base, gripper: r.files[0]!.id!, adapter: r.files[1]!.id! };
}

describe.runIf(corpusAvailable())('drawings.reapply', () => {
  it('keeps a cell a person edited and fills empty ones; with overwrite the edit is replaced; one undo step', async () => {
    const { base, gripper, adapter } = await dropped('edits');
    await call('records.update', { base, table: 'Drawings', updates: [{ id: gripper, fields: { Title: 'My own title' } }, { id: adapter, fields: { Material: null } }] });
    // The mapping gains the sheet, into a new field.
    await call('field.create', { base, table: 'Drawings', name: 'Sheet', type: 'singleLineText' });
    const mapping = (await call<{ mapping: Array<{ key: string; field: string }> }>('drawings.mapping.get', { base, table: 'Drawings' })).mapping;
    await call('drawings.mapping.set', { base, table: 'Drawings', mapping: [...mapping, { key: 'sheet', field: 'Sheet' }] });

    const progress: ProgressEvent[] = [];
    h.engine.onDidProgress((e) => progress.push(e));
    const result = await call<DrawingReapplyResult>('drawings.reapply', { base, table: 'Drawings', job: 're-1' });
    expect(result).toEqual({ records: 2, updated: 2, cells: 3, skippedEdited: 1, missing: 0, unconverted: 0 });
    expect(progress.filter((p) => p.job === 're-1').at(-1)).toMatchObject({ done: 2, total: 2, phase: 'applying drawing mapping' });
    expect((await get(base, gripper)).fields).toMatchObject({ Title: 'My own title', Sheet: '1 OF 1', 'Drawing No': 'UR10_29.20' });
    expect((await get(base, adapter)).fields).toMatchObject({ Title: 'Stahl Adapterplatte', Material: 'Stahl', Sheet: '1 VON 1' });
    expect(await call<UndoState>('undo.state', { base })).toMatchObject({ undoLabel: 'Apply drawing mapping to 2 records' });

    // Again: nothing left to do but the person's edit.
    expect(await call<DrawingReapplyResult>('drawings.reapply', { base, table: 'Drawings' })).toEqual({ records: 2, updated: 0, cells: 0, skippedEdited: 1, missing: 0, unconverted: 0 });

    const forced = await call<DrawingReapplyResult>('drawings.reapply', { base, table: 'Drawings', records: [gripper], overwrite: true });
    expect(forced).toEqual({ records: 1, updated: 1, cells: 1, skippedEdited: 0, missing: 0, unconverted: 0 });
    expect((await get(base, gripper)).fields.Title).toBe('Weird_Gripper_Cam_Adapter');
    await call('undo.undo', { base });
    expect((await get(base, gripper)).fields.Title).toBe('My own title');
  }, 60_000);

  it('a cell still holding what a reading wrote is updated when the mapping moves the value; values that do not fit are counted', async () => {
    const { base, gripper, adapter } = await dropped('moves');
    // Title now takes the drawing number; Scale becomes a number field (1:1 is no number).
    const info = await call<{ mapping: Array<{ key: string; field: string }> }>('drawings.mapping.get', { base, table: 'Drawings' });
    const rest = info.mapping.filter((e) => e.key !== 'title' && e.key !== 'drawingNumber' && e.key !== 'scale');
    await call('field.create', { base, table: 'Drawings', name: 'Scale no', type: 'number' });
    await call('drawings.mapping.set', { base, table: 'Drawings', mapping: [...rest, { key: 'drawingNumber', field: 'Title' }, { key: 'scale', field: 'Scale no' }] });
    const result = await call<DrawingReapplyResult>('drawings.reapply', { base, table: 'Drawings' });
    // Gripper's title becomes its number (the reading wrote the old title); the Adapterplatte has no number.
    expect(result).toEqual({ records: 2, updated: 1, cells: 1, skippedEdited: 0, missing: 0, unconverted: 2 });
    expect((await get(base, gripper)).fields.Title).toBe('UR10_29.20');
    expect((await get(base, adapter)).fields.Title).toBe('Stahl Adapterplatte');
  }, 60_000);

  it('counts records whose files were never read, and refuses unknown records and tables without a mapping', async () => {
    const { base } = await dropped('missing');
    const [ref] = (await call<{ attachments: AttachmentRef[] }>('attachment.add', { base, paths: [corpusPath('pdf/Gripper.PDF')] })).attachments;
    const { ids } = await call<{ ids: string[] }>('records.create', { base, table: 'Drawings', records: [{ Name: 'no file' }] });
    // Bytes read before (the drop) count even under a new attachment id.
    await call('records.create', { base, table: 'Drawings', records: [{ Name: 'same file', Drawing: [ref] }] });
    expect(await call<DrawingReapplyResult>('drawings.reapply', { base, table: 'Drawings' })).toMatchObject({ records: 4, missing: 1, updated: 1 });
    await expect(call('drawings.reapply', { base, table: 'Drawings', records: [ids[0], 'recNOPE0000000000'] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await call('table.create', { base, name: 'Plain' });
    await expect(call('drawings.reapply', { base, table: 'Plain' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('no drawing mapping') });
  }, 60_000);

  it('a cancelled re-apply changes nothing', async () => {
    const { base, gripper } = await dropped('cancel');
    const [ref] = (await call<{ attachments: AttachmentRef[] }>('attachment.add', { base, paths: [corpusPath('pdf/Gripper.PDF')] })).attachments;
    // Enough records for several batches, every one missing its title.
    await call('records.create', { base, table: 'Drawings', records: Array.from({ length: 1200 }, (_, i) => ({ Name: `copy ${i}`, Drawing: [ref] })) });
    await call('records.update', { base, table: 'Drawings', updates: [{ id: gripper, fields: { Title: null } }] });
    const undoBefore = await call<UndoState>('undo.state', { base });
    h.engine.onDidProgress((e) => {
      if (e.job === 'slow') void call('job.cancel', { job: 'slow' });
    });
    await expect(call('drawings.reapply', { base, table: 'Drawings', job: 'slow' })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect((await get(base, gripper)).fields.Title).toBeUndefined();
    expect((await call<{ count: number }>('records.count', { base, table: 'Drawings', filter: { and: [{ field: 'Title', op: 'isNotEmpty' }] } })).count).toBe(1);
    expect(await call<UndoState>('undo.state', { base })).toEqual(undoBefore);
  }, 60_000);
});
