/**
 * Search over attachment text: a record is found by words of its files' readings and by their
 * names, before and after the search index is built; a record whose file is read later is found
 * once the reading arrives; rebuild and check agree with the incremental projection; attachment.find
 * gives the matching lines with their pages. Real extraction pool, corpus files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AttachmentFindResult, BaseInfo, CheckReport, DrawingAddResult, QueryPage } from '../../../src-shared/api/engine.dto';
import type { AttachmentRef } from '../../../src-shared/schema/schema.types';
import { useEngine } from '../testing/engine-harness';
import { corpusAvailable, corpusPath } from '../../workers/testing/corpus';
import { ATTACHMENT_TEXT_CAP, attachmentSearchText } from '../projection/attachment-text';
import { DEFAULT_MIGRATIONS_DIR, openBaseFile } from '../db/base-file';
import { makeTempDir } from '../testing/temp-dir';
import Database from 'better-sqlite3';
import { projectionTable, searchTable } from '../projection/projection-names';

const h = useEngine();
const call = <T,>(method: string, input: unknown): Promise<T> => h.call<T>(method, input);

async function base(name: string): Promise<string> {
  const { base } = await call<BaseInfo>('base.create', { path: h.tmp.file(`${name}.base`) });
  await call('table.create', { base, name: 'Drawings', fields: [{ name: 'Name', type: 'singleLineText' }] });
  return base;
}
const found = async (b: string, search: string, table = 'Drawings'): Promise<string[]> =>
  (await call<QueryPage>('records.query', { base: b, table, search, keys: 'name' })).records.map((r) => (r.fields.Drawing as AttachmentRef[] | undefined)?.[0]?.name ?? String(r.fields.Name));
const count = async (b: string, search: string, table = 'Drawings'): Promise<number> => (await call<{ count: number }>('records.count', { base: b, table, search })).count;

describe.runIf(corpusAvailable())('search over attachment text', () => {
  it('finds records by words of their drawings and by file name; rebuild and check agree', async () => {
    const b = await base('words');
    const paths = [corpusPath('pdf/Gripper.PDF'), corpusPath('pdf/Adapterplatte.PDF'), corpusPath('dxf/uncommon.dxf')];
    await call<DrawingAddResult>('drawings.add', { base: b, table: 'Drawings', paths });
    await call('records.create', { base: b, table: 'Drawings', records: [{ Name: 'handmade' }] });
    const expectSearches = async (): Promise<void> => {
      expect(await found(b, 'DEBURR')).toEqual(['Gripper.PDF']);
      expect(await found(b, 'gewinde durch')).toEqual(['Adapterplatte.PDF']);
      expect(await found(b, 'polyface')).toEqual(['uncommon.dxf']);
      expect(await found(b, 'uncommon')).toEqual(['uncommon.dxf']);
      expect(await count(b, 'millimeters deburr')).toBe(1);
      expect(await count(b, 'deburr gewinde')).toBe(0);
      expect(await found(b, 'handmade')).toEqual(['handmade']);
    };
    await expectSearches();
    expect((await call<CheckReport>('base.check', { base: b })).problems).toEqual([]);
    // Rebuilt from the docs (rows left to the search backlog, matched by bp_search_match until indexed): the same.
    await call('base.rebuild', { base: b });
    await expectSearches();
    h.engine.context(b).session.finishSearch();
    await expectSearches();
    expect((await call<CheckReport>('base.check', { base: b })).problems).toEqual([]);
  }, 60_000);

  it('a record whose file is read later is found once the reading arrives', async () => {
    const b = await base('later');
    const [ref] = (await call<{ attachments: AttachmentRef[] }>('attachment.add', { base: b, paths: [corpusPath('pdf/Adapterplatte.PDF')] })).attachments;
    await call('field.create', { base: b, table: 'Drawings', name: 'Files', type: 'attachment' });
    await call('records.create', { base: b, table: 'Drawings', records: [{ Name: 'by hand', Files: [ref] }] });
    expect(await count(b, 'gewinde')).toBe(0);
    expect(await count(b, 'adapterplatte')).toBe(1);
    // The same bytes dropped on another table are read; the first record's row takes the text.
    await call('table.create', { base: b, name: 'Inbox' });
    await call('drawings.add', { base: b, table: 'Inbox', paths: [corpusPath('pdf/Adapterplatte.PDF')] });
    expect(await count(b, 'gewinde')).toBe(1);
    expect(await count(b, 'gewinde', 'Inbox')).toBe(1);
    expect((await call<CheckReport>('base.check', { base: b })).problems).toEqual([]);
    // Removing the file from the cell removes its text.
    const id = (await call<QueryPage>('records.query', { base: b, table: 'Drawings', keys: 'id' })).records[0]!.id;
    await call('records.update', { base: b, table: 'Drawings', updates: [{ id, fields: { Files: null } }] });
    expect(await count(b, 'gewinde')).toBe(0);
  }, 60_000);

  it('attachment.find gives the lines that match, with their page when the reading knows it', async () => {
    const b = await base('find');
    const r = await call<DrawingAddResult>('drawings.add', { base: b, table: 'Drawings', paths: [corpusPath('pdf/Adapterplatte.PDF'), corpusPath('pdf/Gripper.PDF')] });
    const att = async (i: number): Promise<string> =>
      (await call<{ fields: { Drawing: AttachmentRef[] } }>('records.get', { base: b, table: 'Drawings', id: r.files[i]!.id, keys: 'name' })).fields.Drawing[0]!.id;
    const adapter = await att(0);
    const one = await call<AttachmentFindResult>('attachment.find', { base: b, id: adapter, search: 'gewinde' });
    expect(one).toMatchObject({ id: adapter, read: true, more: false, matches: [{ text: '4 x M8 Gewinde durchgehend' }] });
    // Words on different lines: the lines with any of them.
    const spread = await call<AttachmentFindResult>('attachment.find', { base: b, id: adapter, search: 'gewinde schnitt' });
    expect(spread.matches.map((m) => m.text)).toEqual(['4 x M8 Gewinde durchgehend', 'SCHNITT A-A']);
    expect((await call<AttachmentFindResult>('attachment.find', { base: b, id: adapter, search: 'zzzz' })).matches).toEqual([]);

    // A reading with pages for its lines (as the PDF reader records them): each match says its page.
    const gripper = await att(1);
    const db = h.engine.context(b).session.db;
    const { sha256 } = db.prepare('SELECT sha256 FROM attachments WHERE id = ?').get(gripper) as { sha256: string };
    const row = db.prepare("SELECT result FROM extractions WHERE sha256 = ? AND extractor = 'drawing'").get(sha256) as { result: string };
    const x = JSON.parse(row.result) as { text: string[]; textPages?: number[] };
    x.textPages = x.text.map((_, i) => (i < 10 ? 1 : 2));
    db.prepare("UPDATE extractions SET result = ? WHERE sha256 = ? AND extractor = 'drawing'").run(JSON.stringify(x), sha256);
    const deburr = x.text.findIndex((t) => t.includes('DEBURR'));
    expect(await call<AttachmentFindResult>('attachment.find', { base: b, id: gripper, search: 'deburr' })).toEqual({
      id: gripper, read: true, more: false, matches: [{ text: x.text[deburr], line: deburr, page: 2 }],
    });
    const limited = await call<AttachmentFindResult>('attachment.find', { base: b, id: gripper, search: 'f', limit: 1 });
    expect(limited).toMatchObject({ more: true, matches: [{ text: 'F', page: 1 }] });

    // An attachment never read as a drawing has nothing to search.
    const [plain] = (await call<{ attachments: AttachmentRef[] }>('attachment.add', { base: b, paths: [writeText(h.tmp.file('notes.txt'))] })).attachments;
    expect(await call<AttachmentFindResult>('attachment.find', { base: b, id: plain!.id, search: 'gewinde' })).toEqual({ id: plain!.id, read: false, matches: [], more: false });
    await expect(call('attachment.find', { base: b, id: 'attNOPE0000000000', search: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  }, 60_000);
});

function writeText(file: string): string {
  fs.writeFileSync(file, 'gewinde in plain text');
  return file;
}

describe('attachment search text', () => {
  it('is the reading’s lines, capped at ATTACHMENT_TEXT_CAP characters without splitting a character', () => {
    expect(attachmentSearchText(['a', 'b'])).toBe('a\nb');
    expect(attachmentSearchText([' ', ''])).toBeNull();
    const long = attachmentSearchText(['x'.repeat(ATTACHMENT_TEXT_CAP - 1) + '😀', 'more'])!;
    expect(long.length).toBe(ATTACHMENT_TEXT_CAP - 1);
    expect(long.endsWith('x')).toBe(true);
  });

  it('of readings stored before format 5 is filled in when the base is migrated', () => {
    const tmp = makeTempDir();
    try {
      const oldDir = tmp.file('migrations-v4');
      fs.mkdirSync(path.join(oldDir, 'meta'), { recursive: true });
      const journal = JSON.parse(fs.readFileSync(path.join(DEFAULT_MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
      const at = journal.entries.findIndex((e) => e.tag === '0004_drawing_fills');
      const older = journal.entries.slice(0, at);
      fs.writeFileSync(path.join(oldDir, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: older }));
      for (const e of older) fs.copyFileSync(path.join(DEFAULT_MIGRATIONS_DIR, `${e.tag}.sql`), path.join(oldDir, `${e.tag}.sql`));
      const f = tmp.file('v4.base');
      const old = openBaseFile(f, { create: true, migrationsDir: oldDir });
      old.db.prepare("INSERT INTO extractions (sha256, extractor, version, result, created_at) VALUES ('ab', 'drawing', 1, ?, 0)").run(JSON.stringify({ text: ['GEWINDE', 'M8'] }));
      old.db.close();
      const opened = openBaseFile(f);
      expect(opened.migrated).toBe(true);
      expect(opened.db.prepare('SELECT search_text AS t FROM extractions').get()).toEqual({ t: 'GEWINDE\nM8' });
      expect(opened.db.prepare('SELECT count(*) AS n FROM drawing_fills').get()).toEqual({ n: 0 });
      expect(opened.formatVersion).toBe(journal.entries.length);
      opened.db.close();
    } finally {
      tmp.cleanup();
    }
  });

  it('of records whose drawings were read before format 5 is searchable once the base is migrated', async () => {
    const file = h.tmp.file('upgrade.base');
    const { base: b } = await call<BaseInfo>('base.create', { path: file });
    await call('table.create', { base: b, name: 'Drawings', fields: [{ name: 'Name', type: 'singleLineText' }] });
    await call<DrawingAddResult>('drawings.add', { base: b, table: 'Drawings', paths: [corpusPath('pdf/Gripper.PDF')] });
    const tableId = (await call<{ tables: Array<{ id: string }> }>('schema.get', { base: b })).tables[0]!.id;
    await call('base.close', { base: b });
    // Made into what format 4 was: no fills, no reading search text, rows without it.
    const db = new Database(file);
    db.exec(`DROP TABLE drawing_fills; ALTER TABLE extractions DROP COLUMN search_text; UPDATE ${projectionTable(tableId)} SET search_text = NULL`);
    db.exec(`INSERT INTO ${searchTable(tableId)} (${searchTable(tableId)}) VALUES ('rebuild')`);
    db.pragma('user_version = 4');
    db.close();
    const reopened = await call<BaseInfo>('base.open', { path: file });
    expect(reopened).toMatchObject({ migrated: true, formatVersion: 5 });
    expect(await found(reopened.base, 'DEBURR')).toEqual(['Gripper.PDF']);
    expect(await count(reopened.base, 'UR10_29')).toBe(1);
    expect((await call<CheckReport>('base.check', { base: reopened.base })).ok).toBe(true);
  });

  it("marks where a search matches in a scan: the boxes of the words OCR read", async () => {
    const b = await base('scan');
    const added = await call<DrawingAddResult>('drawings.add', { base: b, table: 'Drawings', paths: [corpusPath('img/Candle_holder.jpg')] });
    const rec = await call<{ fields: Record<string, unknown> }>('records.get', { base: b, table: 'Drawings', id: added.files[0]!.id, keys: 'name' });
    const ref = (rec.fields.Drawing as AttachmentRef[])[0]!;
    const found = await call<AttachmentFindResult>('attachment.find', { base: b, id: ref.id, search: 'unless' });
    expect(found.matches[0]).toMatchObject({ text: 'UNLESS OTHERWISE SPECIFIED,' });
    const boxes = found.matches[0]!.boxes!;
    expect(boxes).toHaveLength(1);
    // Inside the 1653 × 2339 picture, a word's size.
    const [box] = boxes;
    expect(box!.x0).toBeGreaterThanOrEqual(0);
    expect(box!.x1).toBeLessThanOrEqual(1653);
    expect(box!.x1 - box!.x0).toBeGreaterThan(20);
    expect(box!.y1 - box!.y0).toBeGreaterThan(5);
    expect(box!.y1 - box!.y0).toBeLessThan(100);
  }, 60_000);
});
