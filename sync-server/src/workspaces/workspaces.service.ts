/**
 * Workspaces and their members. Every change runs in one transaction that first locks the
 * workspace row, then reads the actor's and the target's current roles: two owners demoting each
 * other at once cannot leave a workspace without an owner. Each change is audited and announced
 * (NOTIFY, delivered on commit) in that same transaction.
 */
import { err, ok } from '../../../src-shared/errors';
import { recordAudit, type AuditActor } from '../audit/audit.repo';
import type { SessionAuth } from '../auth/authenticate';
import { notAMember } from '../auth/authenticate';
import type { Db, Queryable } from '../db/db';
import { txOutcome } from '../db/tx-outcome';
import { fail, type Outcome } from '../http/failures';
import { newServerId } from '../ids';
import { recordMembershipChange, roleOf } from './membership.repo';
import { whyCannotChangeRole, whyCannotRemove, type Role } from './roles';

export interface WorkspaceDto {
  id: string;
  name: string;
  /** The caller's role. */
  role: Role;
  createdAt: string;
}

export interface MemberDto {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: string;
}

interface MemberRow {
  user_id: string;
  email: string;
  name: string;
  role: Role;
  created_at: Date;
  [key: string]: unknown;
}

const toMember = (r: MemberRow): MemberDto => ({ userId: r.user_id, email: r.email, name: r.name, role: r.role, joinedAt: new Date(r.created_at).toISOString() });

export const actorOf = (auth: SessionAuth): AuditActor => ({ userId: auth.userId });

export class WorkspacesService {
  constructor(private readonly db: Db) {}

  async create(auth: SessionAuth, name: string): Promise<WorkspaceDto> {
    const id = newServerId('wsp');
    const rows = await this.db.tx(async (q) => {
      const created = await q.query<{ created_at: Date }>('INSERT INTO workspaces (id, name, created_by) VALUES ($1, $2, $3) RETURNING created_at', [id, name, auth.userId]);
      await q.query("INSERT INTO memberships (workspace_id, user_id, role) VALUES ($1, $2, 'owner')", [id, auth.userId]);
      await recordAudit(q, { actor: actorOf(auth), action: 'workspace.create', workspaceId: id, target: id, details: { name } });
      await recordMembershipChange(q, { actor: actorOf(auth), action: 'member.add', change: { workspaceId: id, userId: auth.userId, role: 'owner' }, details: { role: 'owner', via: 'create' } });
      return created;
    });
    return { id, name, role: 'owner', createdAt: new Date(rows[0]!.created_at).toISOString() };
  }

  async listMine(userId: string): Promise<WorkspaceDto[]> {
    const rows = await this.db.query<{ id: string; name: string; role: Role; created_at: Date }>(
      'SELECT w.id, w.name, m.role, w.created_at FROM memberships m JOIN workspaces w ON w.id = m.workspace_id WHERE m.user_id = $1 ORDER BY w.created_at, w.id',
      [userId],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, role: r.role, createdAt: new Date(r.created_at).toISOString() }));
  }

  /** Any member may see who else is in the workspace. */
  async listMembers(auth: SessionAuth, workspaceId: string): Promise<Outcome<MemberDto[]>> {
    if (!(await roleOf(this.db, workspaceId, auth.userId))) return err(notAMember(workspaceId));
    const rows = await this.db.query<MemberRow>(
      `SELECT m.user_id, u.email, u.name, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE m.workspace_id = $1 ORDER BY CASE m.role WHEN 'owner' THEN 1 WHEN 'admin' THEN 2 WHEN 'editor' THEN 3 WHEN 'commenter' THEN 4 ELSE 5 END, u.email`,
      [workspaceId],
    );
    return ok(rows.map(toMember));
  }

  async changeRole(auth: SessionAuth, workspaceId: string, userId: string, next: Role): Promise<Outcome<MemberDto>> {
    return txOutcome(this.db, async (q) => {
      const roles = await lockAndReadRoles(q, workspaceId, auth.userId, userId);
      if (!roles.ok) return roles;
      const { actor, target, owners } = roles.value;
      const refusal = whyCannotChangeRole(actor, target, next, owners);
      if (refusal) return err(refusal);
      if (target !== next) {
        await q.query('UPDATE memberships SET role = $3, updated_at = now() WHERE workspace_id = $1 AND user_id = $2', [workspaceId, userId, next]);
        await recordMembershipChange(q, { actor: actorOf(auth), action: 'member.role_change', change: { workspaceId, userId, role: next }, details: { from: target, to: next } });
      }
      const rows = await q.query<MemberRow>(
        'SELECT m.user_id, u.email, u.name, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 AND m.user_id = $2',
        [workspaceId, userId],
      );
      return ok(toMember(rows[0]!));
    });
  }

  /** Removing oneself is leaving. */
  async removeMember(auth: SessionAuth, workspaceId: string, userId: string): Promise<Outcome<void>> {
    return txOutcome(this.db, async (q) => {
      const roles = await lockAndReadRoles(q, workspaceId, auth.userId, userId);
      if (!roles.ok) return roles;
      const { actor, target, owners } = roles.value;
      const self = userId === auth.userId;
      const refusal = whyCannotRemove(actor, target, self, owners);
      if (refusal) return err(refusal);
      await q.query('DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2', [workspaceId, userId]);
      await recordMembershipChange(q, { actor: actorOf(auth), action: 'member.remove', change: { workspaceId, userId, role: null }, details: { role: target, left: self } });
      return ok(undefined);
    });
  }
}

/**
 * Locks the workspace (serializing membership changes in it) and reads the roles a decision needs.
 * A caller who is not a member learns nothing about the workspace.
 */
async function lockAndReadRoles(q: Queryable, workspaceId: string, actorId: string, targetId: string): Promise<Outcome<{ actor: Role; target: Role; owners: number }>> {
  const ws = await q.query('SELECT id FROM workspaces WHERE id = $1 FOR UPDATE', [workspaceId]);
  if (ws.length === 0) return err(notAMember(workspaceId));
  const actor = await roleOf(q, workspaceId, actorId);
  if (!actor) return err(notAMember(workspaceId));
  const target = await roleOf(q, workspaceId, targetId);
  if (!target) return err(fail('NOT_FOUND', `User ${targetId} is not a member of this workspace.`));
  const owners = await q.query<{ n: number }>("SELECT count(*)::int AS n FROM memberships WHERE workspace_id = $1 AND role = 'owner'", [workspaceId]);
  return ok({ actor, target, owners: owners[0]!.n });
}
