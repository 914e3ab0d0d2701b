/**
 * Browser mode: an HTTP server on 127.0.0.1 that serves the built renderer and carries the engine
 * contract over a WebSocket (`/rpc`, protocol in src-shared/api/engine.wire.ts).
 *
 * Only the person who started it can use it: the address it prints carries a random session token
 * in its fragment (`#token=…`), which browsers never send to any server. The page keeps it for its
 * tab and presents it when it opens the engine socket (`/rpc?token=…`); no cookie, so no other
 * server on this machine (cookies are shared by every port of a host) ever sees it. Static files
 * are the app's own code and hold no data; data (attachments, uploads of dropped files) is under
 * `/files` and `/uploads` (web-files.ts), behind the same token. Requests naming another host (DNS rebinding) and
 * sockets opened by pages of another origin are refused.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLOSE, MAX_FRAME_BYTES, type ServerMessage } from '../../src-shared/api/engine.wire';
import type { Engine } from '../engine/engine';
import { appCsp } from '../../src-shared/security/csp';
import { logger } from '../engine/logger';
import { answerCall, forwardEvents } from '../engine/wire-host';
import { fileRoutes } from './web-files';

const log = logger.child({ module: 'web' });

export interface WebServerOptions {
  engine: Engine;
  /** 0 (default): any free port. */
  port?: number;
  /** The built renderer (index.html and assets); null serves a page saying it is not built. */
  staticDir: string | null;
  /** For tests; a random one otherwise. */
  token?: string;
  /** Simultaneous sockets allowed. */
  maxSockets?: number;
  /** The largest file a page may upload (web-files.ts). */
  maxUploadBytes?: number;
}

export interface WebServer {
  /** The URL to open, token included. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? crypto.randomBytes(24).toString('base64url');
  const maxSockets = options.maxSockets ?? 32;
  let port = 0;
  const hosts = (): string[] => [`${HOST}:${port}`, `localhost:${port}`];
  const origins = (): string[] => hosts().map((h) => `http://${h}`);

  const authorized = (url: URL): boolean => {
    const given = url.searchParams.get('token');
    return given !== null && safeEqual(given, token);
  };
  const csp = (): string => appCsp(origins().map((o) => o.replace('http', 'ws')));

  const send = (res: http.ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8', extra: http.OutgoingHttpHeaders = {}): void => {
    res.writeHead(status, {
      'Content-Type': type,
      'Content-Length': Buffer.byteLength(body),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      ...extra,
    });
    res.end(body);
  };

  const files = fileRoutes(options.engine, send, options.maxUploadBytes !== undefined ? { maxUploadBytes: options.maxUploadBytes } : {});
  const server = http.createServer((req, res) => {
    if (!hosts().includes(req.headers.host ?? '')) return send(res, 403, 'This server only answers requests for 127.0.0.1 and localhost.\n');
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    if (url.pathname.startsWith('/files/') || url.pathname === '/uploads' || url.pathname.startsWith('/uploads/')) {
      // Data, not code: the session token is required, and writes only from the app's own pages.
      if (!authorized(url)) return send(res, 401, 'A session token is required.\n');
      const origin = req.headers.origin;
      if (req.method !== 'GET' && req.method !== 'HEAD' && (origin === undefined || !origins().includes(origin))) return send(res, 403, 'Only the app may change files.\n');
      if (files.handle(req, res, url)) return;
      return send(res, 404, 'Not found.\n');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed.\n', undefined, { Allow: 'GET, HEAD' });
    serveStatic(url.pathname, res);
  });

  const serveStatic = (pathname: string, res: http.ServerResponse): void => {
    if (!options.staticDir || !fs.existsSync(path.join(options.staticDir, 'index.html'))) {
      return send(res, 503, "The app's user interface is not built. Run 'npm run web', which builds it first.\n");
    }
    const root = path.resolve(options.staticDir);
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return send(res, 400, 'Bad path.\n');
    }
    const file = path.resolve(root, '.' + path.posix.normalize('/' + rel));
    if (file !== root && !file.startsWith(root + path.sep)) return send(res, 404, 'Not found.\n');
    let target = file;
    try {
      if (fs.statSync(target).isDirectory()) target = path.join(target, 'index.html');
    } catch {
      // Client-side routes fall back to the app; missing assets are 404.
      if (path.extname(file)) return send(res, 404, 'Not found.\n');
      target = path.join(root, 'index.html');
    }
    let body: Buffer;
    try {
      body = fs.readFileSync(target);
    } catch {
      return send(res, 404, 'Not found.\n');
    }
    const type = TYPES[path.extname(target).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Length': body.length,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': target.endsWith('index.html') ? 'no-store' : 'private, max-age=3600',
      ...(type.startsWith('text/html') ? { 'Content-Security-Policy': csp() } : {}),
    });
    res.end(body);
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const sockets = new Set<WebSocket>();
  const reject = (socket: Duplex, status: number, message: string): void => {
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
  };
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    if (!hosts().includes(req.headers.host ?? '')) return reject(socket, 403, 'Wrong host.\n');
    const origin = req.headers.origin;
    if (origin !== undefined && !origins().includes(origin)) return reject(socket, 403, 'Sockets from other sites are refused.\n');
    if (url.pathname !== '/rpc') return reject(socket, 404, 'Not found.\n');
    if (!authorized(url)) return reject(socket, 401, 'A session token is required.\n');
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (sockets.size >= maxSockets) {
        ws.close(CLOSE.tryLater, 'too many connections');
        return;
      }
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', (e) => log.warn({ err: e.message }, 'socket error'));
      ws.on('message', (data, isBinary) => void onMessage(ws, data, isBinary));
    });
  });

  const onMessage = async (ws: WebSocket, data: unknown, isBinary: boolean): Promise<void> => {
    let parsed: unknown;
    try {
      if (isBinary) throw new Error('binary frame');
      parsed = JSON.parse(String(data));
    } catch {
      ws.close(CLOSE.badMessage, 'frames must be JSON text');
      return;
    }
    const ok = await answerCall(options.engine, parsed, (msg) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    });
    if (!ok) ws.close(CLOSE.badMessage, 'not a call message');
  };

  const broadcast = (msg: ServerMessage): void => {
    const text = JSON.stringify(msg);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  };
  const stopEvents = forwardEvents(options.engine, broadcast);

  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', rejectListen);
      resolve();
    });
  });
  port = (server.address() as { port: number }).port;
  const origin = `http://${HOST}:${port}`;
  log.info({ port }, 'browser mode listening');

  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    close: async () => {
      stopEvents();
      for (const ws of sockets) ws.close(CLOSE.goingAway, 'server stopping');
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await files.close();
    },
  };
}
