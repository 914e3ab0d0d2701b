/**
 * Attachments through the engine: files streamed into a content-addressed store beside the base,
 * the same bytes stored once, refs that attachment cells take, bad input failing alone with nothing
 * half-written, and collection of what no cell refers to when the base is opened again.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AttachmentInfo, BaseInfo, CollectReport } from '../../../src-shared/api/engine.dto';
import type { AttachmentRef } from '../../../src-shared/schema/schema.types';
import { useEngine } from '../testing/engine-harness';
import { BlobStore } from './blob-store';
import { typeOfFile } from './attachments.service';

const h = useEngine();
const call = <T,>(method: string, input: unknown): Promise<T> => h.call<T>(method, input);

const sha = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

async function baseWithTable(): Promise<string> {
  const { base } = await call<BaseInfo>('base.create', { path: h.tmp.file('files.base') });
  await call('table.create', { base, name: 'Drawings', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'Files', type: 'attachment' }] });
  return base;
}

describe('attachments', () => {
  it('copies files into a store beside the base, named by their hash, and gives refs cells take', async () => {
    const base = await baseWithTable();
    const pdf = h.tmp.file('A-100 bracket.pdf');
    fs.writeFileSync(pdf, '%PDF-1.7 not really a drawing');
    const dxf = h.tmp.file('a-101.DXF');
    fs.writeFileSync(dxf, '0\nEOF\n');
    const { attachments } = await call<{ attachments: AttachmentRef[] }>('attachment.add', { base, paths: [pdf, dxf] });
    expect(attachments).toEqual([
      { id: expect.stringMatching(/^att/), name: 'A-100 bracket.pdf', size: fs.statSync(pdf).size, type: 'application/pdf', sha256: sha(pdf) },
      { id: expect.stringMatching(/^att/), name: 'a-101.DXF', size: 6, type: 'image/vnd.dxf', sha256: sha(dxf) },
    ]);
    const info = await call<AttachmentInfo>('attachment.get', { base, id: attachments[0]!.id });
    expect(info.sha256).toBe(sha(pdf));
    expect(info.file).toBe(path.join(h.tmp.file('files.base.files'), info.sha256.slice(0, 2), info.sha256));
    expect(fs.readFileSync(info.file, 'utf8')).toBe('%PDF-1.7 not really a drawing');

    const { ids } = await call<{ ids: string[] }>('records.create', { base, table: 'Drawings', records: [{ Name: 'A-100', Files: attachments }] });
    const rec = await call<{ fields: Record<string, unknown> }>('records.get', { base, table: 'Drawings', id: ids[0], keys: 'name' });
    expect(rec.fields.Files).toEqual(attachments);
  });

  it('stores the same bytes once, however often and under whatever name they are attached', async () => {
    const base = await baseWithTable();
    const a = h.tmp.file('one.png');
    const b = h.tmp.file('copy of one.png');
    fs.writeFileSync(a, crypto.randomBytes(100_000));
    fs.copyFileSync(a, b);
    const first = (await call<{ attachments: AttachmentRef[] }>('attachment.add', { base, paths: [a, b] })).attachments;
    const again = (await call<{ attachments: AttachmentRef[] }>('attachment.add', { base, paths: [a] })).attachments;
    const ids = [...first, ...again].map((r) => r.id);
    expect(new Set(ids).size).toBe(3);
    expect(await BlobStore.beside(h.tmp.file('files.base')).list()).toEqual([sha(a)]);
  });

  it('streams a large file: memory does not grow with its size', async () => {
    const base = await baseWithTable();
    const big = h.tmp.file('scan.tif');
    const chunk = crypto.randomBytes(1024 * 1024);
    const fd = fs.openSync(big, 'w');
    for (let i = 0; i < 96; i++) fs.writeSync(fd, chunk);
    fs.closeSync(fd);
    global.gc?.();
    const before = process.memoryUsage();
    let peak = 0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.heapUsed - before.heapUsed + (m.arrayBuffers - before.arrayBuffers));
    }, 5);
    const { attachments } = await call<{ attachments: AttachmentRef[] }>('attachment.add', { base, paths: [big] });
    clearInterval(sampler);
    expect(attachments[0]!.size).toBe(96 * 1024 * 1024);
    // Half the file: reading it whole would take all 96 MB (the peak also holds garbage the
    // collector has not reached yet, which varies from run to run by a few MB around 32).
    expect(peak).toBeLessThan(48 * 1024 * 1024);
    expect((await call<AttachmentInfo>('attachment.get', { base, id: attachments[0]!.id })).sha256).toBe(sha(big));
  });

  it('fails on a missing file or a folder, naming it, with nothing half-written', async () => {
    const base = await baseWithTable();
    const ok = h.tmp.file('ok.txt');
    fs.writeFileSync(ok, 'fine');
    await expect(call('attachment.add', { base, paths: [h.tmp.file('nope.pdf')] })).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: expect.stringContaining('nope.pdf') });
    await expect(call('attachment.add', { base, paths: [h.tmp.dir] })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('is not a file') });
    await expect(call('attachment.get', { base, id: 'attAAAAAAAAAAAAAA' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(call('attachment.get', { base, id: '../../etc/passwd' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const store = BlobStore.beside(h.tmp.file('files.base'));
    expect(fs.existsSync(path.join(store.dir, 'tmp')) ? fs.readdirSync(path.join(store.dir, 'tmp')) : []).toEqual([]);
    expect(await store.list()).toEqual([]);
    // A cancelled copy leaves nothing either.
    const controller = new AbortController();
    controller.abort();
    await expect(store.put(ok, { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(fs.readdirSync(path.join(store.dir, 'tmp'))).toEqual([]);
    expect(await store.list()).toEqual([]);
  });

  it('collects attachments no cell refers to, and bytes no attachment refers to, keeping shared bytes', async () => {
    const base = await baseWithTable();
    const a = h.tmp.file('a.pdf');
    const b = h.tmp.file('b.pdf');
    fs.writeFileSync(a, 'drawing a');
    fs.writeFileSync(b, 'drawing b');
    const [refA, refA2, refB, orphan] = (await call<{ attachments: AttachmentRef[] }>('attachment.add', { base, paths: [a, a, b, b] })).attachments as [AttachmentRef, AttachmentRef, AttachmentRef, AttachmentRef];
    const { ids } = await call<{ ids: string[] }>('records.create', { base, table: 'Drawings', records: [{ Name: 'one', Files: [refA, refB] }, { Name: 'two', Files: [refA2] }] });
    // Nothing a cell holds goes; the attachment never put in a cell does, its bytes stay (refB shares them).
    expect(await call<CollectReport>('attachment.collect', { base })).toEqual({ attachments: 1, files: 0, bytes: 0 });
    await expect(call('attachment.get', { base, id: orphan.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // Record one loses its files; record two keeps a's bytes alive.
    await call('records.update', { base, table: 'Drawings', updates: [{ id: ids[0], fields: { Files: null } }] });
    const store = BlobStore.beside(h.tmp.file('files.base'));
    // Its two attachments go; b's bytes, stored within the hour, may be a running drop's (not listed
    // yet) and are kept for now.
    expect(await call<CollectReport>('attachment.collect', { base })).toEqual({ attachments: 2, files: 0, bytes: 0 });
    expect(await store.list()).toEqual([sha(a), sha(b)].sort());
    const hoursAgo = new Date(Date.now() - 2 * 3600_000);
    for (const s of await store.list()) fs.utimesSync(store.pathOf(s), hoursAgo, hoursAgo);
    await call('base.close', { base });
    const reopened = (await call<BaseInfo>('base.open', { path: h.tmp.file('files.base') })).base;
    await expect.poll(() => store.list()).toEqual([sha(a)]);
    expect((await call<AttachmentInfo>('attachment.get', { base: reopened, id: refA2.id })).sha256).toBe(sha(a));
    await expect(call('attachment.get', { base: reopened, id: refA.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(call('attachment.get', { base: reopened, id: refB.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('names types by extension, unknown ones as bytes', () => {
    expect(typeOfFile('x.PDF')).toBe('application/pdf');
    expect(typeOfFile('part.step')).toBe('model/step');
    expect(typeOfFile('scan.tiff')).toBe('image/tiff');
    expect(typeOfFile('README')).toBe('application/octet-stream');
  });
});

describe('preview folders', () => {
  it('are moved in whole; a newer reading replaces the older previews; removing the bytes removes them', async () => {
    const store = new BlobStore(h.tmp.file('store.files'));
    const source = h.tmp.file('a.dxf');
    fs.writeFileSync(source, '0\nEOF\n');
    const { sha256 } = await store.put(source);
    const fill = async (name: string, body: string): Promise<string> => {
      const scratch = await store.derivedScratch();
      fs.writeFileSync(path.join(scratch, name), body);
      return scratch;
    };
    const first = await fill('thumb.png', 'v1');
    await store.adoptDerived(first, sha256);
    expect(fs.existsSync(first)).toBe(false);
    expect(fs.readdirSync(store.derivedDir(sha256))).toEqual(['thumb.png']);
    await store.adoptDerived(await fill('page-1.png', 'v2'), sha256);
    expect(fs.readdirSync(store.derivedDir(sha256))).toEqual(['page-1.png']);
    expect(fs.readdirSync(path.join(store.dir, 'tmp'))).toEqual([]);
    await store.remove(sha256);
    expect(fs.existsSync(store.derivedDir(sha256))).toBe(false);
  });
});
