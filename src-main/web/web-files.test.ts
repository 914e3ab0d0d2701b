/**
 * Browser mode's file routes over real sockets: a dropped file uploaded, made a record by
 * drawings.add with the real extraction pool, and its bytes and previews read back by URL; every
 * way of asking wrongly (no token, another origin, a bad name or part, too large) refused.
 */
import fs from 'node:fs';
import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createEngineClient } from '../../src-shared/api/engine.rpc';
import type { EngineClient } from '../../src-shared/api/engine.contract';
import { socketTransport, type MessageSocket } from '../../src-shared/api/engine.wire';
import type { AttachmentPreviews } from '../../src-shared/api/engine.dto';
import type { AttachmentRef } from '../../src-shared/schema/schema.types';
import { newId } from '../../src-shared/ids';
import { Engine } from '../engine/engine';
import { makeTempDir } from '../engine/testing/temp-dir';
import { startWebServer, type WebServer } from './web-server';

let tmp: ReturnType<typeof makeTempDir>;
let engine: Engine;
let server: WebServer;

beforeEach(async () => {
  tmp = makeTempDir();
  engine = new Engine({ maintenanceMs: 0, actor: 'web' });
  server = await startWebServer({ engine, staticDir: null, maxUploadBytes: 64 * 1024 });
});
afterEach(async () => {
  await server.close();
  engine.close();
  tmp.cleanup();
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function request(method: string, pathname: string, opts: { body?: Buffer; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: pathname, method, headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    // A refusal may come before the whole body is sent, and close the connection.
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
    req.end(opts.body);
  });
}

const t = (): string => `token=${encodeURIComponent(server.token)}`;
const own = (): Record<string, string> => ({ Origin: server.origin });
const json = <T,>(r: Reply): T => JSON.parse(r.body.toString('utf8')) as T;

async function client(): Promise<EngineClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc?${t()}`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return createEngineClient(socketTransport(ws as unknown as MessageSocket));
}

/** A small DXF drawing: a frame and a drawing number. */
function smallDxf(): string {
  const g: Array<[number, string | number]> = [[0, 'SECTION'], [2, 'ENTITIES']];
  for (const [x1, y1, x2, y2] of [[0, 0, 100, 0], [100, 0, 100, 60], [100, 60, 0, 60], [0, 60, 0, 0]]) g.push([0, 'LINE'], [8, '0'], [10, x1!], [20, y1!], [11, x2!], [21, y2!]);
  g.push([0, 'TEXT'], [8, '0'], [10, 60], [20, 5], [40, 3.5], [1, 'DRAWING NO: BP-7'], [0, 'ENDSEC'], [0, 'EOF']);
  return g.map(([c, v]) => `${c}\n${v}\n`).join('');
}

describe('browser mode file routes', () => {
  it('takes a dropped file, which drawings.add makes a record; its bytes and previews come back by URL', async () => {
    const dxf = Buffer.from(smallDxf());
    const up = await request('POST', `/uploads?${t()}&name=${encodeURIComponent('Part 7.dxf')}`, { body: dxf, headers: own() });
    expect(up.status).toBe(201);
    const { id: upload, path: uploaded, size } = json<{ id: string; path: string; size: number }>(up);
    expect(size).toBe(dxf.length);
    expect(uploaded.endsWith('Part 7.dxf')).toBe(true);
    expect(fs.readFileSync(uploaded).equals(dxf)).toBe(true);

    const c = await client();
    const { base } = await c['base.create']({ path: tmp.file('files.base') });
    await c['table.create']({ base, name: 'Drawings', fields: [{ name: 'Name', type: 'singleLineText' }] });
    const added = await c['drawings.add']({ base, table: 'Drawings', paths: [uploaded] });
    expect(added).toMatchObject({ added: 1, failed: 0 });
    const record = await c['records.get']({ base, table: 'Drawings', id: added.files[0]!.id!, keys: 'name' });
    const [ref] = record.fields.Drawing as AttachmentRef[];
    expect(ref).toMatchObject({ name: 'Part 7.dxf', size: dxf.length });

    // The upload is removed once used; the attachment's copy stays.
    expect((await request('DELETE', `/uploads/${upload}?${t()}`, { headers: own() })).status).toBe(204);
    expect(fs.existsSync(uploaded)).toBe(false);

    const file = await request('GET', `/files/${base}/${ref!.id}/file?${t()}`);
    expect(file.status).toBe(200);
    expect(file.body.equals(dxf)).toBe(true);
    // Served so that it can never run as a page of the app.
    expect(file.headers['content-type']).toBe('application/octet-stream');
    expect(file.headers['content-security-policy']).toContain('sandbox');
    expect(file.headers['content-disposition']).toBe(`attachment; filename*=UTF-8''Part%207.dxf`);

    const previews = await c['attachment.previews']({ base, id: ref!.id });
    expect(previews).toMatchObject<Partial<AttachmentPreviews>>({ id: ref!.id, kind: 'dxf' });
    const thumb = await request('GET', `/files/${base}/${ref!.id}/thumb-0?${t()}`);
    if (previews.thumbnails > 0) {
      expect(thumb.status).toBe(200);
      expect(thumb.headers['content-type']).toBe('image/png');
      expect(thumb.body.subarray(1, 4).toString('latin1')).toBe('PNG');
    } else expect(thumb.status).toBe(404);
    // Past the last thumbnail: not found, with the reason as JSON.
    const past = await request('GET', `/files/${base}/${ref!.id}/thumb-${previews.thumbnails}?${t()}`);
    expect(past.status).toBe(404);
    expect(json<{ error: { code: string } }>(past).error.code).toBe('NOT_FOUND');
  });

  it('refuses requests without the token, writes from other origins, bad names and parts, and uploads over the limit', async () => {
    const c = await client();
    const { base } = await c['base.create']({ path: tmp.file('refuse.base') });
    expect((await request('GET', `/files/${base}/att_x/file`)).status).toBe(401);
    expect((await request('GET', `/files/${base}/att_x/file?token=wrong`)).status).toBe(401);
    expect((await request('POST', `/uploads?name=a.dxf`, { body: Buffer.from('x'), headers: own() })).status).toBe(401);
    expect((await request('POST', `/uploads?${t()}&name=a.dxf`, { body: Buffer.from('x'), headers: { Origin: 'http://evil.example' } })).status).toBe(403);
    expect((await request('POST', `/uploads?${t()}&name=a.dxf`, { body: Buffer.from('x') })).status).toBe(403);
    for (const name of ['', '../a.dxf', 'a/b.dxf', 'a\\b.dxf', '..']) {
      const r = await request('POST', `/uploads?${t()}&name=${encodeURIComponent(name)}`, { body: Buffer.from('x'), headers: own() });
      expect(r.status, name).toBe(400);
    }
    for (const part of ['..', 'thumb-x', 'file.png', '..%2F..%2Fsecret']) {
      const r = await request('GET', `/files/${base}/att_x/${part}?${t()}`);
      expect([400, 404], part).toContain(r.status);
      if (r.status === 400) expect(json<{ error: { code: string } }>(r).error.code).toBe('INVALID_INPUT');
    }
    expect((await request('GET', `/files/${base}/nothing/file?${t()}`)).status).toBe(400);
    expect((await request('GET', `/files/${base}/${newId('att')}/file?${t()}`)).status).toBe(404);
    expect((await request('GET', `/files/nobase/${newId('att')}/file?${t()}`)).status).toBe(404);
    expect((await request('PUT', `/files/${base}/att_x/file?${t()}`, { headers: own() })).status).toBe(405);

    // Declared too large: refused before reading; sent too large without saying: cut off, nothing left.
    const big = Buffer.alloc(65 * 1024, 1);
    const declared = await request('POST', `/uploads?${t()}&name=big.dxf`, { body: big, headers: { ...own(), 'Content-Length': String(big.length) } });
    expect(declared.status).toBe(413);
    expect(json<{ error: { message: string } }>(declared).error.message).toContain('big.dxf');
    const chunked = await request('POST', `/uploads?${t()}&name=big.dxf`, { body: big, headers: { ...own(), 'Transfer-Encoding': 'chunked' } });
    expect(chunked.status).toBe(413);
    const ok = await request('POST', `/uploads?${t()}&name=small.dxf`, { body: Buffer.from('0\nEOF\n'), headers: own() });
    expect(ok.status).toBe(201);
    const dir = json<{ path: string }>(ok).path;
    await server.close();
    expect(fs.existsSync(dir)).toBe(false);
    server = await startWebServer({ engine, staticDir: null });
  });

  it.runIf(fs.existsSync('/proc/self/fd'))('closes the file when the page goes away mid-download', async () => {
    const c = await client();
    const { base } = await c['base.create']({ path: tmp.file('abort.base') });
    const big = tmp.file('big.pdf');
    fs.writeFileSync(big, Buffer.alloc(32 * 1024 * 1024, 7));
    const [ref] = (await c['attachment.add']({ base, paths: [big] })).attachments;
    const stored = (await c['attachment.get']({ base, id: ref!.id })).file;
    // Descriptors of this process open on the stored file.
    const openOnIt = (): number =>
      fs.readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return fs.readlinkSync(`/proc/self/fd/${fd}`) === stored;
        } catch {
          return false;
        }
      }).length;
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port: server.port, path: `/files/${base}/${ref!.id}/file?${t()}` }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
      });
    }
    await expect.poll(openOnIt, { timeout: 5000 }).toBe(0);
  });
});
