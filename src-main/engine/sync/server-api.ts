/**
 * The sync server's HTTP API as this engine uses it: sign-in, token refresh, workspaces and bases.
 * One `ServerSession` per signed-in server holds the short-lived access token in memory and
 * refreshes it with the stored refresh token, one refresh at a time (the server rotates refresh
 * tokens and treats a second use of one as theft, revoking the sign-in).
 */
import { EngineError } from '../../../src-shared/errors';
import type { AccountsStore, StoredAccount } from './accounts-store';

const REQUEST_TIMEOUT_MS = 15_000;
/** Refresh this long before the access token expires. */
const EXPIRY_MARGIN_MS = 60_000;

/** `https://Host:443/x/` → `https://host/x`: one spelling per server, for keys and URLs. */
export function normalizeServer(address: string): string {
  let u: URL;
  try {
    u = new URL(address.trim());
  } catch {
    throw new EngineError('INVALID_INPUT', `'${address}' is not a server address; it looks like https://sync.example.com.`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new EngineError('INVALID_INPUT', 'A server address starts with http:// or https://.');
  if (u.username || u.password) throw new EngineError('INVALID_INPUT', 'Leave the user name and password out of the server address.');
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}

export interface SignedIn {
  user: { id: string; email: string; name: string };
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
}

/** A JSON request to `server`; failures become EngineErrors a person can act on. */
export async function requestJson<T>(server: string, method: string, path: string, opts: { body?: unknown; token?: string } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(server + path, {
      method,
      headers: {
        accept: 'application/json',
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      },
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (e) {
    throw unreachable(server, e);
  }
  if (res.status === 204) return null as T;
  const text = await res.text().catch(() => '');
  const body = parseJson(text);
  if (res.ok) return body as T;
  throw refusal(server, res.status, body);
}

export function unreachable(server: string, e: unknown): EngineError {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const why = (e as Error).name === 'TimeoutError' ? 'no answer within 15 s' : (cause?.code ?? cause?.message ?? (e as Error).message);
  return new EngineError('SERVER_UNREACHABLE', `Cannot reach ${server} (${why}). Check the address and your network; your changes are kept on this machine.`);
}

export function refusal(server: string, status: number, body: unknown): EngineError {
  const message = messageOf(body) ?? `HTTP ${status}`;
  if (status === 401) return new EngineError('NOT_SIGNED_IN', `${server} asks you to sign in again (${message}).`);
  if (status >= 500) return new EngineError('SERVER_UNREACHABLE', `${server} failed to answer (${status}: ${message}). Try again later.`);
  return new EngineError('SERVER_REFUSED', `${server}: ${message}`, { status });
}

function messageOf(body: unknown): string | null {
  const error = (body as { error?: { message?: unknown } } | null)?.error;
  return typeof error?.message === 'string' ? error.message : null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function signIn(server: string, input: { email: string; password: string; register: boolean; name?: string | undefined }): Promise<SignedIn> {
  return input.register
    ? requestJson<SignedIn>(server, 'POST', '/api/v1/auth/register', { body: { email: input.email, password: input.password, name: input.name || input.email.split('@')[0] } })
    : requestJson<SignedIn>(server, 'POST', '/api/v1/auth/login', { body: { email: input.email, password: input.password } });
}

/** A signed-in server: authenticated requests, with the access token refreshed as needed. */
export class ServerSession {
  private access: { token: string; expiresAt: number } | null = null;
  /** Replaced by a new sign-in or signed out: it refreshes nothing any more. */
  private ended = false;
  private refreshing: Promise<string> | null = null;

  constructor(
    readonly server: string,
    private readonly store: AccountsStore,
    first?: SignedIn,
  ) {
    if (first) this.access = { token: first.accessToken, expiresAt: Date.parse(first.accessTokenExpiresAt) };
  }

  get account(): StoredAccount {
    const a = this.store.account(this.server);
    if (!a) throw new EngineError('NOT_SIGNED_IN', `Sign in to ${this.server} first.`);
    return a;
  }

  /** A valid access token (refreshed when it is about to expire). */
  accessToken(): Promise<string> {
    if (this.access && this.access.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return Promise.resolve(this.access.token);
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** Forgets the access token (the server refused it): the next use refreshes. */
  invalidate(): void {
    this.access = null;
  }

  private async refresh(): Promise<string> {
    if (this.ended) throw new EngineError('NOT_SIGNED_IN', `Signed out of ${this.server}.`);
    this.store.reload();
    const spent = this.account.refreshToken;
    const r = await requestJson<{ accessToken: string; accessTokenExpiresAt: string; refreshToken: string }>(this.server, 'POST', '/api/v1/auth/refresh', {
      body: { refreshToken: spent },
    });
    // The old refresh token is spent: keep the new one before anything else can fail (unless a
    // new sign-in replaced this one meanwhile).
    this.store.rotate(this.server, spent, r.refreshToken);
    if (this.ended) throw new EngineError('NOT_SIGNED_IN', `Signed out of ${this.server}.`);
    this.access = { token: r.accessToken, expiresAt: Date.parse(r.accessTokenExpiresAt) };
    return r.accessToken;
  }

  /** An authenticated JSON request; a refused access token is refreshed once and the request repeated. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = await this.accessToken();
    try {
      return await requestJson<T>(this.server, method, path, { token, ...(body !== undefined ? { body } : {}) });
    } catch (e) {
      if (!(e instanceof EngineError) || e.code !== 'NOT_SIGNED_IN') throw e;
      this.invalidate();
      return requestJson<T>(this.server, method, path, { token: await this.accessToken(), ...(body !== undefined ? { body } : {}) });
    }
  }

  /** This session is replaced (a new sign-in) or signed out: it uses no token any more. */
  end(): void {
    this.ended = true;
    this.access = null;
  }

  /** Ends the sign-in on the server (best effort: signing out works offline too). */
  async logout(): Promise<void> {
    if (!this.store.account(this.server)) return;
    try {
      // The access token first: getting it may rotate the refresh token, which is what to send.
      const token = await this.accessToken();
      const refreshToken = this.store.account(this.server)?.refreshToken;
      if (refreshToken) await requestJson(this.server, 'POST', '/api/v1/auth/logout', { token, body: { refreshToken } });
    } catch {
      // Unreachable or already revoked: forgetting the token here is what matters.
    }
  }
}
