/** HTTP routes of personal API tokens: /api/v1/tokens (a signed-in person manages their own). */
import { z } from 'zod';
import type { RequestAuthenticator } from '../auth/authenticate';
import { parseBody } from '../http/body';
import { answer, json, type Router } from '../http/router';
import type { ApiTokensService } from './api-tokens.service';
import { SCOPES, isScope } from './scopes';

const CreateBody = z.strictObject({
  name: z.string().trim().min(1, { error: 'a name is required' }).max(100),
  scopes: z
    .array(z.string().refine(isScope, { error: (i) => `unknown scope ${JSON.stringify(i.input)}; known scopes: ${SCOPES.join(', ')}` }))
    .min(1, { error: 'at least one scope is required' })
    .max(SCOPES.length * 2),
  workspaceIds: z.array(z.string().min(1).max(64)).min(1, { error: 'at least one workspace id is required' }).max(100),
});

export function apiTokensRoutes(router: Router, deps: { auth: RequestAuthenticator; tokens: ApiTokensService }): void {
  const { auth, tokens } = deps;

  router.add('POST', '/api/v1/tokens', async ({ req }) => {
    const s = await auth.sessionFromHeader(req.headers.authorization);
    if (!s.ok) return s.error;
    const body = await parseBody(req, CreateBody);
    if (!body.ok) return body.error;
    return answer(await tokens.create(s.value, { ...body.value, scopes: body.value.scopes.filter(isScope) }), 201);
  });

  router.add('GET', '/api/v1/tokens', async ({ req }) => {
    const s = await auth.sessionFromHeader(req.headers.authorization);
    if (!s.ok) return s.error;
    return json(200, { tokens: await tokens.list(s.value) });
  });

  router.add('DELETE', '/api/v1/tokens/{id}', async ({ req, params }) => {
    const s = await auth.sessionFromHeader(req.headers.authorization);
    if (!s.ok) return s.error;
    return answer(await tokens.delete(s.value, params.id!), 204);
  });
}
