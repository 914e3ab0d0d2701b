/**
 * Attachment blobs over real HTTP sockets and a real database (PGlite, and PostgreSQL with
 * DATABASE_URL): uploads are streamed into 1 MiB chunks and kept only when the bytes hash to their
 * name; downloads stream them back; roles, workspaces and API token scopes decide who may do what;
 * a cut-off, idle, mismatched or oversized upload leaves nothing; concurrent uploads of the same
 * bytes all succeed and store them once; REST records link to the blobs.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../testing/test-db';
import { useTestWorld, type Registered, type TestServer } from '../testing/test-server';
import { sweepStaleUploads } from './blobs.repo';
import type { Role } from '../workspaces/roles';

const MiB = 1024 * 1024;
const sha = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The server sent 100 Continue. */
  continued: boolean;
}

interface RawRequest {
  method: string;
  token?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Leave out Content-Length: the body goes chunked. */
  chunked?: boolean;
  /** Send `Expect: 100-continue` and the body only after 100 Continue. */
  expectContinue?: boolean;
  /** Send the body in pieces of this size, yielding between them (so concurrent uploads interleave). */
  pieceBytes?: number;
}

/** One request on a socket of its own, with node:http (fetch cannot hold back or cut a body). */
function raw(url: string, o: RawRequest): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.body && !o.chunked) headers['content-length'] = String(o.body.length);
    if (o.expectContinue) headers.expect = '100-continue';
    let continued = false;
    let answered = false;
    const req = http.request(url, { method: o.method, headers, agent: false });
    req.on('response', (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (p: Buffer) => parts.push(p));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts), continued }));
      res.on('error', reject);
    });
    // A server that answers early and closes may cut our writing short; the answer is what counts.
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    const send = async (): Promise<void> => {
      const body = o.body ?? Buffer.alloc(0);
      const piece = o.pieceBytes ?? body.length;
      for (let at = 0; at < body.length && !answered && !req.destroyed; at += piece) {
        req.write(body.subarray(at, at + piece));
        if (o.pieceBytes) await sleep(1);
      }
      req.end();
    };
    if (o.expectContinue) {
      req.on('continue', () => {
        continued = true;
        void send();
      });
      req.flushHeaders();
    } else {
      void send();
    }
  });
}

const blobPath = (ws: string, hash: string): string => `/api/v1/workspaces/${ws}/blobs/${hash}`;

async function count(t: TestServer, table: string): Promise<number> {
  const rows = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}

/** Owner Olga's workspace with one member of each other role. */
async function team(t: TestServer, name: string) {
  const owner = await t.register(`Olga ${name}`);
  const ws = (await t.api<{ id: string }>('POST', '/api/v1/workspaces', { token: owner.accessToken, body: { name } })).body.id;
  const people: Record<string, Registered> = { owner };
  for (const role of ['editor', 'commenter', 'viewer'] as const) {
    const person = await t.register(`${role} ${name}`);
    const inv = await t.api<{ token: string }>('POST', `/api/v1/workspaces/${ws}/invitations`, { token: owner.accessToken, body: { role } });
    const accepted = await t.api('POST', '/api/v1/invitations/accept', { token: person.accessToken, body: { token: inv.body.token } });
    if (accepted.status !== 200) throw new Error(JSON.stringify(accepted.body));
    people[role] = person;
  }
  return { ws, people: people as Record<Exclude<Role, 'admin'>, Registered> };
}

async function apiToken(t: TestServer, session: string, workspaceId: string, scopes: string[]): Promise<string> {
  const res = await t.api<{ token: string }>('POST', '/api/v1/tokens', { token: session, body: { name: 'script', scopes, workspaceIds: [workspaceId] } });
  expect(res.status).toBe(201);
  return res.body.token;
}

describe.each(testDatabases())('attachment blobs on $name', (d) => {
  const world = useTestWorld(d);

  it('stores a multi-chunk upload and streams the same bytes back, with download headers; HEAD and If-None-Match', async () => {
    const t = await world.start();
    const { ws, people } = await team(t, 'A');
    const data = crypto.randomBytes(3.5 * MiB);
    const hash = sha(data);
    const url = `${t.srv.url}${blobPath(ws, hash)}`;

    const put = await raw(url, { method: 'PUT', token: people.editor.accessToken, body: data, headers: { 'content-type': 'application/octet-stream' }, pieceBytes: 256 * 1024 });
    expect(put.status).toBe(201);
    expect(JSON.parse(put.body.toString())).toEqual({ sha256: hash, size: data.length });
    expect(await count(t, 'blob_chunks')).toBe(4);

    const got = await raw(`${url}?name=${encodeURIComponent('Prüfbericht "final"/../x\r\n.bin')}`, { method: 'GET', token: people.viewer.accessToken });
    expect(got.status).toBe(200);
    expect(got.body.length).toBe(data.length);
    expect(got.body.equals(data)).toBe(true);
    expect(got.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-length': String(data.length),
      etag: `"${hash}"`,
      'cache-control': 'private, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'x-frame-options': 'DENY',
    });
    // The file name is cleaned of quotes, slashes and control characters; the exact name travels as RFC 8187 filename*.
    expect(got.headers['content-disposition']).toBe(`attachment; filename="Pr_fbericht _final__.._x__.bin"; filename*=UTF-8''Pr%C3%BCfbericht%20_final__.._x__.bin`);
    expect((await raw(url, { method: 'GET', token: people.viewer.accessToken })).headers['content-disposition']).toBe('attachment');

    const head = await raw(url, { method: 'HEAD', token: people.commenter.accessToken });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(data.length));
    expect(head.headers.etag).toBe(`"${hash}"`);
    expect(head.body.length).toBe(0);

    const cached = await raw(url, { method: 'GET', token: people.viewer.accessToken, headers: { 'if-none-match': `"other", "${hash}"` } });
    expect(cached.status).toBe(304);
    expect(cached.body.length).toBe(0);
    expect(cached.headers.etag).toBe(`"${hash}"`);

    // A download the client abandons after its first bytes ends quietly; the next one is whole.
    await new Promise<void>((resolve, reject) => {
      const r = http.get(url, { agent: false, headers: { authorization: `Bearer ${people.viewer.accessToken}` } }, (res) => {
        res.once('data', () => {
          res.destroy();
          resolve();
        });
      });
      r.on('error', reject);
    });
    expect((await raw(url, { method: 'GET', token: people.viewer.accessToken })).body.equals(data)).toBe(true);

    // Again: answered at once, nothing stored twice.
    const again = await raw(url, { method: 'PUT', token: people.owner.accessToken, body: data });
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body.toString())).toEqual({ sha256: hash, size: data.length });
    expect(await count(t, 'blob_chunks')).toBe(4);

    // An empty file is a blob too.
    const empty = Buffer.alloc(0);
    expect((await raw(`${t.srv.url}${blobPath(ws, sha(empty))}`, { method: 'PUT', token: people.editor.accessToken, body: empty })).status).toBe(201);
    const gotEmpty = await raw(`${t.srv.url}${blobPath(ws, sha(empty))}`, { method: 'GET', token: people.editor.accessToken });
    expect([gotEmpty.status, gotEmpty.body.length, gotEmpty.headers['content-length']]).toEqual([200, 0, '0']);
  });

  it('keeps nothing when the bytes do not hash to the name', async () => {
    const t = await world.start();
    const { ws, people } = await team(t, 'A');
    const data = crypto.randomBytes(2.5 * MiB);
    const claimed = sha(Buffer.from('something else'));
    const put = await raw(`${t.srv.url}${blobPath(ws, claimed)}`, { method: 'PUT', token: people.editor.accessToken, body: data });
    expect(put.status).toBe(400);
    expect(JSON.parse(put.body.toString()).error.message).toContain(`hash to ${sha(data)}`);
    expect((await raw(`${t.srv.url}${blobPath(ws, claimed)}`, { method: 'GET', token: people.editor.accessToken })).status).toBe(404);
    expect((await raw(`${t.srv.url}${blobPath(ws, sha(data))}`, { method: 'GET', token: people.editor.accessToken })).status).toBe(404);
    for (const table of ['blob_uploads', 'blob_chunks', 'blobs', 'workspace_blobs']) expect(await count(t, table), table).toBe(0);
  });

  it('refuses bad names (400), a body without Content-Length (411) and one over MAX_BLOB_BYTES (413) before reading it', async () => {
    const t = await world.start({ env: { MAX_BLOB_BYTES: '4096' } });
    const { ws, people } = await team(t, 'A');
    const token = people.editor.accessToken;
    const big = crypto.randomBytes(6000);
    const over = await raw(`${t.srv.url}${blobPath(ws, sha(big))}`, { method: 'PUT', token, body: big, expectContinue: true });
    expect(over.status).toBe(413);
    expect(over.continued).toBe(false);
    expect(JSON.parse(over.body.toString()).error.message).toContain('MAX_BLOB_BYTES');
    expect(over.headers.connection).toBe('close');
    // Without Expect: 100-continue the client sends the body anyway; the answer is the same.
    expect((await raw(`${t.srv.url}${blobPath(ws, sha(big))}`, { method: 'PUT', token, body: big })).status).toBe(413);

    const fits = crypto.randomBytes(4096);
    const chunked = await raw(`${t.srv.url}${blobPath(ws, sha(fits))}`, { method: 'PUT', token, body: fits, chunked: true });
    expect(chunked.status).toBe(411);
    for (const name of [sha(fits).toUpperCase(), sha(fits).slice(1), 'x'.repeat(64)]) {
      expect((await raw(`${t.srv.url}${blobPath(ws, name)}`, { method: 'PUT', token, body: fits })).status, name).toBe(400);
      expect((await raw(`${t.srv.url}${blobPath(ws, name)}`, { method: 'GET', token })).status, name).toBe(400);
    }
    expect((await raw(`${t.srv.url}${blobPath(ws, sha(fits))}`, { method: 'PUT', token, body: fits })).status).toBe(201);
    for (const table of ['blob_uploads', 'blob_chunks', 'blobs']) expect(await count(t, table), table).toBe(1);
  });

  it('lets every member download, editors and up upload, and nobody outside the workspace do either', async () => {
    const t = await world.start();
    const a = await team(t, 'A');
    const b = await team(t, 'B');
    const data = crypto.randomBytes(1.5 * MiB);
    const hash = sha(data);
    const inA = `${t.srv.url}${blobPath(a.ws, hash)}`;
    const inB = `${t.srv.url}${blobPath(b.ws, hash)}`;

    for (const role of ['viewer', 'commenter'] as const) {
      const refused = await raw(inA, { method: 'PUT', token: a.people[role].accessToken, body: data });
      expect(refused.status, role).toBe(403);
      expect(JSON.parse(refused.body.toString()).error.message).toContain('needs editor or higher');
    }
    expect((await raw(inA, { method: 'PUT', body: data })).status).toBe(401);
    expect((await raw(inA, { method: 'PUT', token: b.people.owner.accessToken, body: data })).status).toBe(404);
    expect(await count(t, 'blob_uploads')).toBe(0);
    expect((await raw(inA, { method: 'PUT', token: a.people.editor.accessToken, body: data })).status).toBe(201);
    for (const role of ['owner', 'editor', 'commenter', 'viewer'] as const) {
      const got = await raw(inA, { method: 'GET', token: a.people[role].accessToken });
      expect(got.status, role).toBe(200);
      expect(got.body.equals(data), role).toBe(true);
    }

    // The bytes exist, but B was never given them: not under B's name, not under A's.
    expect((await raw(inB, { method: 'GET', token: b.people.owner.accessToken })).status).toBe(404);
    expect((await raw(inB, { method: 'HEAD', token: b.people.owner.accessToken })).status).toBe(404);
    expect((await raw(inA, { method: 'GET', token: b.people.owner.accessToken })).status).toBe(404);
    expect((await raw(inA, { method: 'GET' })).status).toBe(401);

    // Knowing the hash is not enough: B must send the bytes, and the right ones.
    const forged = Buffer.from(data);
    forged[0] = forged[0]! ^ 1;
    expect((await raw(inB, { method: 'PUT', token: b.people.editor.accessToken, body: forged })).status).toBe(400);
    expect((await raw(inB, { method: 'GET', token: b.people.owner.accessToken })).status).toBe(404);
    const proven = await raw(inB, { method: 'PUT', token: b.people.editor.accessToken, body: data });
    expect(proven.status).toBe(201);
    expect((await raw(inB, { method: 'GET', token: b.people.viewer.accessToken })).body.equals(data)).toBe(true);
    // …and they are stored once.
    expect(await count(t, 'blob_chunks')).toBe(2);
    expect(await count(t, 'blob_uploads')).toBe(1);
    expect(await count(t, 'workspace_blobs')).toBe(2);
  });

  it('API tokens with data.records:read download; without it, or for upload without data.records:write, they are refused', async () => {
    const t = await world.start();
    const { ws, people } = await team(t, 'A');
    const data = crypto.randomBytes(100_000);
    const url = `${t.srv.url}${blobPath(ws, sha(data))}`;
    const reader = await apiToken(t, people.viewer.accessToken, ws, ['data.records:read']);
    const schemaOnly = await apiToken(t, people.owner.accessToken, ws, ['schema.bases:read']);
    const writer = await apiToken(t, people.editor.accessToken, ws, ['data.records:read', 'data.records:write']);
    const viewersWriter = await apiToken(t, people.viewer.accessToken, ws, ['data.records:write']);

    expect((await raw(url, { method: 'PUT', token: reader, body: data })).status).toBe(403);
    expect((await raw(url, { method: 'PUT', token: viewersWriter, body: data })).status).toBe(403);
    expect((await raw(url, { method: 'PUT', token: writer, body: data })).status).toBe(201);
    const got = await raw(url, { method: 'GET', token: reader });
    expect(got.status).toBe(200);
    expect(got.body.equals(data)).toBe(true);
    expect((await raw(url, { method: 'HEAD', token: reader })).status).toBe(200);
    expect((await raw(url, { method: 'GET', token: schemaOnly })).status).toBe(403);
  });

  it('a client asking first (Expect: 100-continue) never sends bytes the workspace has, and sends new ones after 100 Continue', async () => {
    const t = await world.start();
    const { ws, people } = await team(t, 'A');
    const data = crypto.randomBytes(1.2 * MiB);
    const url = `${t.srv.url}${blobPath(ws, sha(data))}`;
    const first = await raw(url, { method: 'PUT', token: people.editor.accessToken, body: data, expectContinue: true });
    expect([first.status, first.continued]).toEqual([201, true]);
    const second = await raw(url, { method: 'PUT', token: people.editor.accessToken, body: data, expectContinue: true });
    expect([second.status, second.continued]).toEqual([200, false]);
    const viewer = await raw(url, { method: 'PUT', token: people.viewer.accessToken, body: data, expectContinue: true });
    expect([viewer.status, viewer.continued]).toEqual([403, false]);
    // JSON routes still answer 100 Continue by themselves.
    const json = await raw(`${t.srv.url}/api/v1/workspaces`, { method: 'POST', token: people.owner.accessToken, body: Buffer.from('{"name":"B"}'), headers: { 'content-type': 'application/json' }, expectContinue: true });
    expect([json.status, json.continued]).toEqual([201, true]);
  });

  it('keeps nothing of an upload whose client goes away mid-body', async () => {
    const t = await world.start();
    const { ws, people } = await team(t, 'A');
    const data = crypto.randomBytes(3 * MiB);
    const req = http.request(`${t.srv.url}${blobPath(ws, sha(data))}`, {
      method: 'PUT',
      agent: false,
      headers: { authorization: `Bearer ${people.editor.accessToken}`, 'content-length': String(data.length) },
    });
    req.on('error', () => undefined);
    req.write(data.subarray(0, 2.5 * MiB));
    // Two chunks reach the database before the client vanishes.
    await expect.poll(() => count(t, 'blob_chunks'), { timeout: 10_000 }).toBe(2);
    req.destroy();
    await expect.poll(() => count(t, 'blob_uploads'), { timeout: 10_000 }).toBe(0);
    expect(await count(t, 'blob_chunks')).toBe(0);
    expect(await count(t, 'blobs')).toBe(0);
    expect((await raw(`${t.srv.url}${blobPath(ws, sha(data))}`, { method: 'GET', token: people.editor.accessToken })).status).toBe(404);
    // The server carries on.
    expect((await raw(`${t.srv.url}${blobPath(ws, sha(data))}`, { method: 'PUT', token: people.editor.accessToken, body: data })).status).toBe(201);
  });

  it('cuts off an upload that stops sending, and a JSON request that does not arrive in time', async () => {
    const t = await world.start({ timeouts: { uploadIdleMs: 300, requestMs: 500 } });
    const { ws, people } = await team(t, 'A');
    const data = crypto.randomBytes(2 * MiB);
    const req = http.request(`${t.srv.url}${blobPath(ws, sha(data))}`, {
      method: 'PUT',
      agent: false,
      headers: { authorization: `Bearer ${people.editor.accessToken}`, 'content-length': String(data.length) },
    });
    const closed = new Promise<void>((resolve) => req.on('close', () => resolve()));
    req.on('error', () => undefined);
    req.write(data.subarray(0, 1.5 * MiB));
    await closed;
    await expect.poll(() => count(t, 'blob_uploads'), { timeout: 10_000 }).toBe(0);
    expect(await count(t, 'blob_chunks')).toBe(0);

    const slow = await new Promise<number>((resolve, reject) => {
      const r = http.request(`${t.srv.url}/api/v1/workspaces`, { method: 'POST', agent: false, headers: { authorization: `Bearer ${people.owner.accessToken}`, 'content-type': 'application/json', 'content-length': '100' } });
      r.on('response', (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      r.on('error', reject);
      r.write('{"name":');
    });
    expect(slow).toBe(408);
  });

  it('concurrent uploads of the same bytes all succeed and store them once', async () => {
    const t = await world.start();
    const a = await team(t, 'A');
    const b = await team(t, 'B');
    const data = crypto.randomBytes(3 * MiB);
    const hash = sha(data);
    const uploads = await Promise.all([
      raw(`${t.srv.url}${blobPath(a.ws, hash)}`, { method: 'PUT', token: a.people.editor.accessToken, body: data, pieceBytes: 128 * 1024 }),
      raw(`${t.srv.url}${blobPath(a.ws, hash)}`, { method: 'PUT', token: a.people.owner.accessToken, body: data, pieceBytes: 128 * 1024 }),
      raw(`${t.srv.url}${blobPath(b.ws, hash)}`, { method: 'PUT', token: b.people.editor.accessToken, body: data, pieceBytes: 128 * 1024 }),
    ]);
    const statuses = uploads.map((u) => u.status);
    // Same workspace: one of the two gave it (201), the other found it given (200) — or both were answered 201/200 in turn.
    expect(statuses.slice(0, 2).sort()).toEqual([200, 201]);
    expect(statuses[2]).toBe(201);
    for (const u of uploads) expect(JSON.parse(u.body.toString())).toEqual({ sha256: hash, size: data.length });
    expect(await count(t, 'blobs')).toBe(1);
    expect(await count(t, 'blob_uploads')).toBe(1);
    expect(await count(t, 'blob_chunks')).toBe(3);
    expect(await count(t, 'workspace_blobs')).toBe(2);
    for (const [ws, token] of [
      [a.ws, a.people.viewer.accessToken],
      [b.ws, b.people.viewer.accessToken],
    ] as const) {
      const got = await raw(`${t.srv.url}${blobPath(ws, hash)}`, { method: 'GET', token });
      expect(got.body.equals(data)).toBe(true);
    }
  });

  it('REST records link attachments that carry sha256 to their blob, and the link downloads the bytes', async () => {
    const t = await world.start();
    const { ws, people } = await team(t, 'A');
    const owner = people.owner.accessToken;
    const base = await t.api<{ id: string }>('POST', '/v0/meta/bases', {
      token: owner,
      body: { name: 'Docs', workspaceId: ws, tables: [{ name: 'Files', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'Files', type: 'multipleAttachments' }] }] },
    });
    expect(base.status).toBe(200);
    const data = crypto.randomBytes(1.5 * MiB);
    const hash = sha(data);
    expect((await raw(`${t.srv.url}${blobPath(ws, hash)}`, { method: 'PUT', token: people.editor.accessToken, body: data })).status).toBe(201);

    const made = await t.api<{ records: Array<{ id: string }> }>('POST', `/v0/${base.body.id}/Files`, {
      token: owner,
      body: {
        records: [
          { fields: { Name: 'with bytes', Files: [{ id: 'attAAAAAAAAAAAAAA', sha256: hash, filename: 'Prüfbericht 3.pdf', size: data.length, type: 'application/pdf' }] } },
          { fields: { Name: 'no bytes', Files: [{ filename: 'old.png', size: 10, type: 'image/png' }] } },
        ],
      },
    });
    expect(made.status).toBe(200);

    type Listed = { records: Array<{ id: string; fields: { Name: string; Files: Array<{ id: string; url?: string; filename: string; size: number; type: string }> } }> };
    const reader = await apiToken(t, people.viewer.accessToken, ws, ['data.records:read']);
    const list = await t.api<Listed>('GET', `/v0/${base.body.id}/Files`, { token: reader });
    expect(list.status).toBe(200);
    const [withBytes, noBytes] = list.body.records;
    const expectedUrl = `${t.srv.publicUrl}/api/v1/workspaces/${ws}/blobs/${hash}?name=${encodeURIComponent('Prüfbericht 3.pdf')}`;
    expect(withBytes!.fields.Files).toEqual([{ id: 'attAAAAAAAAAAAAAA', url: expectedUrl, filename: 'Prüfbericht 3.pdf', size: data.length, type: 'application/pdf' }]);
    // No bytes on the server: no URL rather than one that leads nowhere.
    expect(noBytes!.fields.Files).toEqual([{ id: expect.any(String), filename: 'old.png', size: 10, type: 'image/png' }]);

    const download = await raw(expectedUrl, { method: 'GET', token: reader });
    expect(download.status).toBe(200);
    expect(download.body.equals(data)).toBe(true);
    expect(download.headers['content-disposition']).toBe(`attachment; filename="Pr_fbericht 3.pdf"; filename*=UTF-8''Pr%C3%BCfbericht%203.pdf`);

    // Writing back what was read (Airtable clients send {id, url, filename}) keeps the link to the bytes.
    const back = await t.api<{ fields: { Files: Array<{ url?: string }> } }>('PATCH', `/v0/${base.body.id}/Files/${withBytes!.id}`, {
      token: owner,
      body: { fields: { Files: [{ url: expectedUrl, filename: 'Prüfbericht 3.pdf' }] } },
    });
    expect(back.status).toBe(200);
    expect(back.body.fields.Files[0]!.url).toBe(expectedUrl);
  });

  it('the sweep deletes chunks of uploads abandoned long ago, never those of a blob or of an upload under way', async () => {
    const t = await world.start();
    const { ws, people } = await team(t, 'A');
    const data = crypto.randomBytes(10_000);
    expect((await raw(`${t.srv.url}${blobPath(ws, sha(data))}`, { method: 'PUT', token: people.editor.accessToken, body: data })).status).toBe(201);
    // As a process that died mid-upload leaves them: one two days ago, one just now.
    for (const [id, age] of [
      ['uplAbandoned0000000', '2 days'],
      ['uplUnderWay00000000', '1 minute'],
    ] as const) {
      await t.db.query(`INSERT INTO blob_uploads (id, started_at) VALUES ($1, now() - interval '${age}')`, [id]);
      await t.db.query('INSERT INTO blob_chunks (upload_id, idx, data) VALUES ($1, 0, $2)', [id, crypto.randomBytes(100)]);
    }
    await t.db.query("UPDATE blob_uploads SET started_at = now() - interval '3 days' WHERE id IN (SELECT upload_id FROM blobs)");
    expect(await sweepStaleUploads(t.db)).toBe(1);
    expect((await t.db.query<{ id: string }>('SELECT id FROM blob_uploads ORDER BY id')).map((r) => r.id).sort()).toEqual([(await t.db.query<{ upload_id: string }>('SELECT upload_id FROM blobs'))[0]!.upload_id, 'uplUnderWay00000000'].sort());
    expect(await count(t, 'blob_chunks')).toBe(2);
    expect((await raw(`${t.srv.url}${blobPath(ws, sha(data))}`, { method: 'GET', token: people.viewer.accessToken })).body.equals(data)).toBe(true);
  });

  it('/openapi.json describes the blob and base routes', async () => {
    const t = await world.start();
    const doc = await t.api<{ paths: Record<string, Record<string, { summary: string; description?: string; requestBody?: unknown }>> }>('GET', '/openapi.json');
    const blobs = doc.body.paths['/api/v1/workspaces/{id}/blobs/{sha256}']!;
    expect(Object.keys(blobs).sort()).toEqual(['get', 'head', 'put']);
    expect(blobs.put!.requestBody).toMatchObject({ content: { 'application/octet-stream': {} } });
    expect(Object.keys(doc.body.paths['/api/v1/workspaces/{id}/bases']!).sort()).toEqual(['get', 'post']);
    expect(doc.body.paths['/v0/{baseId}/{table}']!.get!.description).toContain('left out');
  });
});
