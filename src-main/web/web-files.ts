/**
 * Browser mode's file routes, behind the session token like the engine socket:
 *
 * - `GET /files/<base>/<attachment>/<part>?token=…` — an attachment's bytes (`file`) or a preview
 *   the engine made of it (`thumb-N`, `geometry`), resolved by the engine's `attachment.part`, so
 *   only files of the base's store can be named. Served as a download that cannot run in the page:
 *   images as images (for `<img>`), everything else as bytes, under a CSP that allows nothing.
 * - `POST /uploads?token=…&name=<file name>` — a file the page was given by drag and drop, streamed
 *   to a folder of this server (size-limited); answers `{ path }` to pass to `drawings.add` and the
 *   like. `DELETE /uploads/<id>?token=…` removes it once used; all are removed when the server stops.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AttachmentPart } from '../../src-shared/api/engine.dto';
import { parseAttachmentPath } from '../../src-shared/api/file-urls';
import type { Engine } from '../engine/engine';
import { logger } from '../engine/logger';

const log = logger.child({ module: 'web-files' });

/** Types served as themselves; anything else goes out as bytes. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** The largest upload taken: as large as a drawing the extraction worker reads. */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

type Send = (res: http.ServerResponse, status: number, body: string, type?: string, extra?: http.OutgoingHttpHeaders) => void;

export interface FileRoutes {
  /** Handles the request if it is one of these routes (true), after the token was checked. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean;
  close(): Promise<void>;
}

const sendJson = (send: Send, res: http.ServerResponse, status: number, body: unknown): void => send(res, status, JSON.stringify(body), 'application/json');

/** A dropped file's name, kept for the attachment: no folders, no control characters. */
export function uploadName(raw: string | null): string | null {
  if (!raw) return null;
  const name = raw.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (!name || name.length > 255 || name === '.' || name === '..' || /[/\\]/.test(name)) return null;
  return name;
}

export function fileRoutes(engine: Engine, send: Send, opts: { maxUploadBytes?: number } = {}): FileRoutes {
  const maxUpload = opts.maxUploadBytes ?? MAX_UPLOAD_BYTES;
  let uploadRoot: string | null = null;
  const root = (): string => (uploadRoot ??= fs.mkdtempSync(path.join(os.tmpdir(), 'baseplate-uploads-')));

  const serveFile = (res: http.ServerResponse, base: string, id: string, part: string, head: boolean): void => {
    void engine.call('attachment.part', { base, id, part }).then((result) => {
      if (!result.ok) {
        const status = result.error.code === 'NOT_FOUND' || result.error.code === 'BASE_CLOSED' ? 404 : result.error.code === 'INTERNAL' ? 500 : 400;
        return sendJson(send, res, status, { error: result.error });
      }
      const found = result.value as AttachmentPart;
      const type = INLINE_TYPES.has(found.type) ? found.type : 'application/octet-stream';
      const stream = fs.createReadStream(found.file);
      stream.once('error', (e) => {
        log.warn({ err: e.message }, 'reading an attachment failed');
        if (!res.headersSent) sendJson(send, res, 404, { error: { code: 'NOT_FOUND', message: `'${found.name}' could not be read.` } });
        else res.destroy();
      });
      stream.once('open', () => {
        res.writeHead(200, {
          'Content-Type': type,
          'Content-Length': found.size,
          'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(found.name)}`,
          'Content-Security-Policy': "default-src 'none'; sandbox",
          'X-Content-Type-Options': 'nosniff',
          'Referrer-Policy': 'no-referrer',
          'Cache-Control': part === 'file' ? 'no-store' : 'private, max-age=300',
          'Cross-Origin-Resource-Policy': 'same-origin',
        });
        if (head) {
          stream.destroy();
          res.end();
          // pipeline closes the file when the page goes away mid-download (a thumbnail scrolled past).
        } else pipeline(stream, res).catch(() => undefined);
      });
    }).catch((e: Error) => {
      log.error({ err: e.message }, 'serving an attachment failed');
      if (!res.headersSent) sendJson(send, res, 500, { error: { code: 'INTERNAL', message: 'The file could not be served.' } });
      else res.destroy();
    });
  };

  const receive = (req: http.IncomingMessage, res: http.ServerResponse, name: string): void => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxUpload) {
      // Refused unread: the connection closes once the answer is out, rather than taking the body.
      res.setHeader('Connection', 'close');
      res.once('finish', () => req.destroy());
      return sendJson(send, res, 413, { error: { code: 'TOO_LARGE', message: `${name} is ${Math.round(declared / 1e6)} MB; files up to ${Math.round(maxUpload / 1024 / 1024)} MB can be added.` } });
    }
    const id = crypto.randomBytes(12).toString('hex');
    let dir: string;
    try {
      dir = path.join(root(), id);
      fs.mkdirSync(dir);
    } catch (e) {
      req.resume();
      log.error({ err: (e as Error).message }, 'no folder for an upload');
      return sendJson(send, res, 507, { error: { code: 'INTERNAL', message: `${name} could not be received: no room for it on this machine (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).` } });
    }
    const target = path.join(dir, name);
    let size = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxUpload) done(Object.assign(new Error('too large'), { code: 'TOO_LARGE' }));
        else done(null, chunk);
      },
    });
    pipeline(req, limit, fs.createWriteStream(target, { flags: 'wx' })).then(
      () => sendJson(send, res, 201, { id, path: target, size }),
      (e: NodeJS.ErrnoException) => {
        fs.rmSync(dir, { recursive: true, force: true });
        if (res.headersSent) return;
        if (e.code === 'TOO_LARGE') {
          res.setHeader('Connection', 'close');
          sendJson(send, res, 413, { error: { code: 'TOO_LARGE', message: `${name} is larger than ${Math.round(maxUpload / 1024 / 1024)} MB, the most a file added here may be.` } });
        } else sendJson(send, res, 400, { error: { code: 'INVALID_INPUT', message: `The upload of ${name} broke off (${e.message}).` } });
      },
    );
  };

  return {
    handle(req, res, url) {
      const parts = url.pathname.split('/').slice(1);
      if (parts[0] === 'files') {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          send(res, 405, 'Method not allowed.\n', undefined, { Allow: 'GET, HEAD' });
          return true;
        }
        const loc = parseAttachmentPath(url.pathname);
        if (!loc) {
          sendJson(send, res, 400, { error: { code: 'INVALID_INPUT', message: 'Attachments are at /files/<base>/<attachment>/<file|thumb-N|geometry>.' } });
          return true;
        }
        serveFile(res, loc.base, loc.id, loc.part, req.method === 'HEAD');
        return true;
      }
      if (parts[0] === 'uploads' && parts.length === 1) {
        if (req.method !== 'POST') {
          send(res, 405, 'Method not allowed.\n', undefined, { Allow: 'POST' });
          return true;
        }
        const name = uploadName(url.searchParams.get('name'));
        if (!name) {
          req.resume();
          sendJson(send, res, 400, { error: { code: 'INVALID_INPUT', message: "An upload needs its file's name (?name=…), without folders." } });
          return true;
        }
        receive(req, res, name);
        return true;
      }
      if (parts[0] === 'uploads' && parts.length === 2) {
        if (req.method !== 'DELETE') {
          send(res, 405, 'Method not allowed.\n', undefined, { Allow: 'DELETE' });
          return true;
        }
        const id = parts[1]!;
        if (!/^[0-9a-f]{24}$/.test(id) || !uploadRoot) {
          sendJson(send, res, 404, { error: { code: 'NOT_FOUND', message: 'No such upload.' } });
          return true;
        }
        fs.rmSync(path.join(uploadRoot, id), { recursive: true, force: true });
        send(res, 204, '');
        return true;
      }
      return false;
    },
    async close() {
      if (uploadRoot) await fs.promises.rm(uploadRoot, { recursive: true, force: true });
    },
  };
}
