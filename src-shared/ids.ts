/**
 * Identifiers: a three-letter prefix saying what it names and 14 random base62 characters
 * (~83 bits), e.g. `recA1b2C3d4E5f6G7`. Random, so replicas never coordinate to create one.
 */
declare const crypto: { getRandomValues<T extends Uint8Array>(array: T): T };

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export type IdPrefix = 'bas' | 'tbl' | 'fld' | 'viw' | 'rec' | 'sel' | 'shd' | 'att' | 'cli';

// Random bytes are drawn in blocks: one getRandomValues call per id dominated bulk imports.
const pool = new Uint8Array(4096);
let poolAt = pool.length;

function randomByte(): number {
  if (poolAt === pool.length) {
    crypto.getRandomValues(pool);
    poolAt = 0;
  }
  return pool[poolAt++]!;
}

export function newId(prefix: IdPrefix): string {
  let out = prefix;
  for (let i = 0; i < 14; ) {
    const b = randomByte();
    // 248 = 4 × 62: rejecting the top 8 values keeps every character equally likely.
    if (b >= 248) continue;
    out += ALPHABET[b % 62];
    i++;
  }
  return out;
}

const ID_RE = /^(bas|tbl|fld|viw|rec|sel|shd|att|cli)[0-9A-Za-z]{14}$/;
export function isId(value: unknown, prefix?: IdPrefix): value is string {
  return typeof value === 'string' && ID_RE.test(value) && (prefix === undefined || value.startsWith(prefix));
}
