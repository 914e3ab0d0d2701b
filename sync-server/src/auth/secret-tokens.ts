/**
 * Opaque secret tokens — refresh tokens `bpr_…`, API tokens `bpt_…`, invitation tokens `bpi_…` —
 * 32 random bytes each (base64url). Only their SHA-256 is stored: a leaked database gives no
 * usable token, and a high-entropy secret needs no slow hash. Lookups go by the hash.
 */
import crypto from 'node:crypto';

export type SecretTokenKind = 'bpr' | 'bpt' | 'bpi';

export function newSecretToken(kind: SecretTokenKind): string {
  return `${kind}_${crypto.randomBytes(32).toString('base64url')}`;
}

export function hashSecretToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** A plausible token of this kind (cheap shape check before any database lookup). */
export function looksLike(kind: SecretTokenKind, token: string): boolean {
  return token.length === kind.length + 1 + 43 && token.startsWith(`${kind}_`) && /^[A-Za-z0-9_-]+$/.test(token);
}
