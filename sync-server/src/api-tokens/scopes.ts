/**
 * Scopes of personal API tokens, with Airtable's names so Airtable clients and habits carry over.
 * A token never does more than its user's current role allows: each scope also needs a minimum
 * workspace role (a viewer's token with data.records:write still cannot write).
 */
import type { Role } from '../workspaces/roles';

export const SCOPE_MIN_ROLE = {
  'data.records:read': 'viewer',
  'data.records:write': 'editor',
  'data.recordComments:read': 'viewer',
  'data.recordComments:write': 'commenter',
  'schema.bases:read': 'viewer',
  'schema.bases:write': 'admin',
  'webhook:manage': 'admin',
} as const satisfies Record<string, Role>;

export type Scope = keyof typeof SCOPE_MIN_ROLE;
export const SCOPES = Object.keys(SCOPE_MIN_ROLE) as Scope[];

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && Object.hasOwn(SCOPE_MIN_ROLE, value);
}
