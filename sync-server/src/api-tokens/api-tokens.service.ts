/**
 * Personal API tokens (`bpt_…`): made by a signed-in person for scripts and Airtable clients,
 * limited to scopes and workspaces, shown once at creation and stored as SHA-256 only.
 */
import { err, ok } from '../../../src-shared/errors';
import { recordAudit } from '../audit/audit.repo';
import type { SessionAuth } from '../auth/authenticate';
import { hashSecretToken, newSecretToken } from '../auth/secret-tokens';
import type { Db } from '../db/db';
import { txOutcome } from '../db/tx-outcome';
import { fail, type Outcome } from '../http/failures';
import { newServerId } from '../ids';
import type { Scope } from './scopes';

/** Tokens a person may hold at once: a bound on what a compromised session can mint. */
export const MAX_TOKENS_PER_USER = 100;

export interface ApiTokenDto {
  id: string;
  name: string;
  scopes: Scope[];
  workspaceIds: string[];
  createdAt: string;
  lastUsedAt: string | null;
}

interface TokenRow {
  id: string;
  name: string;
  scopes: Scope[];
  workspace_ids: string[];
  created_at: Date;
  last_used_at: Date | null;
  [key: string]: unknown;
}

const toDto = (r: TokenRow): ApiTokenDto => ({
  id: r.id,
  name: r.name,
  scopes: r.scopes,
  workspaceIds: r.workspace_ids,
  createdAt: new Date(r.created_at).toISOString(),
  lastUsedAt: r.last_used_at ? new Date(r.last_used_at).toISOString() : null,
});

export class ApiTokensService {
  constructor(private readonly db: Db) {}

  /** Every workspace must be one the person belongs to now. The token is in the answer and nowhere else. */
  async create(auth: SessionAuth, input: { name: string; scopes: Scope[]; workspaceIds: string[] }): Promise<Outcome<ApiTokenDto & { token: string }>> {
    const token = newSecretToken('bpt');
    const id = newServerId('tok');
    const scopes = [...new Set(input.scopes)];
    const workspaceIds = [...new Set(input.workspaceIds)];
    const out = await txOutcome(this.db, async (q) => {
      const member = await q.query<{ workspace_id: string }>('SELECT workspace_id FROM memberships WHERE user_id = $1 AND workspace_id = ANY($2::text[])', [auth.userId, workspaceIds]);
      const reachable = new Set(member.map((m) => m.workspace_id));
      const missing = workspaceIds.find((w) => !reachable.has(w));
      if (missing !== undefined) return err(fail('INVALID_REQUEST', `body.workspaceIds: you are not a member of workspace ${missing}.`));
      const count = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM api_tokens WHERE user_id = $1', [auth.userId]);
      if (count[0]!.n >= MAX_TOKENS_PER_USER) return err(fail('INVALID_REQUEST', `You already have ${MAX_TOKENS_PER_USER} API tokens; delete some first.`));
      const rows = await q.query<TokenRow>(
        'INSERT INTO api_tokens (id, user_id, name, token_hash, scopes, workspace_ids) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb) RETURNING *',
        [id, auth.userId, input.name, hashSecretToken(token), JSON.stringify(scopes), JSON.stringify(workspaceIds)],
      );
      await recordAudit(q, { actor: { userId: auth.userId }, action: 'token.create', target: id, details: { name: input.name, scopes, workspaceIds } });
      return ok(rows[0]!);
    });
    return out.ok ? ok({ ...toDto(out.value), token }) : out;
  }

  async list(auth: SessionAuth): Promise<ApiTokenDto[]> {
    const rows = await this.db.query<TokenRow>('SELECT id, name, scopes, workspace_ids, created_at, last_used_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at, id', [auth.userId]);
    return rows.map(toDto);
  }

  async delete(auth: SessionAuth, id: string): Promise<Outcome<void>> {
    return txOutcome(this.db, async (q) => {
      const rows = await q.query<{ name: string }>('DELETE FROM api_tokens WHERE id = $1 AND user_id = $2 RETURNING name', [id, auth.userId]);
      if (rows.length === 0) return err(fail('NOT_FOUND', `You have no API token ${id}.`));
      await recordAudit(q, { actor: { userId: auth.userId }, action: 'token.delete', target: id, details: { name: rows[0]!.name } });
      return ok(undefined);
    });
  }
}
