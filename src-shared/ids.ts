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

const STEM = 9;
const COUNTER = 14 - STEM;
const COUNTER_LIMIT = 62 ** COUNTER;

/**
 * Ids for many records made at once (an import): a random stem of 9 characters (~53 bits) shared by
 * the batch, then a base62 counter of 5. They are as valid and as unlikely to collide as `newId`'s,
 * and follow each other in sort order, so an index on them grows at one place instead of at random
 * pages (a 1M-row import otherwise waits on the page cache). A new stem every 62^5 ids (or
 * `perStem`, for tests).
 */
export function idSequence(prefix: IdPrefix, perStem = COUNTER_LIMIT): () => string {
  const limit = Math.min(perStem, COUNTER_LIMIT);
  let stem = '';
  let n = limit;
  return () => {
    if (n === limit) {
      stem = newId(prefix).slice(0, prefix.length + STEM);
      n = 0;
    }
    let counter = '';
    for (let v = n++, i = 0; i < COUNTER; i++, v = Math.floor(v / 62)) counter = ALPHABET[v % 62]! + counter;
    return stem + counter;
  };
}
