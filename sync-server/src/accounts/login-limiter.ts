/**
 * Failed-login limiting per (email, client address): after `maxFailures` failures within
 * `windowMs`, logins for that pair are answered 429 with Retry-After until the oldest counted
 * failure leaves the window; a successful login clears the count. Kept in the database (not in
 * memory) so every server process on one PostgreSQL counts the same failures. The key is a hash:
 * the table holds no email addresses.
 */
import crypto from 'node:crypto';
import type { Clock } from '../clock';
import type { Db } from '../db/db';

export interface LoginLimit {
  maxFailures: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMIT: LoginLimit = { maxFailures: 10, windowMs: 15 * 60_000 };

export class LoginLimiter {
  constructor(
    private readonly db: Db,
    private readonly limit: LoginLimit,
    private readonly clock: Clock,
  ) {}

  key(scope: string, subject: string, ip: string): string {
    return crypto.createHash('sha256').update(`${scope}\n${subject}\n${ip}`).digest('hex');
  }

  /** Seconds to wait when the key is over its limit now; null when it may try. */
  async retryAfter(key: string): Promise<number | null> {
    const now = this.clock();
    const rows = await this.db.query<{ at: Date }>('SELECT at FROM login_failures WHERE key = $1 AND at > $2 ORDER BY at DESC OFFSET $3 LIMIT 1', [
      key,
      new Date(now - this.limit.windowMs),
      this.limit.maxFailures - 1,
    ]);
    const row = rows[0];
    if (!row) return null;
    return Math.max(1, Math.ceil((new Date(row.at).getTime() + this.limit.windowMs - now) / 1000));
  }

  async recordFailure(key: string): Promise<void> {
    const now = this.clock();
    await this.db.query('INSERT INTO login_failures (key, at) VALUES ($1, $2)', [key, new Date(now)]);
    // Whatever left the window, for every key: the table stays as small as the current attacks.
    await this.db.query('DELETE FROM login_failures WHERE at <= $1', [new Date(now - this.limit.windowMs)]);
  }

  async clear(key: string): Promise<void> {
    await this.db.query('DELETE FROM login_failures WHERE key = $1', [key]);
  }
}
