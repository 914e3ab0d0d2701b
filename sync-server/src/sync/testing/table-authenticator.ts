/**
 * A small Authenticator for the sync tests, backed by two tables it creates (test_tokens,
 * test_members): tokens map to users, members have roles, and `setRole` changes a role (null
 * removes the member) and tells the listeners, as the accounts side will.
 */
import type { Db } from '../../db/db';
import { migrate, readMigrations } from '../../db/migrate';
import type { Authenticator, MembershipChange, Role } from '../types';

/** Only this folder's migration: the sync tests do not depend on the accounts schema. */
export async function migrateDocs(db: Db): Promise<void> {
  await migrate(db, readMigrations().filter((m) => m.name === 'docs'));
}

export class TableAuthenticator implements Authenticator {
  private readonly listeners = new Set<(e: MembershipChange) => void>();

  private constructor(private readonly db: Db) {}

  static async create(db: Db): Promise<TableAuthenticator> {
    await db.exec(`
      CREATE TABLE IF NOT EXISTS test_tokens (token text PRIMARY KEY, user_id text NOT NULL);
      CREATE TABLE IF NOT EXISTS test_members (workspace_id text NOT NULL, user_id text NOT NULL, role text NOT NULL, PRIMARY KEY (workspace_id, user_id));
    `);
    return new TableAuthenticator(db);
  }

  /** A token for `userId`, with `role` in `workspaceId` when given. */
  async addUser(token: string, userId: string, workspaceId?: string, role?: Role): Promise<void> {
    await this.db.query('INSERT INTO test_tokens (token, user_id) VALUES ($1, $2) ON CONFLICT (token) DO NOTHING', [token, userId]);
    if (workspaceId && role) await this.setRole(workspaceId, userId, role);
  }

  /** Signs a token out: it no longer authenticates. */
  async revoke(token: string): Promise<void> {
    await this.db.query('DELETE FROM test_tokens WHERE token = $1', [token]);
  }

  async setRole(workspaceId: string, userId: string, role: Role | null): Promise<void> {
    if (role === null) await this.db.query('DELETE FROM test_members WHERE workspace_id = $1 AND user_id = $2', [workspaceId, userId]);
    else {
      await this.db.query(
        'INSERT INTO test_members (workspace_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = EXCLUDED.role',
        [workspaceId, userId, role],
      );
    }
    for (const l of this.listeners) l({ workspaceId, userId, role });
  }

  async authenticate(token: string): Promise<{ userId: string } | null> {
    const rows = await this.db.query<{ user_id: string }>('SELECT user_id FROM test_tokens WHERE token = $1', [token]);
    return rows[0] ? { userId: rows[0].user_id } : null;
  }

  async roleIn(userId: string, workspaceId: string): Promise<Role | null> {
    const rows = await this.db.query<{ role: Role }>('SELECT role FROM test_members WHERE workspace_id = $1 AND user_id = $2', [workspaceId, userId]);
    return rows[0]?.role ?? null;
  }

  onMembershipChange(listener: (e: MembershipChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
