/**
 * Browser mode's server over real sockets on 127.0.0.1: the session token (in the printed address's
 * fragment, never in a cookie) guards the engine socket, other hosts and origins are refused, static files stay inside their folder, and the
 * engine contract works over the WebSocket (results, errors as data, events to every socket).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createEngineClient } from '../../src-shared/api/engine.rpc';
import { CLOSE, socketTransport, type MessageSocket } from '../../src-shared/api/engine.wire';
import type { ChangeEvent } from '../../src-shared/api/engine.dto';
import { Engine } from '../engine/engine';
import { makeTempDir } from '../engine/testing/temp-dir';
import { startWebServer, type WebServer } from './web-server';

let tmp: ReturnType<typeof makeTempDir>;
let engine: Engine;
let server: WebServer;
let staticDir: string;

beforeEach(async () => {
  tmp = makeTempDir();
  staticDir = tmp.file('renderer');
  fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Baseplate</title>');
  fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(tmp.file('secret.txt'), 'outside');
  engine = new Engine({ maintenanceMs: 0, actor: 'web' });
  server = await startWebServer({ engine, staticDir });
});
afterEach(async () => {
  await server.close();
  engine.close();
  tmp.cleanup();
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(pathname: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: server.port, path: pathname, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}


function connect(opts: { token?: string | null; origin?: string; headers?: Record<string, string> } = {}): Promise<WebSocket> {
  const token = opts.token === undefined ? server.token : opts.token;
  const url = `ws://127.0.0.1:${server.port}/rpc${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  const ws = new WebSocket(url, { ...(opts.origin ? { origin: opts.origin } : {}), ...(opts.headers ? { headers: opts.headers } : {}) });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

describe('browser mode server', () => {
  it('prints a loopback URL whose fragment carries a random token; sockets without it are refused', async () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/#token=[A-Za-z0-9_-]{32}$`));
    const other = await startWebServer({ engine, staticDir });
    try {
      expect(other.token).not.toBe(server.token);
    } finally {
      await other.close();
    }
    await expect(connect({ token: null })).rejects.toThrow('HTTP 401');
    await expect(connect({ token: 'wrong' })).rejects.toThrow('HTTP 401');
    await expect(connect({ token: server.token.slice(0, -1) })).rejects.toThrow('HTTP 401');
  });

  it('serves the app (code only, no data) with a strict CSP and no cookie; files stay inside their folder', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Baseplate</title>');
    expect(page.headers['set-cookie']).toBeUndefined();
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const asset = await get('/assets/app.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('text/javascript');
    // Client-side routes get the app; missing files and escapes get 404.
    expect((await get('/some/route')).body).toContain('<title>');
    expect((await get('/assets/missing.js')).status).toBe(404);
    for (const escape of ['/../secret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e/secret.txt', '/.//evil.example']) {
      const r = await get(escape);
      expect(r.body, escape).not.toContain('outside');
      expect(r.headers.location, escape).toBeUndefined();
    }
  });

  it('refuses requests and sockets for other hosts (DNS rebinding) and sockets from other origins', async () => {
    expect((await get('/', { Host: `evil.example:${server.port}` })).status).toBe(403);
    await expect(connect({ headers: { Host: `evil.example:${server.port}` } })).rejects.toThrow('HTTP 403');
    await expect(connect({ origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect({ token: null })).rejects.toThrow('HTTP 401');
    await expect(connect({ token: 'nope' })).rejects.toThrow('HTTP 401');
    const ok = await connect({ origin: server.origin });
    ok.close();
  });

  it('carries the engine contract: results, errors as EngineErrors, and change events to every socket', async () => {
    const a = await connect();
    const b = await connect();
    const client = createEngineClient(socketTransport(a as unknown as MessageSocket));
    const watcher = createEngineClient(socketTransport(b as unknown as MessageSocket));
    const events: ChangeEvent[] = [];
    watcher.onDidChange((e) => events.push(e));

    const { base } = await client['base.create']({ path: tmp.file('web.base') });
    await client['table.create']({ base, name: 'Parts', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'Qty', type: 'number' }] });
    const { ids } = await client['records.create']({ base, table: 'Parts', records: [{ Name: 'Bolt', Qty: 4 }, { Name: 'Nut', Qty: 9 }] });
    expect(ids).toHaveLength(2);
    const page = await client['records.query']({ base, table: 'Parts', sorts: [{ field: 'Qty', direction: 'desc' }], keys: 'name' });
    expect(page.records.map((r) => r.fields.Name)).toEqual(['Nut', 'Bolt']);
    await expect(client['records.query']({ base, table: 'Nope' })).rejects.toMatchObject({ name: 'EngineError', code: 'NOT_FOUND' });
    await expect(client['records.create']({ base, table: 'Parts', records: 'x' as never })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect.poll(() => events.some((e) => e.base === base && e.tables.length > 0)).toBe(true);
    a.close();
    b.close();
  });

  it('closes a socket that sends something other than a call, or a frame over the limit', async () => {
    const bad = await connect();
    const badClosed = closed(bad);
    bad.send('not json');
    expect((await badClosed).code).toBe(CLOSE.badMessage);

    const wrongShape = await connect();
    const shapeClosed = closed(wrongShape);
    wrongShape.send(JSON.stringify({ t: 'call', id: -1, method: 'schema.get' }));
    expect((await shapeClosed).code).toBe(CLOSE.badMessage);

    const big = await connect();
    const bigClosed = closed(big);
    big.send('x'.repeat(17 * 1024 * 1024));
    expect((await bigClosed).code).toBe(CLOSE.tooBig);

    // The server is still there for others.
    const ok = await connect();
    const client = createEngineClient(socketTransport(ok as unknown as MessageSocket));
    await expect(client['base.open']({ path: tmp.file('missing.base') })).rejects.toMatchObject({ name: 'EngineError' });
    ok.close();
  });

  it('pending calls fail with a clear error when the server stops', async () => {
    const ws = await connect();
    const client = createEngineClient(socketTransport(ws as unknown as MessageSocket));
    const { base } = await client['base.create']({ path: tmp.file('stop.base') });
    const wasClosed = closed(ws);
    await server.close();
    expect((await wasClosed).code).toBe(CLOSE.goingAway);
    await expect(client['schema.get']({ base })).rejects.toThrow(/connection to the engine closed \(1001/);
    server = await startWebServer({ engine, staticDir });
  });

  it('says the UI is not built when there is no renderer to serve', async () => {
    const bare = await startWebServer({ engine, staticDir: null });
    try {
      const r = await new Promise<Reply>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: bare.port, path: '/' }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
          })
          .on('error', reject);
      });
      expect(r.status).toBe(503);
      expect(r.body).toContain('npm run web');
    } finally {
      await bare.close();
    }
  });
});
