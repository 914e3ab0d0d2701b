/** Password hashes: scrypt with the strong parameters by default, stored with their parameters and salt. */
import { describe, expect, it } from 'vitest';
import { STRONG_SCRYPT, TEST_SCRYPT, hashPassword, needsRehash, verifyPassword } from './passwords';

describe('password hashing', () => {
  it('uses scrypt N=2^16, r=8, p=1 by default, and the hash verifies', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$16\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(STRONG_SCRYPT.logN).toBeGreaterThanOrEqual(15);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
  });

  it('salts each hash, verifies by the parameters stored with it, and says when to re-hash', async () => {
    const a = await hashPassword('same password here', TEST_SCRYPT);
    const b = await hashPassword('same password here', TEST_SCRYPT);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password here', a)).toBe(true);
    expect(needsRehash(a, STRONG_SCRYPT)).toBe(true);
    expect(needsRehash(a, TEST_SCRYPT)).toBe(false);
  });

  it('treats Unicode-equivalent spellings as one password and refuses malformed hashes', async () => {
    const hash = await hashPassword('caf\u00e9 au lait!', TEST_SCRYPT);
    expect(await verifyPassword('cafe\u0301 au lait!', hash)).toBe(true);
    for (const bad of ['', 'scrypt$10$8$1$abc', 'bcrypt$10$8$1$abc$def', hash.replace('scrypt$10', 'scrypt$40')]) {
      expect(await verifyPassword('caf\u00e9 au lait!', bad)).toBe(false);
    }
  });
});
