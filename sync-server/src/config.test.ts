/**
 * Configuration: defaults for a first start with nothing set, secrets generated once into
 * DATA_DIR/secrets.json (0600) and reused, and every bad value refused with its variable's name.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, SECRETS_FILE, describeDatabase, loadConfig } from './config';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-config-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ DATA_DIR: dir, ...env });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('sync server configuration', () => {
  it('starts with nothing set: 127.0.0.1:8787, ./sync-data, embedded database, open registration', () => {
    const config = loadConfig({}, dir);
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8787, dataDir: path.join(dir, 'sync-data'), databaseUrl: undefined, publicUrl: undefined, registration: 'open', trustProxy: false });
    expect(describeDatabase(config)).toBe(`embedded PGlite in ${path.join(dir, 'sync-data', 'pgdata')}`);
  });

  it('generates the token secret once, keeps it in secrets.json with mode 0600, and reuses it', () => {
    const first = loadConfig({ DATA_DIR: dir });
    const file = path.join(dir, SECRETS_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(first.secretSources.TOKEN_SECRET).toBe('generated');
    expect(first.secrets.TOKEN_SECRET).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const second = loadConfig({ DATA_DIR: dir });
    expect(second.secretSources.TOKEN_SECRET).toBe('file');
    expect(second.secrets.TOKEN_SECRET).toBe(first.secrets.TOKEN_SECRET);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ TOKEN_SECRET: first.secrets.TOKEN_SECRET });
  });

  it('takes a secret from the environment without writing it anywhere', () => {
    const secret = 'x'.repeat(40);
    const config = loadConfig({ DATA_DIR: dir, TOKEN_SECRET: secret });
    expect(config.secrets.TOKEN_SECRET).toBe(secret);
    expect(config.secretSources.TOKEN_SECRET).toBe('env');
    expect(fs.existsSync(path.join(dir, SECRETS_FILE))).toBe(false);
  });

  it('tightens a secrets file others can read back to 0600', () => {
    loadConfig({ DATA_DIR: dir });
    const file = path.join(dir, SECRETS_FILE);
    fs.chmodSync(file, 0o644);
    loadConfig({ DATA_DIR: dir });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a bad PORT, naming the variable', () => {
    for (const port of ['http', '-1', '65536', '80.5']) {
      expect(() => loadConfig({ DATA_DIR: dir, PORT: port })).toThrow(/PORT must be an integer from 0 to 65535/);
    }
    expect(loadConfig({ DATA_DIR: dir, PORT: '0' }).port).toBe(0);
  });

  it('names every bad variable at once, and never echoes DATABASE_URL or a secret', () => {
    const problems = problemsOf({ HOST: 'bad host!', REGISTRATION: 'sometimes', PUBLIC_URL: 'ftp://x', DATABASE_URL: 'mysql://u:hunter2@db/x', TOKEN_SECRET: 'short-secret', TRUST_PROXY: 'maybe', LOG_LEVEL: 'loud' });
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['HOST', 'DATABASE_URL', 'PUBLIC_URL', 'REGISTRATION', 'TRUST_PROXY', 'LOG_LEVEL', 'TOKEN_SECRET']);
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(problems.join('\n')).not.toContain('short-secret');
  });

  it('normalizes PUBLIC_URL and reads the rest', () => {
    const config = loadConfig({ DATA_DIR: dir, PUBLIC_URL: 'https://sync.example.com/team/', REGISTRATION: 'closed', DATABASE_URL: 'postgres://u:p@db.example.com:5433/bp', TRUST_PROXY: 'true', HOST: '::1' });
    expect(config).toMatchObject({ publicUrl: 'https://sync.example.com/team', registration: 'closed', trustProxy: true, host: '::1' });
    expect(describeDatabase(config)).toBe('PostgreSQL at db.example.com:5433/bp');
  });

  it('takes MAX_BLOB_BYTES as a whole number of bytes, 512 MiB by default', () => {
    expect(loadConfig({ DATA_DIR: dir }).maxBlobBytes).toBe(536_870_912);
    expect(loadConfig({ DATA_DIR: dir, MAX_BLOB_BYTES: '1048576' }).maxBlobBytes).toBe(1_048_576);
    for (const value of ['0', '-1', '1.5', '1e9', 'lots', '99999999999999999']) {
      expect(problemsOf({ MAX_BLOB_BYTES: value }), value).toEqual([expect.stringMatching(/^MAX_BLOB_BYTES must be a whole number of bytes/)]);
    }
  });

  it('refuses a corrupt secrets file with the file named, instead of replacing the secrets', () => {
    fs.writeFileSync(path.join(dir, SECRETS_FILE), '{ not json', { mode: 0o600 });
    expect(() => loadConfig({ DATA_DIR: dir })).toThrow(/secrets\.json is not valid JSON/);
  });
});
