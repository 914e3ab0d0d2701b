/**
 * The sync server's configuration, from environment variables (documented in
 * ../sync-server.env.example). Every value is checked, and a bad one stops the start with a
 * message naming the variable. Secrets not given are generated once (crypto random) and kept in
 * DATA_DIR/secrets.json (mode 0600), so a first start needs no configuration. Secret values never
 * appear in an error or a log; neither does DATABASE_URL (it may hold a password).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LOG_LEVELS, type LogLevel } from './logger';

export type Registration = 'open' | 'closed';

/** Secrets, by their environment variable name (also their key in secrets.json). */
export const SECRET_NAMES = ['TOKEN_SECRET'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

/** MAX_BLOB_BYTES when unset: 512 MiB. */
export const DEFAULT_MAX_BLOB_BYTES = 512 * 1024 * 1024;

/** A secret shorter than this is refused (a generated one is 43 base64url characters: 256 bits). */
export const MIN_SECRET_LENGTH = 32;

export interface Config {
  host: string;
  port: number;
  /** Absolute; created (mode 0700) if missing. */
  dataDir: string;
  /** Absent: embedded PGlite in DATA_DIR/pgdata. */
  databaseUrl: string | undefined;
  /** Base of invitation links, without a trailing slash. Absent: http://HOST:PORT once listening. */
  publicUrl: string | undefined;
  registration: Registration;
  /** Take the client address from X-Forwarded-For's last hop (set only behind your own proxy). */
  trustProxy: boolean;
  logLevel: LogLevel;
  /** The largest attachment blob accepted, in bytes (uploads over it get 413 before any byte is read). */
  maxBlobBytes: number;
  secrets: Record<SecretName, string>;
  /** Where each secret came from, for the start message (never the value). */
  secretSources: Record<SecretName, 'env' | 'file' | 'generated'>;
}

/** A start refused for a bad setting; the message names the variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`The sync server's configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export const SECRETS_FILE = 'secrets.json';

type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };

  const host = get('HOST') ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.-]{1,253}$/.test(host) && !/^[0-9A-Fa-f:.]{2,45}$/.test(host)) problems.push(`HOST must be a host name or an IP address (got ${JSON.stringify(host)}).`);

  const portText = get('PORT') ?? '8787';
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535) problems.push(`PORT must be an integer from 0 to 65535 (got ${JSON.stringify(portText)}); 0 picks a free port.`);

  const dataDir = path.resolve(cwd, get('DATA_DIR') ?? './sync-data');

  const databaseUrl = get('DATABASE_URL');
  if (databaseUrl !== undefined) {
    let protocol = '';
    try {
      protocol = new URL(databaseUrl).protocol;
    } catch {
      // Reported below, without the value: it may hold a password.
    }
    if (protocol !== 'postgres:' && protocol !== 'postgresql:') problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL (leave it unset for the embedded database).');
  }

  let publicUrl = get('PUBLIC_URL');
  if (publicUrl !== undefined) {
    try {
      const u = new URL(publicUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
      if (u.search || u.hash || u.username || u.password) throw new Error('extras');
      publicUrl = u.href.replace(/\/+$/, '');
    } catch {
      problems.push(`PUBLIC_URL must be an http:// or https:// URL without query, fragment or credentials (got ${JSON.stringify(publicUrl)}).`);
    }
  }

  const registration = (get('REGISTRATION') ?? 'open').toLowerCase();
  if (registration !== 'open' && registration !== 'closed') problems.push(`REGISTRATION must be 'open' or 'closed' (got ${JSON.stringify(registration)}).`);

  const trustText = (get('TRUST_PROXY') ?? 'false').toLowerCase();
  if (!['true', 'false', '1', '0'].includes(trustText)) problems.push(`TRUST_PROXY must be 'true' or 'false' (got ${JSON.stringify(trustText)}).`);

  const logLevel = (get('LOG_LEVEL') ?? (env.VITEST ? 'silent' : 'info')).toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(logLevel)}).`);

  const maxBlobText = get('MAX_BLOB_BYTES') ?? String(DEFAULT_MAX_BLOB_BYTES);
  const maxBlobBytes = Number(maxBlobText);
  if (!/^\d{1,16}$/.test(maxBlobText) || maxBlobBytes < 1 || !Number.isSafeInteger(maxBlobBytes)) {
    problems.push(`MAX_BLOB_BYTES must be a whole number of bytes, at least 1 (got ${JSON.stringify(maxBlobText)}); the default is ${DEFAULT_MAX_BLOB_BYTES} (512 MiB).`);
  }

  for (const name of SECRET_NAMES) {
    const v = get(name);
    if (v !== undefined && v.length < MIN_SECRET_LENGTH) problems.push(`${name} must be at least ${MIN_SECRET_LENGTH} characters (leave it unset to have one generated).`);
  }

  if (problems.length > 0) throw new ConfigError(problems);

  const { secrets, secretSources } = loadSecrets(dataDir, get);
  return {
    host,
    port,
    dataDir,
    databaseUrl,
    publicUrl,
    registration: registration as Registration,
    trustProxy: trustText === 'true' || trustText === '1',
    logLevel: logLevel as LogLevel,
    maxBlobBytes,
    secrets,
    secretSources,
  };
}

/**
 * Secrets from the environment first, else from DATA_DIR/secrets.json; what neither has is
 * generated and added to the file. Two processes starting at once on one DATA_DIR agree: the file
 * is created by a hard link, which fails for the second, who reads the first one's.
 */
function loadSecrets(dataDir: string, get: (name: string) => string | undefined): Pick<Config, 'secrets' | 'secretSources'> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, SECRETS_FILE);
  let stored = readSecretsFile(file);
  const missing = SECRET_NAMES.filter((n) => get(n) === undefined && stored[n] === undefined);
  if (missing.length > 0) {
    const next = { ...stored };
    for (const n of missing) next[n] = crypto.randomBytes(32).toString('base64url');
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    try {
      if (!fs.existsSync(file)) {
        try {
          fs.linkSync(tmp, file);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
      } else {
        fs.renameSync(tmp, file);
      }
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    stored = readSecretsFile(file);
  }
  const secrets = {} as Record<SecretName, string>;
  const secretSources = {} as Config['secretSources'];
  for (const n of SECRET_NAMES) {
    const fromEnv = get(n);
    const value = fromEnv ?? stored[n];
    if (value === undefined) throw new ConfigError([`${n}: could not be generated into ${file}.`]);
    secrets[n] = value;
    secretSources[n] = fromEnv !== undefined ? 'env' : missing.includes(n) ? 'generated' : 'file';
  }
  return { secrets, secretSources };
}

function readSecretsFile(file: string): Partial<Record<SecretName, string>> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError([`${file} cannot be read: ${(e as Error).message}`]);
  }
  // The file holds secrets: whoever else can read it could sign tokens.
  if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ConfigError([`${file} is not valid JSON; fix it, or delete it to have new secrets generated (everyone signs in again).`]);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new ConfigError([`${file} must hold a JSON object of secrets.`]);
  const out: Partial<Record<SecretName, string>> = {};
  for (const n of SECRET_NAMES) {
    const v = (data as Record<string, unknown>)[n];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length < MIN_SECRET_LENGTH) throw new ConfigError([`${n} in ${file} must be a string of at least ${MIN_SECRET_LENGTH} characters.`]);
    out[n] = v;
  }
  return out;
}

/** http://host:port, with an IPv6 address in brackets. */
export function httpUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** DATABASE_URL as it may be shown: host, port and database, no user or password. */
export function describeDatabase(config: Config): string {
  if (!config.databaseUrl) return `embedded PGlite in ${path.join(config.dataDir, 'pgdata')}`;
  const u = new URL(config.databaseUrl);
  return `PostgreSQL at ${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
}
