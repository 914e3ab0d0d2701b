/**
 * Invitations by link: `PUBLIC_URL/invite/<token>` with a `bpi_…` token shown once (stored as its
 * SHA-256), a role, an expiry, optionally bound to one email address. Accepting is one-time: the
 * invitation row is locked and marked accepted in the transaction that adds the membership.
 */
import { err, ok } from '../../../src-shared/errors';
import { recordAudit } from '../audit/audit.repo';
import { notAMember, type SessionAuth } from '../auth/authenticate';
import { hashSecretToken, looksLike, newSecretToken } from '../auth/secret-tokens';
import type { Clock } from '../clock';
import type { Db, Queryable } from '../db/db';
import { txOutcome } from '../db/tx-outcome';
import { fail, type Outcome } from '../http/failures';
import { newServerId } from '../ids';
import { recordMembershipChange, roleOf } from './membership.repo';
import { canManageMembers, whyCannotInvite, type Role } from './roles';
import { actorOf } from './workspaces.service';

export const DEFAULT_INVITATION_HOURS = 72;
export const MAX_INVITATION_HOURS = 30 * 24;

export interface NewInvitation {
  role: Role;
  email?: string | undefined;
  expiresInHours: number;
}

export interface InvitationDto {
  id: string;
  workspaceId: string;
  role: Role;
  email: string | null;
  createdAt: string;
  expiresAt: string;
  status: 'pending' | 'expired' | 'accepted' | 'revoked';
}

export interface AcceptedInvitation {
  workspace: { id: string; name: string };
  role: Role;
}

interface InvitationRow {
  id: string;
  workspace_id: string;
  role: Role;
  email: string | null;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
  [key: string]: unknown;
}

export class InvitationsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** PUBLIC_URL, or the listening address when it is not set. */
    private readonly publicUrl: () => string,
  ) {}

  async create(auth: SessionAuth, workspaceId: string, input: NewInvitation): Promise<Outcome<InvitationDto & { url: string; token: string }>> {
    const token = newSecretToken('bpi');
    const id = newServerId('inv');
    const expiresAt = new Date(this.clock() + input.expiresInHours * 3_600_000);
    const out = await txOutcome(this.db, async (q) => {
      const actor = await roleOf(q, workspaceId, auth.userId);
      if (!actor) return err(notAMember(workspaceId));
      const refusal = whyCannotInvite(actor, input.role);
      if (refusal) return err(refusal);
      const rows = await q.query<InvitationRow>(
        'INSERT INTO invitations (id, workspace_id, token_hash, role, email, created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *',
        [id, workspaceId, hashSecretToken(token), input.role, input.email ?? null, auth.userId, expiresAt],
      );
      await recordAudit(q, { actor: actorOf(auth), action: 'invitation.create', workspaceId, target: id, details: { role: input.role, email: input.email ?? null, expiresAt: expiresAt.toISOString() } });
      return ok(rows[0]!);
    });
    if (!out.ok) return out;
    return ok({ ...this.toDto(out.value), url: `${this.publicUrl()}/invite/${token}`, token });
  }

  async list(auth: SessionAuth, workspaceId: string): Promise<Outcome<InvitationDto[]>> {
    const actor = await roleOf(this.db, workspaceId, auth.userId);
    if (!actor) return err(notAMember(workspaceId));
    if (!canManageMembers(actor)) return err(fail('INVALID_PERMISSIONS', 'Only owners and admins can see invitations.'));
    const rows = await this.db.query<InvitationRow>('SELECT * FROM invitations WHERE workspace_id = $1 ORDER BY created_at DESC LIMIT 500', [workspaceId]);
    return ok(rows.map((r) => this.toDto(r)));
  }

  /** Withdraws a pending invitation; its link stops working. */
  async revoke(auth: SessionAuth, workspaceId: string, invitationId: string): Promise<Outcome<void>> {
    return txOutcome(this.db, async (q) => {
      const actor = await roleOf(q, workspaceId, auth.userId);
      if (!actor) return err(notAMember(workspaceId));
      if (!canManageMembers(actor)) return err(fail('INVALID_PERMISSIONS', 'Only owners and admins can withdraw invitations.'));
      const rows = await q.query('UPDATE invitations SET revoked_at = now() WHERE id = $1 AND workspace_id = $2 AND accepted_at IS NULL AND revoked_at IS NULL RETURNING id', [invitationId, workspaceId]);
      if (rows.length === 0) return err(fail('NOT_FOUND', `No pending invitation ${invitationId} in this workspace.`));
      await recordAudit(q, { actor: actorOf(auth), action: 'invitation.revoke', workspaceId, target: invitationId });
      return ok(undefined);
    });
  }

  async accept(auth: SessionAuth, token: string): Promise<Outcome<AcceptedInvitation>> {
    return txOutcome(this.db, async (q) => {
      const rows = await q.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [auth.userId]);
      if (rows.length === 0) return err(fail('AUTHENTICATION_REQUIRED', 'This account no longer exists.'));
      return this.acceptIn(q, { id: auth.userId, email: rows[0]!.email }, token);
    });
  }

  /**
   * Accepts inside the caller's transaction (registration with an invitation uses it). A failure
   * leaves the invitation unused; the caller must roll back (txOutcome does).
   */
  async acceptIn(q: Queryable, user: { id: string; email: string }, token: string): Promise<Outcome<AcceptedInvitation>> {
    const invalid = fail('NOT_FOUND', 'This invitation link is not valid (it may have been withdrawn).');
    if (!looksLike('bpi', token)) return err(invalid);
    const rows = await q.query<InvitationRow & { name: string }>(
      'SELECT i.*, w.name FROM invitations i JOIN workspaces w ON w.id = i.workspace_id WHERE i.token_hash = $1 FOR UPDATE OF i',
      [hashSecretToken(token)],
    );
    const inv = rows[0];
    if (!inv || inv.revoked_at) return err(invalid);
    if (inv.accepted_at) return err(fail('INVITATION_USED', 'This invitation has already been used; ask for a new one.'));
    if (new Date(inv.expires_at).getTime() <= this.clock()) return err(fail('INVITATION_EXPIRED', 'This invitation has expired; ask for a new one.'));
    if (inv.email !== null && inv.email !== user.email) return err(fail('INVALID_PERMISSIONS', 'This invitation is for a different email address.'));
    const current = await roleOf(q, inv.workspace_id, user.id);
    if (current) return err(fail('ALREADY_MEMBER', `You are already a member of this workspace (as ${current}); the invitation stays unused.`));
    await q.query('INSERT INTO memberships (workspace_id, user_id, role) VALUES ($1, $2, $3)', [inv.workspace_id, user.id, inv.role]);
    await q.query('UPDATE invitations SET accepted_at = $2, accepted_by = $3 WHERE id = $1', [inv.id, new Date(this.clock()), user.id]);
    const actor = { userId: user.id };
    await recordAudit(q, { actor, action: 'invitation.accept', workspaceId: inv.workspace_id, target: inv.id, details: { role: inv.role } });
    await recordMembershipChange(q, { actor, action: 'member.add', change: { workspaceId: inv.workspace_id, userId: user.id, role: inv.role }, details: { role: inv.role, via: 'invitation', invitationId: inv.id } });
    return ok({ workspace: { id: inv.workspace_id, name: inv.name }, role: inv.role });
  }

  private toDto(r: InvitationRow): InvitationDto {
    const expiresAt = new Date(r.expires_at);
    const status = r.revoked_at ? 'revoked' : r.accepted_at ? 'accepted' : expiresAt.getTime() <= this.clock() ? 'expired' : 'pending';
    return { id: r.id, workspaceId: r.workspace_id, role: r.role, email: r.email, createdAt: new Date(r.created_at).toISOString(), expiresAt: expiresAt.toISOString(), status };
  }
}
