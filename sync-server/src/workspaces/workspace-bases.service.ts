/**
 * A workspace's bases, for the desktop app: list them (to clone one) and register a base the app
 * already has locally under its own `bas…` id (to publish it; its documents then sync into the
 * workspace). A base belongs to one workspace for good: registering is idempotent within it and
 * refused across workspaces. Registration is audited as a schema change.
 */
import { err, ok } from '../../../src-shared/errors';
import { recordAudit } from '../audit/audit.repo';
import { notAMember, type SessionAuth } from '../auth/authenticate';
import type { Db } from '../db/db';
import { txOutcome } from '../db/tx-outcome';
import { fail, type Outcome } from '../http/failures';
import { basesOfWorkspace, findBase, insertBaseIfNew, type BaseRow } from '../rest/bases.repo';
import { roleOf } from './membership.repo';
import { atLeast, isRole } from './roles';

export interface WorkspaceBaseDto {
  id: string;
  name: string;
  createdAt: string;
  createdBy: string | null;
}

const toDto = (b: BaseRow): WorkspaceBaseDto => ({ id: b.id, name: b.name, createdAt: b.createdAt, createdBy: b.createdBy });

export class WorkspaceBasesService {
  constructor(private readonly db: Db) {}

  /** Any member sees every base of the workspace. */
  async list(auth: SessionAuth, workspaceId: string): Promise<Outcome<WorkspaceBaseDto[]>> {
    if (!(await roleOf(this.db, workspaceId, auth.userId))) return err(notAMember(workspaceId));
    return ok((await basesOfWorkspace(this.db, workspaceId)).map(toDto));
  }

  /** Editors and up. `created`: false when the workspace had this base already (its name unchanged). */
  async register(auth: SessionAuth, workspaceId: string, input: { id: string; name: string }): Promise<Outcome<{ base: WorkspaceBaseDto; created: boolean }>> {
    return txOutcome<{ base: WorkspaceBaseDto; created: boolean }>(this.db, async (q) => {
      // The member's row stays as read until commit: a demotion made meanwhile waits for this.
      const member = await q.query<{ role: string }>('SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2 FOR SHARE', [workspaceId, auth.userId]);
      const role = member[0]?.role;
      if (!isRole(role)) return err(notAMember(workspaceId));
      if (!atLeast(role, 'editor')) return err(fail('INVALID_PERMISSIONS', `Your role in this workspace (${role}) cannot add bases; it needs editor or higher.`));

      // A concurrent registration of the same id makes this insert wait for it, then skip.
      const inserted = await insertBaseIfNew(q, { id: input.id, workspaceId, name: input.name, createdBy: auth.userId });
      if (!inserted) {
        const existing = await findBase(q, input.id);
        if (existing && existing.workspaceId === workspaceId) return ok({ base: toDto(existing), created: false });
        return err(fail('BASE_ID_TAKEN', `Base ${input.id} is already published in another workspace; a base belongs to one workspace. Publish a copy of it (a new base id) instead.`));
      }
      await recordAudit(q, { actor: { userId: auth.userId }, action: 'schema.change', workspaceId, target: input.id, details: { change: 'base.register', name: input.name } });
      return ok({ base: toDto(inserted), created: true });
    });
  }
}
