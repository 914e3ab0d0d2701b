/**
 * Per-token request limits of the /v0 API, as Airtable's: 5 requests per second per base (a token
 * bucket per token and base; meta routes without a base share one bucket per token). In memory,
 * per process: with several server processes behind one address a client gets the limit of each.
 * Keys are a hash of the Authorization header (so limiting needs no database lookup, and no token
 * is kept); requests without one are limited per address.
 */
import crypto from 'node:crypto';

export interface RestRateLimit {
  /** Sustained requests per second. */
  perSecond: number;
  /** Requests allowed at once above the sustained rate. */
  burst: number;
}

export const DEFAULT_REST_RATE_LIMIT: RestRateLimit = { perSecond: 5, burst: 5 };

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets idle this long are full again and forgotten. */
const FORGET_AFTER_MS = 60_000;

export class RestRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(
    private readonly limit: RestRateLimit,
    /** Monotonic ms (not the server's clock, which tests hold still). */
    private readonly clock: () => number = () => performance.now(),
  ) {}

  static keyOf(authorization: string | undefined, ip: string, baseId: string | null): string {
    const who = authorization ? crypto.createHash('sha256').update(authorization).digest('base64url').slice(0, 22) : `ip:${ip}`;
    return `${who}|${baseId ?? '-'}`;
  }

  /** Takes a request from the key's bucket: null when allowed, else the seconds to wait. */
  take(key: string): number | null {
    const now = this.clock();
    this.sweep(now);
    const b = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    b.tokens = Math.min(this.limit.burst, b.tokens + ((now - b.at) / 1000) * this.limit.perSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return null;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.limit.perSecond));
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < FORGET_AFTER_MS) return;
    this.lastSweep = now;
    for (const [k, b] of this.buckets) if (now - b.at > FORGET_AFTER_MS) this.buckets.delete(k);
  }
}
