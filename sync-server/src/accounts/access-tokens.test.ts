/** Access tokens: signed, expiring, and refused when any character is changed or the key differs. */
import { describe, expect, it } from 'vitest';
import { signAccessToken, verifyAccessToken } from './access-tokens';

const SECRET = 'k'.repeat(43);
const now = Date.UTC(2030, 0, 1);
const claims = { userId: 'usrAAAAAAAAAAAAAA', sessionId: 'sesBBBBBBBBBBBBBB', expiresAt: now / 1000 + 900 };

describe('access tokens', () => {
  it('carry the user, the session and the expiry, and verify until they expire', () => {
    const token = signAccessToken(SECRET, claims);
    expect(token).toMatch(/^bpa1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyAccessToken(SECRET, token, now)).toEqual({ ok: true, claims });
    expect(verifyAccessToken(SECRET, token, now + 899_000).ok).toBe(true);
    expect(verifyAccessToken(SECRET, token, now + 900_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('are refused when tampered with anywhere, or signed with another key', () => {
    const token = signAccessToken(SECRET, claims);
    const [prefix, payload, signature] = token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ u: 'usrCCCCCCCCCCCCCC', s: claims.sessionId, e: claims.expiresAt })).toString('base64url');
    expect(verifyAccessToken(SECRET, `${prefix}.${forged}.${signature}`, now)).toEqual({ ok: false, reason: 'signature' });
    for (let i = 0; i < signature.length; i++) {
      const flipped = signature.slice(0, i) + (signature[i] === 'A' ? 'B' : 'A') + signature.slice(i + 1);
      expect(verifyAccessToken(SECRET, `${prefix}.${payload}.${flipped}`, now).ok).toBe(false);
    }
    expect(verifyAccessToken(SECRET, `${token}A`, now).ok).toBe(false);
    expect(verifyAccessToken('o'.repeat(43), token, now)).toEqual({ ok: false, reason: 'signature' });
    expect(verifyAccessToken(SECRET, 'bpt_notanaccesstoken', now)).toEqual({ ok: false, reason: 'malformed' });
  });
});
