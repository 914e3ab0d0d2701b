/**
 * Fractional ordering keys: strings over base-62 digits that sort lexicographically, so an item
 * can be placed between two others without renumbering. Two replicas may generate the same key
 * concurrently; readers break ties by id, so every replica still sees one order.
 * Invariant: a generated key never ends in the zero digit, which keeps room below every key.
 */
const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE = DIGITS.length;

function digit(s: string, i: number): number {
  const c = s[i];
  if (c === undefined) return 0;
  const d = DIGITS.indexOf(c);
  if (d < 0) throw new Error(`Invalid order key ${JSON.stringify(s)}`);
  return d;
}

/** A key strictly between `a` and `b` (null = open end). Requires a < b when both are given. */
export function keyBetween(a: string | null, b: string | null): string {
  if (a === null && b === null) return DIGITS[BASE >> 1]!;
  if (b === null) return after(a!);
  if (a === null) return before(b);
  if (!(a < b)) throw new Error(`keyBetween: ${JSON.stringify(a)} is not before ${JSON.stringify(b)}`);
  return between(a, b);
}

/** Appends step the first digit, so n appends grow keys by about n / 62 characters. */
function after(a: string): string {
  const d = digit(a, 0);
  if (d < BASE - 1) return DIGITS[d + 1]!;
  return DIGITS[BASE - 1] + after(a.slice(1));
}

function before(b: string): string {
  const d = digit(b, 0);
  if (d >= 2) return DIGITS[d - 1]!;
  if (d === 1) return '0V';
  return '0' + before(b.slice(1));
}

function between(lo: string, hi: string): string {
  let out = '';
  let upperOpen = false;
  for (let i = 0; ; i++) {
    const dl = digit(lo, i);
    const dh = upperOpen ? BASE : digit(hi, i);
    if (dh - dl > 1) return out + DIGITS[(dl + dh) >> 1];
    out += DIGITS[dl];
    // Once the prefix is strictly below hi, later digits have no upper bound.
    if (dh > dl) upperOpen = true;
  }
}

/** n keys in increasing order after `after` (null = start). */
export function keysAfter(after: string | null, n: number): string[] {
  const keys: string[] = [];
  let prev = after;
  for (let i = 0; i < n; i++) {
    prev = keyBetween(prev, null);
    keys.push(prev);
  }
  return keys;
}

export function compareByOrder<T extends { order: string; id: string }>(x: T, y: T): number {
  if (x.order !== y.order) return x.order < y.order ? -1 : 1;
  return x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
}
