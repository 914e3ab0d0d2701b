/**
 * The audit log: who changed membership, permissions, tokens or schema, when, in which workspace.
 * Entries are written in the same transaction as the change they describe, so the log never
 * claims a change that rolled back nor misses one that committed. `details` must never hold a
 * secret (no tokens, no passwords, no token hashes).
 */
import type { Queryable } from '../db/db';

export type AuditAction =
  | 'user.register'
  | 'user.password_change'
  | 'session.refresh_reuse'
  | 'token.create'
  | 'token.delete'
  | 'workspace.create'
  | 'member.add'
  | 'member.role_change'
  | 'member.remove'
  | 'invitation.create'
  | 'invitation.revoke'
  | 'invitation.accept'
  // Schema changes: the meta API's (bases, tables, fields) and bases registered by the app.
  | 'schema.change';

export interface AuditActor {
  userId: string | null;
  /** Set when the change was made with an API token. */
  tokenId?: string | undefined;
}

export interface AuditEntryInput {
  actor: AuditActor;
  action: AuditAction;
  workspaceId?: string | null;
  /** What was acted on: a user, token, invitation or base id. */
  target?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: { userId: string | null; tokenId: string | null };
  action: string;
  workspaceId: string | null;
  target: string | null;
  details: Record<string, unknown>;
}

/** The entry's id (a bigint, as text). */
export async function recordAudit(q: Queryable, e: AuditEntryInput): Promise<string> {
  const rows = await q.query<{ id: string }>('INSERT INTO audit_log (actor_user_id, actor_token_id, workspace_id, action, target, details) VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING id::text AS id', [
    e.actor.userId,
    e.actor.tokenId ?? null,
    e.workspaceId ?? null,
    e.action,
    e.target ?? null,
    JSON.stringify(e.details ?? {}),
  ]);
  return rows[0]!.id;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `before` for the next (older) page; null at the end. */
  nextBefore: string | null;
}

interface AuditRow {
  id: string;
  at: Date;
  actor_user_id: string | null;
  actor_token_id: string | null;
  workspace_id: string | null;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  [key: string]: unknown;
}

/** Newest first. `workspaceId` undefined: every entry (server admins). */
export async function listAudit(q: Queryable, opts: { workspaceId?: string; before?: bigint; limit: number }): Promise<AuditPage> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (opts.workspaceId !== undefined) {
    params.push(opts.workspaceId);
    where.push(`workspace_id = $${params.length}`);
  }
  if (opts.before !== undefined) {
    params.push(opts.before.toString());
    where.push(`id < $${params.length}::bigint`);
  }
  params.push(opts.limit + 1);
  const rows = await q.query<AuditRow>(
    `SELECT id::text AS id, at, actor_user_id, actor_token_id, workspace_id, action, target, details FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY audit_log.id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, opts.limit);
  return {
    entries: page.map((r) => ({
      id: r.id,
      at: new Date(r.at).toISOString(),
      actor: { userId: r.actor_user_id, tokenId: r.actor_token_id },
      action: r.action,
      workspaceId: r.workspace_id,
      target: r.target,
      details: r.details,
    })),
    nextBefore: rows.length > opts.limit ? page.at(-1)!.id : null,
  };
}
