/**
 * HTTP routes of workspaces, members, invitations and the workspace's bases (the app's publish and
 * clone): /api/v1/workspaces/… and /api/v1/invitations/accept. Signed-in people only (API tokens
 * cannot manage members).
 */
import { z } from 'zod';
import type { RequestAuthenticator } from '../auth/authenticate';
import { isId } from '../../../src-shared/ids';
import { EmailSchema } from '../accounts/email';
import { parseBody } from '../http/body';
import { answer, json, type Router } from '../http/router';
import { DEFAULT_INVITATION_HOURS, MAX_INVITATION_HOURS, type InvitationsService } from './invitations.service';
import { ROLES } from './roles';
import type { WorkspaceBasesService } from './workspace-bases.service';
import type { WorkspacesService } from './workspaces.service';

const Role = z.enum(ROLES, { error: `a role is one of ${ROLES.join(', ')}` });
const CreateBody = z.strictObject({ name: z.string().trim().min(1, { error: 'a name is required' }).max(200) });
const RoleBody = z.strictObject({ role: Role });
const InviteBody = z.strictObject({
  role: Role,
  email: EmailSchema.optional(),
  expiresInHours: z.number().positive().max(MAX_INVITATION_HOURS, { error: `an invitation lasts at most ${MAX_INVITATION_HOURS} hours` }).default(DEFAULT_INVITATION_HOURS),
});
const AcceptBody = z.strictObject({ token: z.string().min(1).max(200) });
const RegisterBaseBody = z.strictObject({
  id: z.string().refine((v) => isId(v, 'bas'), { error: "a base id is 'bas' and 14 letters or digits, the id the app gave it" }),
  name: z.string().trim().min(1, { error: 'a base needs a name' }).max(255),
});

export function workspacesRoutes(router: Router, deps: { auth: RequestAuthenticator; workspaces: WorkspacesService; invitations: InvitationsService; bases: WorkspaceBasesService }): void {
  const { auth, workspaces, invitations, bases } = deps;

  router.add('POST', '/api/v1/workspaces', async ({ req }) => {
    const s = await auth.sessionFromHeader(req.headers.authorization);
    if (!s.ok) return s.error;
    const body = await parseBody(req, CreateBody);
    if (!body.ok) return body.error;
    return json(201, await workspaces.create(s.value, body.value.name));
  });

  router.add('GET', '/api/v1/workspaces', async ({ req }) => {
    const s = await auth.sessionFromHeader(req.headers.authorization);
    if (!s.ok) return s.error;
    return json(200, { workspaces: await workspaces.listMine(s.value.userId) });
  });

  router.add('GET', '/api/v1/workspaces/{id}/members', async ({ req, params }) => {
    const s = await auth.sessionFromHeader(req.headers.authorization);
    if (!s.ok) return s.error;
    return answer(await workspaces.listMembers(s.value, params.id!), 200, (members) => ({ members }));
  });

  router.add('PATCH', '/api/v1/workspaces/{id}/members/{userId}', async ({ req, params }) => {
    const s = await auth.sessionFromHeader(req.headers.authorization);
    if (!s.ok) return s.error;
    const body = await parseBody(req, RoleBody);
    if (!body.ok) return body.error;
    return answer(await workspaces.changeRole(s.value, params.id!, params.userId!, body.value.role));
  });

  router.add('DELETE', '/api/v1/workspaces/{id}/members/{userId}', async ({ req, params }) => {
    const s = await auth.sessionFromHeader(req.headers.authorization);
    if (!s.ok) return s.error;
    return answer(await workspaces.removeMember(s.value, params.id!, params.userId!), 204);
  });

  router.add('POST', '/api/v1/workspaces/{id}/invitations', async ({ req, params }) => {
    const s = await auth.sessionFromHeader(req.headers.authorization);
    if (!s.ok) return s.error;
    const body = await parseBody(req, InviteBody);
    if (!body.ok) return body.error;
    return answer(await invitations.create(s.value, params.id!, body.value), 201);
  });

  router.add('GET', '/api/v1/workspaces/{id}/invitations', async ({ req, params }) => {
    const s = await auth.sessionFromHeader(req.headers.authorization);
    if (!s.ok) return s.error;
    return answer(await invitations.list(s.value, params.id!), 200, (list) => ({ invitations: list }));
  });

  router.add('DELETE', '/api/v1/workspaces/{id}/invitations/{invitationId}', async ({ req, params }) => {
    const s = await auth.sessionFromHeader(req.headers.authorization);
    if (!s.ok) return s.error;
    return answer(await invitations.revoke(s.value, params.id!, params.invitationId!), 204);
  });

  router.add('GET', '/api/v1/workspaces/{id}/bases', async ({ req, params }) => {
    const s = await auth.sessionFromHeader(req.headers.authorization);
    if (!s.ok) return s.error;
    return answer(await bases.list(s.value, params.id!), 200, (list) => ({ bases: list }));
  });

  router.add('POST', '/api/v1/workspaces/{id}/bases', async ({ req, params }) => {
    const s = await auth.sessionFromHeader(req.headers.authorization);
    if (!s.ok) return s.error;
    const body = await parseBody(req, RegisterBaseBody);
    if (!body.ok) return body.error;
    const out = await bases.register(s.value, params.id!, body.value);
    return out.ok ? json(out.value.created ? 201 : 200, out.value.base) : out.error;
  });

  router.add('POST', '/api/v1/invitations/accept', async ({ req }) => {
    const s = await auth.sessionFromHeader(req.headers.authorization);
    if (!s.ok) return s.error;
    const body = await parseBody(req, AcceptBody);
    if (!body.ok) return body.error;
    return answer(await invitations.accept(s.value, body.value.token));
  });
}
