/**
 * Password hashing with scrypt (memory-hard, in Node's crypto). A stored hash carries its own
 * parameters and salt — `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>` (base64url) — so parameters can be
 * raised later without locking anyone out (`needsRehash` says when to re-hash at the next login).
 *
 * Default: N = 2^16, r = 8, p = 1: 64 MiB and ~130 ms per hash on the machines here (OWASP's
 * minimum is 2^15 at these r, p). Node refuses scrypt above `maxmem` (default 32 MiB), so each call
 * passes one sized for its parameters; at most MAX_CONCURRENT hashes run at once, which bounds
 * memory (a burst of logins queues rather than taking 64 MiB each) and keeps libuv's thread pool
 * free for other work.
 */
import crypto from 'node:crypto';

export interface ScryptParams {
  /** log2 of N, the CPU/memory cost. */
  logN: number;
  r: number;
  p: number;
}

export const STRONG_SCRYPT: ScryptParams = { logN: 16, r: 8, p: 1 };
/** For tests only: fast, and still the same code path. */
export const TEST_SCRYPT: ScryptParams = { logN: 10, r: 8, p: 1 };

export const MIN_PASSWORD_LENGTH = 10;
/** Longer passwords are refused rather than hashed (bounds the work a request can ask for). */
export const MAX_PASSWORD_LENGTH = 1024;

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const MAX_CONCURRENT = 2;
/** Hashes read from the database must stay within reason, whatever the row says. */
const MAX_LOG_N = 20;

let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Unicode-equivalent spellings of a password are the same password. */
const normalize = (password: string): string => password.normalize('NFKC');

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.logN;
  const maxmem = 256 * N * params.r * params.p + 1024 * 1024;
  return limited(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        crypto.scrypt(normalize(password), salt, KEY_BYTES, { N, r: params.r, p: params.p, maxmem }, (e, key) => (e ? reject(e) : resolve(key)));
      }),
  );
}

export async function hashPassword(password: string, params: ScryptParams = STRONG_SCRYPT): Promise<string> {
  const salt = crypto.randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return `scrypt$${params.logN}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [logN, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![logN, r, p].every(Number.isInteger) || logN < 1 || logN > MAX_LOG_N || r < 1 || r > 32 || p < 1 || p > 16) return null;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const key = Buffer.from(parts[5]!, 'base64url');
  if (salt.length === 0 || key.length !== KEY_BYTES) return null;
  return { params: { logN, r, p }, salt, key };
}

/** Constant-time comparison of the derived key; false for a malformed stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return crypto.timingSafeEqual(key, parsed.key);
}

export function needsRehash(stored: string, params: ScryptParams): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.params.logN < params.logN || parsed.params.r !== params.r || parsed.params.p < params.p;
}

/**
 * A hash of a random password with the given parameters: verified against when the email is
 * unknown, so an unknown email takes as long to refuse as a wrong password.
 */
export function dummyHash(params: ScryptParams): Promise<string> {
  return hashPassword(crypto.randomBytes(24).toString('base64url'), params);
}
