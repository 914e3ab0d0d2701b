/**
 * Identifiers: a three-letter prefix saying what it names and 14 random base62 characters
 * (~83 bits), e.g. `recA1b2C3d4E5f6G7`. Random, so replicas never coordinate to create one.
 */
declare const crypto: { getRandomValues<T extends Uint8Array>(array: T): T };

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export type IdPrefix = 'bas' | 'tbl' | 'fld' | 'viw' | 'rec' | 'sel' | 'shd' | 'att' | 'cli';

export function newId(prefix: IdPrefix): string {
  const bytes = crypto.getRandomValues(new Uint8Array(14));
  let out = prefix;
  for (const b of bytes) out += ALPHABET[b % 62];
  return out;
}

const ID_RE = /^(bas|tbl|fld|viw|rec|sel|shd|att|cli)[0-9A-Za-z]{14}$/;
export function isId(value: unknown, prefix?: IdPrefix): value is string {
  return typeof value === 'string' && ID_RE.test(value) && (prefix === undefined || value.startsWith(prefix));
}
