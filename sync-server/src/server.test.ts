/**
 * The server as a whole: health and readiness, security headers and JSON errors on every
 * response, body limits, CORS off; and `npm run sync-server`'s entry point as a real process —
 * a first start with nothing configured, requests, a clean stop on SIGTERM, no secret in its output.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Db } from './db/db';
import { testDatabases } from './testing/test-db';
import { TEST_PASSWORD, startTestServer, useTestWorld } from './testing/test-server';

const SECURITY = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};

function headersOf(h: Headers): Record<string, string> {
  return Object.fromEntries([...h.entries()].filter(([k]) => k in SECURITY));
}

/** A raw request (chunked when `chunks` is given), for what fetch will not send. */
function rawRequest(url: string, opts: { method: string; path: string; headers: Record<string, string>; chunks: Buffer[] }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${opts.path}`, { method: opts.method, headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const c of opts.chunks) req.write(c);
    req.end();
  });
}

describe.each(testDatabases())('the HTTP server on $name', (d) => {
  const world = useTestWorld(d);

  it('answers /health while up and /ready only while the database answers', async () => {
    let down = false;
    const real = world.db();
    const flaky: Db = { ...real, query: (sql, params) => (down ? Promise.reject(new Error('connection lost')) : real.query(sql, params)) };
    const t = await startTestServer(flaky);
    try {
      expect(await t.api('GET', '/health')).toMatchObject({ status: 200, body: { ok: true } });
      expect(await t.api('GET', '/ready')).toMatchObject({ status: 200, body: { ok: true, database: real.kind } });
      down = true;
      const ready = await t.api('GET', '/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ error: { type: 'SERVICE_UNAVAILABLE', message: 'The database does not answer.' } });
      expect(ready.headers.get('retry-after')).toBe('5');
      expect((await t.api('GET', '/health')).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('sends the security headers and JSON errors on every response, and no CORS headers', async () => {
    const t = await world.start();
    const responses = await Promise.all([
      t.api('GET', '/health', { headers: { origin: 'https://evil.example' } }),
      t.api('GET', '/nowhere'),
      t.api('DELETE', '/health'),
      t.api('OPTIONS', '/api/v1/auth/login', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } }),
      t.api('GET', '/api/v1/auth/me'),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 404, 405, 405, 401]);
    for (const r of responses) {
      expect(headersOf(r.headers)).toEqual(SECURITY);
      expect([...r.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
      expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    }
    expect(responses[1]!.body).toEqual({ error: { type: 'NOT_FOUND', message: 'Nothing at GET /nowhere.' } });
    expect(responses[2]!.headers.get('allow')).toBe('GET');
  });

  it('refuses bodies that are too large, not JSON, or malformed', async () => {
    const t = await world.start();
    const big = { email: 'a@example.com', password: TEST_PASSWORD, name: 'x'.repeat(70 * 1024) };
    const tooLarge = await t.api('POST', '/api/v1/auth/register', { body: big });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toEqual({ error: { type: 'REQUEST_TOO_LARGE', message: 'The request body is larger than 65536 bytes.' } });
    // Streamed without a length: cut off at the limit all the same.
    const streamed = await rawRequest(t.srv.url, {
      method: 'POST',
      path: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      chunks: Array.from({ length: 20 }, () => Buffer.alloc(8 * 1024, 0x20)),
    });
    expect(streamed.status).toBe(413);
    expect((await t.api('POST', '/api/v1/auth/login', { body: '{"email": ', headers: { 'content-type': 'application/json' } })).body).toEqual({
      error: { type: 'INVALID_REQUEST', message: 'The request body is not valid JSON.' },
    });
    expect((await t.api('POST', '/api/v1/auth/login', { body: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
    expect((await t.api('POST', '/api/v1/auth/login', { body: [1, 2] })).body).toEqual({ error: { type: 'INVALID_REQUEST', message: 'body: Invalid input: expected object, received array' } });
    expect(await t.db.query('SELECT 1 FROM users')).toEqual([]);
  });
});

describe('npm run sync-server (the entry point as a process)', () => {
  it('starts with nothing configured, serves, keeps secrets out of its output, and stops cleanly on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-sync-main-'));
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'debug' };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'main.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await expect.poll(() => /listening on (http:\S+)/.exec(stdout)?.[1], { timeout: 30_000, interval: 100 }).toBeDefined();
      const url = /listening on (http:\S+)/.exec(stdout)![1]!;
      expect(stdout).toContain(`generated TOKEN_SECRET into ${dataDir}/secrets.json (mode 0600)`);
      expect(stdout).toContain(`database:     embedded PGlite in ${dataDir}/pgdata`);

      const register = await fetch(`${url}/api/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ann@example.com', password: TEST_PASSWORD, name: 'Ann' }) });
      const tokens = (await register.json()) as { accessToken: string; refreshToken: string; user: { isAdmin: boolean } };
      expect(tokens.user.isAdmin).toBe(true);
      const me = await fetch(`${url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
      expect(me.status).toBe(200);
      await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ann@example.com', password: 'wrong password!' }) });

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout).toContain('Baseplate sync server stopped.');
      expect(stderr).toContain('"route":"/api/v1/auth/register","status":201');
      const secret = (JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as { TOKEN_SECRET: string }).TOKEN_SECRET;
      for (const s of [secret, TEST_PASSWORD, 'wrong password!', tokens.accessToken, tokens.refreshToken]) {
        expect(stdout).not.toContain(s);
        expect(stderr).not.toContain(s);
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a bad setting before starting, naming the variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'main.ts')], {
      env: { PATH: process.env.PATH, DATA_DIR: os.tmpdir(), PORT: 'eighty' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('PORT must be an integer from 0 to 65535 (got "eighty")');
  });
});
