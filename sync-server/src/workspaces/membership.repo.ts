/**
 * Membership reads and the change notification. Roles are read from the database on every check
 * (no cache), so a change applies to the very next request or socket message.
 */
import { z } from 'zod';
import { recordAudit, type AuditActor } from '../audit/audit.repo';
import type { Queryable } from '../db/db';
import { ROLES, isRole, type Role } from './roles';

/** NOTIFY channel carrying membership changes between server processes on one PostgreSQL. */
export const MEMBERSHIP_CHANNEL = 'bp_membership';

export interface MembershipChange {
  workspaceId: string;
  userId: string;
  /** null: no longer a member. */
  role: Role | null;
}

/** A notification's payload: the change and the id of its audit entry. */
export const MembershipNotificationSchema = z.strictObject({ workspaceId: z.string(), userId: z.string(), role: z.enum(ROLES).nullable(), seq: z.string().regex(/^\d+$/) });

export async function roleOf(q: Queryable, workspaceId: string, userId: string): Promise<Role | null> {
  const rows = await q.query<{ role: string }>('SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2', [workspaceId, userId]);
  const role = rows[0]?.role;
  return isRole(role) ? role : null;
}

export type MembershipAction = 'member.add' | 'member.role_change' | 'member.remove';

/** Audit actions that change a membership: what a listener that missed notifications re-reads. */
export const MEMBERSHIP_ACTIONS: readonly MembershipAction[] = ['member.add', 'member.role_change', 'member.remove'];

/**
 * Records a membership change inside the caller's transaction: its audit entry, and its
 * notification, which PostgreSQL delivers on commit to every listening process and never for a
 * change that rolled back. The payload carries the audit entry's id (`seq`), so a process that lost
 * its listening connection knows from where to re-read (MembershipEvents).
 */
export async function recordMembershipChange(
  q: Queryable,
  e: { actor: AuditActor; action: MembershipAction; change: MembershipChange; details: Record<string, unknown> },
): Promise<void> {
  const seq = await recordAudit(q, { actor: e.actor, action: e.action, workspaceId: e.change.workspaceId, target: e.change.userId, details: e.details });
  await q.query('SELECT pg_notify($1, $2)', [MEMBERSHIP_CHANNEL, JSON.stringify({ ...e.change, seq })]);
}
