/** HTTP routes of accounts: /api/v1/auth/… (bodies validated here, rules in accounts.service.ts). */
import { z } from 'zod';
import type { RequestAuthenticator, SessionAuth } from '../auth/authenticate';
import { parseBody } from '../http/body';
import { answer, json, type Router } from '../http/router';
import type { AccountsService, Registered } from './accounts.service';
import { EmailSchema } from './email';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './passwords';

const Password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, { error: `a password needs at least ${MIN_PASSWORD_LENGTH} characters` })
  .max(MAX_PASSWORD_LENGTH, { error: `a password has at most ${MAX_PASSWORD_LENGTH} characters` });
/** Checked only for length at login: the rules may have changed since the password was set. */
const AnyPassword = z.string().min(1).max(MAX_PASSWORD_LENGTH);
const Name = z.string().trim().min(1, { error: 'a name is required' }).max(200);
const SecretToken = z.string().min(1).max(200);

const RegisterBody = z.strictObject({ email: EmailSchema, password: Password, name: Name, invitationToken: SecretToken.optional() });
const LoginBody = z.strictObject({ email: EmailSchema, password: AnyPassword });
const RefreshBody = z.strictObject({ refreshToken: SecretToken });
const LogoutBody = z.strictObject({ refreshToken: SecretToken.optional() });
const PasswordBody = z.strictObject({ currentPassword: AnyPassword, newPassword: Password });

export function accountsRoutes(router: Router, deps: { auth: RequestAuthenticator; accounts: AccountsService }): void {
  const { auth, accounts } = deps;

  router.add('POST', '/api/v1/auth/register', async ({ req }) => {
    // Optional: a server admin creating an account sends their own access token.
    let by: SessionAuth | null = null;
    if (req.headers.authorization !== undefined) {
      const s = await auth.sessionFromHeader(req.headers.authorization);
      if (!s.ok) return s.error;
      by = s.value;
    }
    const body = await parseBody(req, RegisterBody);
    if (!body.ok) return body.error;
    return answer(await accounts.register(body.value, by), 201, (r: Registered) => ({ user: r.user, ...r.tokens, ...(r.membership ? { membership: r.membership } : {}) }));
  });

  router.add('POST', '/api/v1/auth/login', async ({ req, ip }) => {
    const body = await parseBody(req, LoginBody);
    if (!body.ok) return body.error;
    return answer(await accounts.login(body.value, ip), 200, (r) => ({ user: r.user, ...r.tokens }));
  });

  router.add('POST', '/api/v1/auth/refresh', async ({ req }) => {
    const body = await parseBody(req, RefreshBody);
    if (!body.ok) return body.error;
    return answer(await accounts.refresh(body.value.refreshToken));
  });

  router.add('POST', '/api/v1/auth/logout', async ({ req }) => {
    let by: SessionAuth | null = null;
    if (req.headers.authorization !== undefined) {
      const s = await auth.sessionFromHeader(req.headers.authorization);
      if (!s.ok) return s.error;
      by = s.value;
    }
    const body = await parseBody(req, LogoutBody);
    if (!body.ok) return body.error;
    return answer(await accounts.logout(by, body.value.refreshToken), 204);
  });

  router.add('GET', '/api/v1/auth/me', async ({ req }) => {
    const a = await auth.fromHeader(req.headers.authorization);
    if (!a.ok) return a.error;
    const me = await accounts.me(a.value.userId);
    if (!me.ok) return me.error;
    const token = a.value.kind === 'apiToken' ? { token: { id: a.value.tokenId, scopes: a.value.scopes, workspaceIds: a.value.workspaceIds } } : {};
    return json(200, { user: me.value, ...token });
  });

  router.add('POST', '/api/v1/auth/password', async ({ req, ip }) => {
    const s = await auth.sessionFromHeader(req.headers.authorization);
    if (!s.ok) return s.error;
    const body = await parseBody(req, PasswordBody);
    if (!body.ok) return body.error;
    return answer(await accounts.changePassword(s.value, body.value, ip), 204);
  });
}
