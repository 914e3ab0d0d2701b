/**
 * A small router over node:http: `METHOD /path/{param}` patterns, JSON replies, expected failures
 * as values. Every response carries the security headers; a thrown error is a bug, answered 500
 * without its message (which goes to the log). Request logs name the route pattern, never the
 * raw path or query, so tokens in a URL cannot reach a log.
 *
 * Streams (blob uploads and downloads): a route added with `{ streamsBody: true }` reads its
 * request body itself for as long as it takes, and any handler may write its own response on
 * `ctx.res` (starting it with `startReply`, which adds the security headers) and return
 * `answered(status)`. Every other request must have arrived whole within `requestTimeoutMs`.
 */
import type http from 'node:http';
import type { Logger } from 'pino';
import { FAILURE_STATUS, fail, isFailure, type Failure, type Outcome } from './failures';
import { SECURITY_HEADERS } from './security-headers';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface Reply {
  status: number;
  /** JSON-serialized; absent for 204. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RequestContext {
  req: http.IncomingMessage;
  /** For handlers that answer with a stream (then they return `answered(status)`). */
  res: http.ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The client's address (X-Forwarded-For's last hop when the proxy is trusted). */
  ip: string;
  /**
   * The handler is about to read the body: answers a client's `Expect: 100-continue` (once). Only
   * `streamsBody` routes need to call it; the router calls it for every other route.
   */
  acceptBody(): void;
}

/** What a handler returns after writing its own response on `ctx.res`; `status` is for the request log. */
export interface Answered {
  readonly answered: number;
}

export type Handler = (ctx: RequestContext) => Promise<Reply | Failure | Answered>;

export interface RouteOptions {
  /**
   * The handler reads the request body itself, as a stream (uploads): the router's deadline for
   * receiving the whole request does not apply (the handler keeps its own idle deadline), and an
   * `Expect: 100-continue` is answered only when it calls `acceptBody()`, so a client that asks
   * first never sends a body the server refuses or already has.
   */
  streamsBody?: boolean;
}

interface Route {
  method: Method;
  pattern: string;
  regex: RegExp;
  names: string[];
  handler: Handler;
  streamsBody: boolean;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => (headers ? { status, body, headers } : { status, body });
export const noContent = (): Reply => ({ status: 204 });
export const answered = (status: number): Answered => ({ answered: status });

/** Starts a response the handler writes itself: its status and headers, with the security headers. */
export function startReply(res: http.ServerResponse, status: number, headers: Record<string, string>): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers });
}

const isAnswered = (out: Reply | Failure | Answered): out is Answered => 'answered' in out;

/** An outcome as a reply: its value (mapped) with `status`, or its failure. */
export function answer<T>(outcome: Outcome<T>, status = 200, body: (value: T) => unknown = (v) => v): Reply | Failure {
  return outcome.ok ? (status === 204 ? noContent() : json(status, body(outcome.value))) : outcome.error;
}

export interface RouterOptions {
  logger: Logger;
  trustProxy: boolean;
  /** A request (its body included) not received whole in this time is cut (408); not `streamsBody` routes. Default 30 s. */
  requestTimeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export class Router {
  private readonly routes: Route[] = [];
  constructor(private readonly options: RouterOptions) {}

  add(method: Method, pattern: string, handler: Handler, options: RouteOptions = {}): this {
    const names: string[] = [];
    const source = pattern
      .split('/')
      .map((part) => {
        const m = /^\{([a-zA-Z][a-zA-Z0-9]*)\}$/.exec(part);
        if (!m) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        names.push(m[1]!);
        return '([^/]+)';
      })
      .join('/');
    // A trailing slash is the same path: Airtable's client posts new records to `/v0/{base}/{table}/`.
    this.routes.push({ method, pattern, regex: new RegExp(`^${source}/?$`), names, handler, streamsBody: options.streamsBody ?? false });
    return this;
  }

  /** The routes, in the order they were added (for the OpenAPI document). */
  list(): Array<{ method: Method; pattern: string }> {
    return this.routes.map((r) => ({ method: r.method, pattern: r.pattern }));
  }

  /**
   * The node:http request listener; also the server's 'checkContinue' listener (a request with
   * `Expect: 100-continue`), whose 100 Continue is sent by `acceptBody()`.
   */
  readonly listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    void this.handle(req, res);
  };

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    let pattern = '(unmatched)';
    let status: number;
    let continued = false;
    const acceptBody = (): void => {
      if (continued) return;
      continued = true;
      if (/100-continue/i.test(req.headers.expect ?? '') && !res.headersSent) res.writeContinue();
    };
    try {
      const url = new URL(req.url ?? '/', 'http://server.invalid');
      const found = this.match(req.method ?? 'GET', url.pathname);
      if (!('route' in found) || !found.route.streamsBody) {
        acceptBody();
        this.deadline(req, res);
      }
      let out: Reply | Failure | Answered;
      if ('failure' in found) {
        const reply = toReply(found.failure);
        if (found.allow) reply.headers = { ...reply.headers, Allow: found.allow };
        out = reply;
      } else {
        pattern = found.route.pattern;
        out = await found.route.handler({ req, res, params: found.params, query: url.searchParams, ip: clientIp(req, this.options.trustProxy), acceptBody });
      }
      if (isAnswered(out)) {
        status = out.answered;
      } else {
        const reply = isFailure(out) ? toReply(out) : out;
        status = reply.status;
        send(res, reply);
      }
    } catch (e) {
      // A client that went away (or was cut off) mid-request is not the server's error.
      const gone = req.destroyed && !req.complete;
      this.options.logger[gone ? 'debug' : 'error']({ err: e, route: pattern, method: req.method }, gone ? 'request cut off' : 'request failed');
      const reply = toReply(fail('SERVER_ERROR', 'The server hit an unexpected error; it has been logged.'));
      status = reply.status;
      // A response already under way cannot become an error any more: cut it, so the client sees it incomplete.
      if (res.headersSent) res.destroy();
      else send(res, reply);
    }
    this.options.logger.debug({ method: req.method, route: pattern, status, ms: Math.round(performance.now() - started) }, 'request');
  }

  /**
   * Node's own requestTimeout is server-wide and would cut long uploads, so the router keeps the
   * deadline instead, for every request except `streamsBody` ones: not received whole in time
   * (even a body no handler reads, which Node discards) → 408 if nothing was answered yet, and the
   * connection closed.
   */
  private deadline(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.complete) return;
    const timer = setTimeout(() => {
      if (req.complete) return;
      if (res.headersSent) {
        // Answered already (a body nobody reads is still arriving): cut the connection.
        req.destroy();
        return;
      }
      // Node closes the connection once this reply is out, which also ends a handler still reading.
      const reply = toReply(fail('REQUEST_TIMEOUT', 'The request did not arrive in time.'));
      send(res, { ...reply, headers: { ...reply.headers, Connection: 'close' } });
    }, this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
    timer.unref();
    const stop = (): void => clearTimeout(timer);
    req.once('end', stop).once('close', stop);
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
