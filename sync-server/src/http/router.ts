/**
 * A small router over node:http: `METHOD /path/{param}` patterns, JSON replies, expected failures
 * as values. Every response carries the security headers; a thrown error is a bug, answered 500
 * without its message (which goes to the log). Request logs name the route pattern, never the
 * raw path or query, so tokens in a URL cannot reach a log.
 */
import type http from 'node:http';
import type { Logger } from 'pino';
import { FAILURE_STATUS, fail, isFailure, type Failure, type Outcome } from './failures';
import { SECURITY_HEADERS } from './security-headers';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface Reply {
  status: number;
  /** JSON-serialized; absent for 204. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RequestContext {
  req: http.IncomingMessage;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The client's address (X-Forwarded-For's last hop when the proxy is trusted). */
  ip: string;
}

export type Handler = (ctx: RequestContext) => Promise<Reply | Failure>;

interface Route {
  method: Method;
  pattern: string;
  regex: RegExp;
  names: string[];
  handler: Handler;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => (headers ? { status, body, headers } : { status, body });
export const noContent = (): Reply => ({ status: 204 });

/** An outcome as a reply: its value (mapped) with `status`, or its failure. */
export function answer<T>(outcome: Outcome<T>, status = 200, body: (value: T) => unknown = (v) => v): Reply | Failure {
  return outcome.ok ? (status === 204 ? noContent() : json(status, body(outcome.value))) : outcome.error;
}

export interface RouterOptions {
  logger: Logger;
  trustProxy: boolean;
}

export class Router {
  private readonly routes: Route[] = [];
  constructor(private readonly options: RouterOptions) {}

  add(method: Method, pattern: string, handler: Handler): this {
    const names: string[] = [];
    const source = pattern
      .split('/')
      .map((part) => {
        const m = /^\{([a-zA-Z]+)\}$/.exec(part);
        if (!m) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        names.push(m[1]!);
        return '([^/]+)';
      })
      .join('/');
    // A trailing slash is the same path: Airtable's client posts new records to `/v0/{base}/{table}/`.
    this.routes.push({ method, pattern, regex: new RegExp(`^${source}/?$`), names, handler });
    return this;
  }

  /** The routes, in the order they were added (for the OpenAPI document). */
  list(): Array<{ method: Method; pattern: string }> {
    return this.routes.map((r) => ({ method: r.method, pattern: r.pattern }));
  }

  /** The node:http request listener. */
  readonly listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    void this.handle(req, res);
  };

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    let pattern = '(unmatched)';
    let reply: Reply;
    try {
      const url = new URL(req.url ?? '/', 'http://server.invalid');
      const found = this.match(req.method ?? 'GET', url.pathname);
      if ('failure' in found) {
        reply = toReply(found.failure);
        if (found.allow) reply.headers = { ...reply.headers, Allow: found.allow };
      } else {
        pattern = found.route.pattern;
        const ctx: RequestContext = { req, params: found.params, query: url.searchParams, ip: clientIp(req, this.options.trustProxy) };
        const out = await found.route.handler(ctx);
        reply = isFailure(out) ? toReply(out) : out;
      }
    } catch (e) {
      this.options.logger.error({ err: e, route: pattern, method: req.method }, 'request failed');
      reply = toReply(fail('SERVER_ERROR', 'The server hit an unexpected error; it has been logged.'));
    }
    send(res, reply);
    this.options.logger.debug({ method: req.method, route: pattern, status: reply.status, ms: Math.round(performance.now() - started) }, 'request');
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | { failure: Failure; allow?: string } {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      for (let i = 0; i < route.names.length; i++) {
        try {
          params[route.names[i]!] = decodeURIComponent(m[i + 1]!);
        } catch {
          return { failure: fail('INVALID_REQUEST', `The path segment for '${route.names[i]}' is not valid percent-encoding.`) };
        }
      }
      return { route, params };
    }
    if (allowed.length > 0) return { failure: fail('METHOD_NOT_ALLOWED', `${method} is not supported here; use ${allowed.join(' or ')}.`), allow: allowed.join(', ') };
    return { failure: fail('NOT_FOUND', `Nothing at ${method} ${path.length > 100 ? `${path.slice(0, 100)}…` : path}.`) };
  }
}

export function toReply(f: Failure): Reply {
  const headers: Record<string, string> = f.retryAfter === undefined ? {} : { 'Retry-After': String(f.retryAfter) };
  return { status: FAILURE_STATUS[f.failure], body: { error: { type: f.failure, message: f.message } }, headers };
}

export function send(res: http.ServerResponse, reply: Reply): void {
  if (res.headersSent) return;
  const headers: Record<string, string> = { ...SECURITY_HEADERS, ...reply.headers };
  if (reply.body === undefined || reply.status === 204) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)) }).end(text);
}

function clientIp(req: http.IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const list = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',').map((s) => s.trim()).filter(Boolean);
    // The last hop is the one our own proxy appended; earlier entries are the client's to invent.
    const last = list.at(-1);
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}
