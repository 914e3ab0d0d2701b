/**
 * Access tokens: short-lived, stateless bearer tokens signed with TOKEN_SECRET (HMAC-SHA256).
 *
 * Format: `bpa1.<payload>.<signature>`, both base64url; the payload is JSON
 * `{ "u": userId, "s": sessionId, "e": expiry (unix seconds) }` and the signature covers
 * `bpa1.<payload>`. The prefix says what the string is (so secret scanners and people can tell an
 * access token from an API token `bpt_…` or a refresh token `bpr_…`) and versions the format.
 * Verification compares signatures in constant time before it parses anything. The session id lets
 * the server refuse an access token at once when its login is revoked (logout, password change,
 * refresh-token reuse), instead of only when it expires.
 */
import crypto from 'node:crypto';
import { z } from 'zod';

export const ACCESS_TOKEN_PREFIX = 'bpa1';
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

export interface AccessClaims {
  userId: string;
  sessionId: string;
  /** Unix seconds. */
  expiresAt: number;
}

const Payload = z.strictObject({ u: z.string().min(1).max(64), s: z.string().min(1).max(64), e: z.number().int().positive() });

function sign(secret: string, signed: string): Buffer {
  return crypto.createHmac('sha256', secret).update(signed).digest();
}

export function signAccessToken(secret: string, claims: AccessClaims): string {
  const payload = Buffer.from(JSON.stringify({ u: claims.userId, s: claims.sessionId, e: claims.expiresAt })).toString('base64url');
  const signed = `${ACCESS_TOKEN_PREFIX}.${payload}`;
  return `${signed}.${sign(secret, signed).toString('base64url')}`;
}

export type AccessTokenCheck = { ok: true; claims: AccessClaims } | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

/** `now` in milliseconds. */
export function verifyAccessToken(secret: string, token: string, now: number): AccessTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== ACCESS_TOKEN_PREFIX || token.length > 1024) return { ok: false, reason: 'malformed' };
  // Compared as text, not decoded bytes: base64url decoding ignores stray bits and characters, which
  // would let many spellings of one signature pass. Lengths are public (every signature is 43 characters).
  const given = Buffer.from(parts[2]!, 'utf8');
  const expected = Buffer.from(sign(secret, `${parts[0]}.${parts[1]}`).toString('base64url'), 'utf8');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const payload = Payload.safeParse(raw);
  if (!payload.success) return { ok: false, reason: 'malformed' };
  if (payload.data.e * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { userId: payload.data.u, sessionId: payload.data.s, expiresAt: payload.data.e } };
}
