/**
 * Records from drawings through the engine, with the real extraction pool: one record per file
 * with its title block in the table's drawing fields (created on the first drop), the file
 * attached; a file that fails does so alone; the same file is read once however often dropped.
 */
import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { freshScanPng } from '../../workers/testing/scan';
import type { BaseInfo, DrawingAddResult, ProgressEvent, TableSchema, UndoState } from '../../../src-shared/api/engine.dto';
import { useEngine } from '../testing/engine-harness';
import { corpusAvailable, corpusPath } from '../../workers/testing/corpus';
import { WorkerPool } from '../../workers/pool';

const h = useEngine();
const call = <T,>(method: string, input: unknown): Promise<T> => h.call<T>(method, input);

describe.runIf(corpusAvailable())('drawings.add', () => {
  it('makes one record per drawing, fills the drawing fields it creates, attaches the file, and fails a bad file alone', async () => {
    const { base } = await call<BaseInfo>('base.create', { path: h.tmp.file('drawings.base') });
    await call('table.create', { base, name: 'Drawings', fields: [{ name: 'Name', type: 'singleLineText' }] });
    const notes = h.tmp.file('notes.txt');
    fs.writeFileSync(notes, 'not a drawing');
    const progress: ProgressEvent[] = [];
    h.engine.onDidProgress((e) => progress.push(e));
    const paths = [corpusPath('pdf/Gripper.PDF'), notes, corpusPath('pdf/Adapterplatte.PDF')];
    const result = await call<DrawingAddResult>('drawings.add', { base, table: 'Drawings', paths, job: 'drop-1' });
    expect(result).toMatchObject({ added: 2, failed: 1 });
    expect(result.files.map((f) => f.file)).toEqual(paths);
    expect(result.files[1]).toMatchObject({ error: { code: 'EXTRACTION_FAILED', message: expect.stringContaining('not a drawing') } });
    expect(progress.filter((p) => p.job === 'drop-1').map((p) => [p.done, p.total])).toEqual([[0, 3], [1, 3], [2, 3], [3, 3]]);
    expect(progress.filter((p) => p.item).map((p) => [p.item!.index, p.item!.file, !!p.item!.id, p.item!.error?.code])).toEqual([
      [0, paths[0], true, undefined], [1, paths[1], false, 'EXTRACTION_FAILED'], [2, paths[2], true, undefined],
    ]);

    const table = (await call<{ tables: TableSchema[] }>('schema.get', { base })).tables[0]!;
    expect(table.fields.map((f) => [f.name, f.type])).toEqual([
      ['Name', 'singleLineText'], ['Drawing', 'attachment'], ['Drawing No', 'singleLineText'], ['Title', 'singleLineText'],
      ['Revision', 'singleLineText'], ['Material', 'singleLineText'], ['Scale', 'singleLineText'],
    ]);
    const gripper = await call<{ fields: Record<string, unknown> }>('records.get', { base, table: 'Drawings', id: result.files[0]!.id, keys: 'name' });
    expect(gripper.fields).toMatchObject({ 'Drawing No': 'UR10_29.20', Title: 'Weird_Gripper_Cam_Adapter', Material: 'PLA', Scale: '1:1' });
    expect(gripper.fields.Drawing).toEqual([{ id: expect.stringMatching(/^att/), name: 'Gripper.PDF', size: fs.statSync(paths[0]!).size, type: 'application/pdf', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    const adapter = await call<{ fields: Record<string, unknown> }>('records.get', { base, table: 'Drawings', id: result.files[2]!.id, keys: 'name' });
    expect(adapter.fields).toMatchObject({ Title: 'Stahl Adapterplatte', Material: 'Stahl', Scale: '1:2' });
    expect(adapter.fields['Drawing No']).toBeUndefined();
  }, 60_000);

  it('reads the same file once, however often it is dropped, and keeps fields people made', async () => {
    const { base } = await call<BaseInfo>('base.create', { path: h.tmp.file('twice.base') });
    await call('table.create', { base, name: 'Parts', fields: [{ name: 'Title', type: 'longText' }, { name: 'Files', type: 'attachment' }] });
    const run = vi.spyOn(WorkerPool.prototype, 'run');
    const dxf = corpusPath('dxf/uncommon.dxf');
    await call('drawings.add', { base, table: 'Parts', paths: [dxf] });
    await call('drawings.add', { base, table: 'Parts', paths: [dxf] });
    expect(run).toHaveBeenCalledTimes(1);
    run.mockRestore();
    const table = (await call<{ tables: TableSchema[] }>('schema.get', { base })).tables[0]!;
    // Its own attachment field and its Title (long text) are used, not duplicated.
    expect(table.fields.filter((f) => f.type === 'attachment').map((f) => f.name)).toEqual(['Files']);
    expect(table.fields.find((f) => f.name === 'Title')!.type).toBe('longText');
    expect((await call<{ count: number }>('records.count', { base, table: 'Parts' })).count).toBe(2);
  }, 60_000);

  it('lets people edit while a drop is read; their edit splits the drop into two undo steps, undone around it', async () => {
    const { base } = await call<BaseInfo>('base.create', { path: h.tmp.file('beside.base') });
    await call('table.create', { base, name: 'Drawings', fields: [{ name: 'Name', type: 'singleLineText' }] });
    const { ids } = await call<{ ids: string[] }>('records.create', { base, table: 'Drawings', records: [{ Name: 'before' }] });
    const progress: ProgressEvent[] = [];
    h.engine.onDidProgress((e) => progress.push(e));
    let dropped = false;
    // The PDF is quick; the two scans after it are read by OCR (seconds each, and never read before:
    // their own bytes), so the edit below surely falls inside the drop, even on a busy machine.
    const scans = ['A', 'B'].map((k) => {
      const file = h.tmp.file(`scan-${k}.png`);
      fs.writeFileSync(file, freshScanPng(`SHEET ${k}`));
      return file;
    });
    const drop = call<DrawingAddResult>('drawings.add', { base, table: 'Drawings', paths: [corpusPath('pdf/Gripper.PDF'), ...scans], job: 'beside' }).then((r) => {
      dropped = true;
      return r;
    });
    // Once the first record is written, an edit goes through while the scan is still being read.
    await expect.poll(() => progress.some((p) => p.job === 'beside' && p.done === 1), { timeout: 30_000 }).toBe(true);
    const t = performance.now();
    await call('records.update', { base, table: 'Drawings', updates: [{ id: ids[0], fields: { Name: 'edited meanwhile' } }] });
    const editMs = performance.now() - t;
    expect(dropped).toBe(false);
    expect(editMs).toBeLessThan(500);
    expect(await drop).toMatchObject({ added: 3, failed: 0 });
    // Undo: the records written after the edit, then the edit, then the drop's first part.
    expect((await call<UndoState>('undo.state', { base })).undoLabel).toBe('Add 2 drawings');
    await call('undo.undo', { base });
    expect((await call<{ count: number }>('records.count', { base, table: 'Drawings' })).count).toBe(2);
    await call('undo.undo', { base });
    expect((await call<{ fields: Record<string, unknown> }>('records.get', { base, table: 'Drawings', id: ids[0], keys: 'name' })).fields.Name).toBe('before');
    await call('undo.undo', { base });
    expect((await call<{ count: number }>('records.count', { base, table: 'Drawings' })).count).toBe(1);
    expect((await call<{ tables: TableSchema[] }>('schema.get', { base })).tables[0]!.fields.map((f) => f.name)).toEqual(['Name']);
  }, 90_000);

  it('cancels a drop: the file being read stops, no record is made, and the reason says how far it got', async () => {
    const { base } = await call<BaseInfo>('base.create', { path: h.tmp.file('cancel.base') });
    await call('table.create', { base, name: 'Drawings', fields: [{ name: 'Name', type: 'singleLineText' }] });
    // A scan no earlier test read (its own bytes), so it is read by OCR now, which takes a while.
    const scan = h.tmp.file('scan.png');
    fs.writeFileSync(scan, freshScanPng('DRAWING'));
    const progress: ProgressEvent[] = [];
    h.engine.onDidProgress((e) => {
      progress.push(e);
      if (e.job === 'stop' && e.done === 0) void call('job.cancel', { job: 'stop' });
    });
    const t = performance.now();
    await expect(call('drawings.add', { base, table: 'Drawings', paths: [scan, corpusPath('pdf/Gripper.PDF')], job: 'stop' })).rejects.toMatchObject({
      code: 'CANCELLED',
      message: 'Adding drawings was cancelled after 0 of 2.',
    });
    expect(performance.now() - t).toBeLessThan(5000);
    expect((await call<{ count: number }>('records.count', { base, table: 'Drawings' })).count).toBe(0);
    expect(progress.filter((p) => p.job === 'stop' && p.item)).toEqual([]);
  }, 60_000);

  it('refuses a table that does not exist, naming it', async () => {
    const { base } = await call<BaseInfo>('base.create', { path: h.tmp.file('none.base') });
    await expect(call('drawings.add', { base, table: 'Nope', paths: [corpusPath('dxf/uncommon.dxf')] })).rejects.toMatchObject({ code: 'NOT_FOUND', message: "No table 'Nope' in this base." });
  });
});
