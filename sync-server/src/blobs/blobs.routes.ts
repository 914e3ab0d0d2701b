/**
 * Attachment blobs over HTTP, by SHA-256 and per workspace:
 * - `PUT /api/v1/workspaces/{id}/blobs/{sha256}`: the raw bytes (Content-Length required, at most
 *   MAX_BLOB_BYTES), editors and up (or an API token with data.records:write). 201 stored, 200 when
 *   the workspace has it already (the body is then not read: a client sending `Expect:
 *   100-continue` does not send it at all).
 * - `GET` / `HEAD` of the same path: any member (or an API token with data.records:read), streamed,
 *   always as an octet-stream download, immutable (the name is the content).
 * A workspace reads only blobs it was given, even when another workspace has the same bytes.
 */
import type http from 'node:http';
import { err } from '../../../src-shared/errors';
import { requireScope, type AuthContext, type RequestAuthenticator } from '../auth/authenticate';
import type { Scope } from '../api-tokens/scopes';
import { fail, type Failure, type Outcome } from '../http/failures';
import { answered, json, startReply, toReply, type Handler, type Reply, type Router } from '../http/router';
import { SHA256_RE, type BlobsService } from './blobs.service';

export const BLOB_PATH = '/api/v1/workspaces/{id}/blobs/{sha256}';

export interface BlobsDeps {
  auth: RequestAuthenticator;
  blobs: BlobsService;
  /** MAX_BLOB_BYTES. */
  maxBlobBytes: number;
}

/** A blob's bytes never change: a client may keep them as long as it likes. */
const IMMUTABLE = 'private, max-age=31536000, immutable';

export function blobsRoutes(router: Router, deps: BlobsDeps): void {
  const { auth, blobs, maxBlobBytes } = deps;

  /**
   * An answer given before the body is read. Node discards an unread body so the connection can
   * carry the next request; a body over the limit (or of unknown length) is not worth reading, so
   * the connection closes instead.
   */
  const early = (req: http.IncomingMessage, reply: Reply): Reply => {
    const length = req.headers['content-length'];
    if (length === undefined || !(Number(length) <= maxBlobBytes)) reply.headers = { ...reply.headers, Connection: 'close' };
    return reply;
  };
  const refuse = (req: http.IncomingMessage, f: Failure): Reply => early(req, toReply(f));

  /** The caller, allowed `scope` in the workspace (API token scopes, or the member's role). */
  const allowed = async (req: http.IncomingMessage, workspaceId: string, scope: Scope): Promise<Outcome<AuthContext>> => {
    const who = await auth.fromHeader(req.headers.authorization);
    if (!who.ok) return who;
    const role = await requireScope(who.value, scope, workspaceId);
    if (!role.ok) {
      // A member whose role is too low, as people read it (requireScope names the scope).
      if (role.error.failure === 'INVALID_PERMISSIONS' && who.value.kind === 'session' && scope === 'data.records:write') {
        return err(fail('INVALID_PERMISSIONS', 'Your role in this workspace cannot upload attachments; it needs editor or higher.'));
      }
      return role;
    }
    return who;
  };

  router.add(
    'PUT',
    BLOB_PATH,
    async ({ req, params, acceptBody }) => {
      const workspaceId = params.id!;
      const sha256 = params.sha256!;
      const who = await allowed(req, workspaceId, 'data.records:write');
      if (!who.ok) return refuse(req, who.error);
      if (!SHA256_RE.test(sha256)) return refuse(req, badName(sha256));

      const existing = await blobs.find(workspaceId, sha256);
      if (existing) return early(req, json(200, { sha256, size: existing.size }));

      const length = req.headers['content-length'];
      if (length === undefined) return refuse(req, fail('LENGTH_REQUIRED', 'Send the size of the bytes as Content-Length (chunked uploads are not accepted).'));
      if (!/^\d{1,16}$/.test(length)) return refuse(req, fail('INVALID_REQUEST', 'Content-Length must be a whole number of bytes.'));
      const size = Number(length);
      if (size > maxBlobBytes) return refuse(req, fail('REQUEST_TOO_LARGE', `A blob may be at most ${maxBlobBytes} bytes (MAX_BLOB_BYTES); this one is ${size}.`));

      acceptBody();
      const out = await blobs.receive(req, { workspaceId, sha256, size, userId: who.value.userId });
      if (!out.ok) return out.error;
      return json(out.value.created ? 201 : 200, { sha256, size });
    },
    { streamsBody: true },
  );

  const download =
    (withBody: boolean): Handler =>
    async ({ req, res, params, query }) => {
      const workspaceId = params.id!;
      const sha256 = params.sha256!;
      const who = await allowed(req, workspaceId, 'data.records:read');
      if (!who.ok) return who.error;
      if (!SHA256_RE.test(sha256)) return badName(sha256);
      const blob = await blobs.find(workspaceId, sha256);
      if (!blob) return fail('NOT_FOUND', `Workspace ${workspaceId} has no blob ${sha256}.`);

      const etag = `"${sha256}"`;
      const common = { ETag: etag, 'Cache-Control': IMMUTABLE };
      if (matchesEtag(req.headers['if-none-match'], etag)) {
        startReply(res, 304, common);
        res.end();
        return answered(304);
      }
      startReply(res, 200, {
        ...common,
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(blob.size),
        'Content-Disposition': contentDisposition(query.get('name')),
      });
      if (withBody) await blobs.send(res, blob);
      else res.end();
      return answered(200);
    };
  router.add('GET', BLOB_PATH, download(true));
  router.add('HEAD', BLOB_PATH, download(false));
}

const badName = (sha256: string): Failure => fail('INVALID_REQUEST', `A blob is named by the SHA-256 of its bytes in 64 lowercase hex digits, not '${sha256.slice(0, 80)}'.`);

/** If-None-Match lists the ETag (or is `*`): the client's copy is the one. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const v = t.trim().replace(/^W\//, '');
    return v === '*' || v === etag;
  });
}

/**
 * `attachment`, with the file name when one is given: control characters, quotes, backslashes
 * and slashes become `_`, at most 200 characters; a plain-ASCII `filename` for old clients and the
 * exact name as RFC 8187 `filename*`.
 */
export function contentDisposition(name: string | null): string {
  const clean = [...(name ?? '').normalize('NFC').replace(/[\u0000-\u001f\u007f-\u009f"\\/]/g, '_')].slice(0, 200).join('').trim();
  if (clean === '' || /^\.+$/.test(clean)) return 'attachment';
  const ascii = clean.replace(/[^\u0020-\u007e]/g, '_');
  const encoded = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
