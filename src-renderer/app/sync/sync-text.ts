/**
 * Words and small derivations for team sync shown in several places: the badge of a base's sync
 * state, roles, who is who (initials, a colour), the path a downloaded base is offered at.
 */
import type { SyncRole, SyncStatus } from '../../../src-shared/api/engine.dto';
import { isErrorCode, type ErrorCode } from '../../../src-shared/errors';

export const READ_ONLY_NOTE = 'You can view this base; ask an owner for edit access.';

/** Roles that may see a synced base but not change it (the engine refuses their writes). */
export function isReadOnlyRole(role: SyncRole | undefined): boolean {
  return role === 'viewer' || role === 'commenter';
}

/** Roles that may put a base into a workspace. */
export function canPublishAs(role: SyncRole): boolean {
  return role === 'owner' || role === 'admin' || role === 'editor';
}

export const ROLE_LABEL: Record<SyncRole, string> = {
  owner: 'Owner',
  admin: 'Admin',
  editor: 'Editor',
  commenter: 'Commenter',
  viewer: 'Viewer',
};

const changes = (n: number): string => `${n} ${n === 1 ? 'change' : 'changes'}`;

/** The badge's words: short enough for the base's header. */
export function badgeText(s: SyncStatus): string {
  switch (s.state) {
    case 'local':
      return 'Local only';
    case 'synced':
      return 'Synced';
    case 'syncing':
      return s.pending > 0 ? `Syncing… (${s.pending})` : 'Syncing…';
    case 'offline':
      return s.pending > 0 ? `Offline — ${changes(s.pending)} kept here` : 'Offline';
    case 'error':
      return 'Sync error';
    default: {
      const never: never = s.state;
      return String(never);
    }
  }
}

/** The badge's longer explanation (its tooltip). */
export function badgeTitle(s: SyncStatus): string {
  switch (s.state) {
    case 'local':
      return 'This base is only on this computer.';
    case 'synced':
      return s.lastSyncedAt ? `Everything is on ${hostOf(s.server)}; last synced ${formatTime(s.lastSyncedAt)}.` : `Everything is on ${hostOf(s.server)}.`;
    case 'syncing':
      return s.pending > 0 ? `Sending ${changes(s.pending)} to ${hostOf(s.server)}.` : `Exchanging changes with ${hostOf(s.server)}.`;
    case 'offline':
      return `${s.reason ?? `${hostOf(s.server)} cannot be reached.`} Changes are kept here and sent when it can be reached again.`;
    case 'error':
      return s.reason ?? 'Syncing stopped.';
    default: {
      const never: never = s.state;
      return String(never);
    }
  }
}

/** A server address as people say it: the host (and port). */
export function hostOf(server: string | undefined): string {
  if (!server) return 'the server';
  try {
    return new URL(server).host;
  } catch {
    return server;
  }
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay ? d.toLocaleTimeString() : d.toLocaleString();
}

/** Up to two letters for a person's badge: first letters of the first and last words (of an e-mail address, its local part). */
export function initials(name: string): string {
  const words = name.trim().replace(/@.*$/, '').split(/[\s._-]+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = Array.from(words[0]!)[0] ?? '';
  const last = words.length > 1 ? (Array.from(words[words.length - 1]!)[0] ?? '') : '';
  return (first + last).toUpperCase();
}

const PALETTE = ['#d9480f', '#2b8a3e', '#1971c2', '#9c36b5', '#c2255c', '#0c8599', '#e67700', '#5f3dc4'];

/** The colour the server gave a person when it is a plain colour; otherwise one from their id. */
export function peerColor(user: { id: string; color: string }): string {
  if (/^#[0-9a-f]{3,8}$/i.test(user.color) || /^(rgb|hsl)a?\([\d\s.,%/]+\)$/i.test(user.color)) return user.color;
  let h = 0;
  for (const ch of user.id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length]!;
}

/** An engine error's message without the method name input validation puts first. */
export function errorText(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.replace(/^sync\.\w+: /, '');
}

/** An engine error's stable code (`NOT_SIGNED_IN`, `CANCELLED`, …), when it has one. */
export function errorCode(e: unknown): ErrorCode | undefined {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return isErrorCode(code) ? code : undefined;
}

/** A server address as typed: https:// is assumed when no scheme is given; no trailing slash. */
export function serverAddress(typed: string): string {
  const t = typed.trim().replace(/\/+$/, '');
  if (!t) return t;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : `https://${t}`;
}

/**
 * Where a downloaded base is offered to go: beside the most recently opened base, named after the
 * server's base. Without a recent base, the bare file name (the engine's folder).
 */
export function suggestedPath(name: string, recent: readonly string[]): string {
  const file = `${name.replace(/[/\\:*?"<>|\0]/g, '_').trim() || 'base'}.base`;
  const last = recent[0];
  if (!last) return file;
  const at = Math.max(last.lastIndexOf('/'), last.lastIndexOf('\\'));
  return at >= 0 ? last.slice(0, at + 1) + file : file;
}

/**
 * An invitation link as pasted (`https://sync.example.com/invite/bpi_…`): the server it names (the
 * part before `/invite/`; https:// assumed when no scheme is given) and the link to hand the engine.
 * Null when the text is not such a link (a bare token, say).
 */
export function invitationLink(pasted: string): { server: string; link: string } | null {
  const text = pasted.trim();
  const at = text.lastIndexOf('/invite/');
  const token = at > 0 ? text.slice(at + '/invite/'.length) : '';
  if (!token.replace(/[?#].*$/, '')) return null;
  const server = serverAddress(text.slice(0, at));
  return server ? { server, link: `${server}/invite/${token}` } : null;
}
