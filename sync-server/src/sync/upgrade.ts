/**
 * What an upgrade request asks for, read before any WebSocket exists: the path (which workspace,
 * which document), and the token (query `?token=` or a `token.<token>` WebSocket subprotocol).
 * And refusing one with a plain HTTP response.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { docNameProblem, isWorkspaceId } from '../../../src-shared/sync/protocol';

/** The subprotocol the server selects; clients that send their token as a subprotocol offer it too. */
export const SYNC_SUBPROTOCOL = 'baseplate-sync';
export const TOKEN_SUBPROTOCOL_PREFIX = 'token.';

export type SyncTarget =
  | { kind: 'room'; workspaceId: string; doc: string }
  | { kind: 'app'; workspaceId: string }
  /** Under /sync/ but not a valid target: refuse with 400 and this reason. */
  | { kind: 'bad'; reason: string };

/** The target of a path under /sync/, or null for a path that is not ours. */
export function parseSyncPath(pathname: string): SyncTarget | null {
  if (!pathname.startsWith('/sync/')) return null;
  const rest = pathname.slice('/sync/'.length);
  const slash = rest.indexOf('/');
  const workspaceId = slash < 0 ? rest : rest.slice(0, slash);
  if (!isWorkspaceId(workspaceId)) return { kind: 'bad', reason: 'The path does not name a workspace: /sync/<workspaceId>[/<docName>].' };
  if (slash < 0) return { kind: 'app', workspaceId };
  let doc: string;
  try {
    doc = decodeURIComponent(rest.slice(slash + 1));
  } catch {
    return { kind: 'bad', reason: 'The document name in the path is not valid percent-encoding.' };
  }
  const problem = docNameProblem(doc);
  if (problem) return { kind: 'bad', reason: `The path has ${problem}.` };
  return { kind: 'room', workspaceId, doc };
}

export function tokenOf(req: http.IncomingMessage, url: URL): string | null {
  const q = url.searchParams.get('token');
  if (q) return q;
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const p = offered.find((x) => x.startsWith(TOKEN_SUBPROTOCOL_PREFIX) && x.length > TOKEN_SUBPROTOCOL_PREFIX.length);
  return p ? p.slice(TOKEN_SUBPROTOCOL_PREFIX.length) : null;
}

/** Picks the subprotocol to answer with: ours, else one that is not the token, else any. */
export function chooseProtocol(protocols: Set<string>): string | false {
  if (protocols.has(SYNC_SUBPROTOCOL)) return SYNC_SUBPROTOCOL;
  const list = [...protocols];
  return list.find((p) => !p.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) ?? list[0] ?? false;
}

/** Answers an upgrade request with an HTTP error (JSON body) and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { status, message } });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\nContent-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
