/**
 * Reading the audit log: a workspace's entries for its owners and admins, every entry for server
 * admins. Newest first, paged with `?limit=` (1–500, default 100) and `?before=<id>`.
 */
import { z } from 'zod';
import { notAMember, type RequestAuthenticator } from '../auth/authenticate';
import type { Db } from '../db/db';
import { fail } from '../http/failures';
import { validate } from '../http/body';
import { json, type Router } from '../http/router';
import { canManageMembers } from '../workspaces/roles';
import { listAudit } from './audit.repo';

const Query = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.string().regex(/^\d{1,18}$/, { error: 'an entry id' }).transform(BigInt).optional(),
});

export function auditRoutes(router: Router, deps: { auth: RequestAuthenticator; db: Db }): void {
  const { auth, db } = deps;

  router.add('GET', '/api/v1/workspaces/{id}/audit', async ({ req, params, query }) => {
    const s = await auth.sessionFromHeader(req.headers.authorization);
    if (!s.ok) return s.error;
    const q = validate(Query, Object.fromEntries(query), 'query');
    if (!q.ok) return q.error;
    const role = await s.value.roleIn(params.id!);
    if (!role) return notAMember(params.id!);
    if (!canManageMembers(role) && !s.value.isAdmin) return fail('INVALID_PERMISSIONS', 'Only owners and admins can read the audit log.');
    return json(200, await listAudit(db, { workspaceId: params.id!, ...q.value }));
  });

  router.add('GET', '/api/v1/audit', async ({ req, query }) => {
    const s = await auth.sessionFromHeader(req.headers.authorization);
    if (!s.ok) return s.error;
    if (!s.value.isAdmin) return fail('INVALID_PERMISSIONS', 'Only server admins can read the whole audit log.');
    const q = validate(Query, Object.fromEntries(query), 'query');
    if (!q.ok) return q.error;
    return json(200, await listAudit(db, q.value));
  });
}
