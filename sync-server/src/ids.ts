/**
 * Identifiers of server-side things (users, workspaces, sessions, API tokens, invitations, blob
 * uploads): a three-letter prefix and 14 random base62 characters (~83 bits), in the style of
 * Airtable's ids (`usrA1b2C3d4E5f6G7`). The desktop app's ids (src-shared/ids.ts) name base contents, not these.
 */
import crypto from 'node:crypto';

export type ServerIdPrefix = 'usr' | 'wsp' | 'ses' | 'tok' | 'inv' | 'upl';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function newServerId(prefix: ServerIdPrefix): string {
  let out = prefix;
  while (out.length < prefix.length + 14) {
    for (const b of crypto.randomBytes(16)) {
      // 248 = 4 × 62: rejecting the top values keeps every character equally likely.
      if (b < 248 && out.length < prefix.length + 14) out += ALPHABET[b % 62];
    }
  }
  return out;
}

export function isServerId(value: string, prefix: ServerIdPrefix): boolean {
  return value.length === 17 && value.startsWith(prefix) && /^[0-9A-Za-z]+$/.test(value);
}
