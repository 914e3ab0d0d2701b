import { describe, expect, it } from 'vitest';
import { keyBetween, keysAfter } from './order-key';

describe('order keys', () => {
  it('a key between two keys sorts strictly between them', () => {
    const pairs: Array<[string | null, string | null]> = [
      [null, null], [null, 'V'], ['V', null], ['A', 'B'], ['A', 'A1'], ['Az', 'B'], ['1', '2'], ['zz', null], [null, '01'],
    ];
    for (const [a, b] of pairs) {
      const k = keyBetween(a, b);
      if (a !== null) expect(k > a).toBe(true);
      if (b !== null) expect(k < b).toBe(true);
      expect(k.endsWith('0')).toBe(false);
    }
  });

  it('repeated insertion at the front, the back and the middle keeps the order', () => {
    const keys = ['V'];
    for (let i = 0; i < 300; i++) {
      keys.unshift(keyBetween(null, keys[0]!));
      keys.push(keyBetween(keys[keys.length - 1]!, null));
      const mid = Math.floor(keys.length / 2);
      keys.splice(mid, 0, keyBetween(keys[mid - 1]!, keys[mid]!));
    }
    const sorted = [...keys].sort();
    expect(keys).toEqual(sorted);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('a thousand appends or prepends keep keys short', () => {
    let last = keyBetween(null, null);
    let first = last;
    for (let i = 0; i < 1000; i++) {
      last = keyBetween(last, null);
      first = keyBetween(null, first);
    }
    expect(last.length).toBeLessThanOrEqual(20);
    expect(first.length).toBeLessThanOrEqual(40);
  });

  it('keysAfter gives increasing keys', () => {
    const ks = keysAfter(null, 100);
    expect(ks).toEqual([...ks].sort());
  });

  it('refuses bounds in the wrong order', () => {
    expect(() => keyBetween('B', 'A')).toThrow();
  });
});
