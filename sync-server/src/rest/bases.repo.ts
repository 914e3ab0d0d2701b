/** The `bases` table (migration 003): which bases exist, in which workspace, made by whom. */
import type { Queryable } from '../db/db';

export interface BaseRow {
  id: string;
  workspaceId: string;
  name: string;
  createdAt: string;
  createdBy: string | null;
}

interface Row {
  id: string;
  workspace_id: string;
  name: string;
  created_at: Date | string;
  created_by: string | null;
  [key: string]: unknown;
}

const toBase = (r: Row): BaseRow => ({ id: r.id, workspaceId: r.workspace_id, name: r.name, createdAt: new Date(r.created_at).toISOString(), createdBy: r.created_by });

export async function insertBase(q: Queryable, b: { id: string; workspaceId: string; name: string; createdBy: string }): Promise<BaseRow> {
  const rows = await q.query<Row>('INSERT INTO bases (id, workspace_id, name, created_by) VALUES ($1, $2, $3, $4) RETURNING *', [b.id, b.workspaceId, b.name, b.createdBy]);
  return toBase(rows[0]!);
}

export async function findBase(q: Queryable, id: string): Promise<BaseRow | null> {
  const rows = await q.query<Row>('SELECT * FROM bases WHERE id = $1', [id]);
  return rows[0] ? toBase(rows[0]) : null;
}

/** Bases of the workspaces a user is a member of (limited to `workspaceIds` when given), with the user's role there. */
export async function basesOfUser(q: Queryable, userId: string, workspaceIds: readonly string[] | null): Promise<Array<BaseRow & { role: string }>> {
  const rows = await q.query<Row & { role: string }>(
    `SELECT b.*, m.role FROM bases b JOIN memberships m ON m.workspace_id = b.workspace_id AND m.user_id = $1
     WHERE $2::text[] IS NULL OR b.workspace_id = ANY($2::text[]) ORDER BY b.created_at, b.id`,
    [userId, workspaceIds === null ? null : [...workspaceIds]],
  );
  return rows.map((r) => ({ ...toBase(r), role: r.role }));
}

/** A workspace's bases, oldest first. */
export async function basesOfWorkspace(q: Queryable, workspaceId: string): Promise<BaseRow[]> {
  const rows = await q.query<Row>('SELECT * FROM bases WHERE workspace_id = $1 ORDER BY created_at, id', [workspaceId]);
  return rows.map(toBase);
}

/** Inserts the base unless its id exists (whichever workspace has it); null when it did. */
export async function insertBaseIfNew(q: Queryable, b: { id: string; workspaceId: string; name: string; createdBy: string }): Promise<BaseRow | null> {
  const rows = await q.query<Row>('INSERT INTO bases (id, workspace_id, name, created_by) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING RETURNING *', [b.id, b.workspaceId, b.name, b.createdBy]);
  return rows[0] ? toBase(rows[0]) : null;
}
