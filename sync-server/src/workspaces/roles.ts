/**
 * Workspace roles, highest first, and the rules a team expects of them:
 * - owners and admins manage members and invitations; the others cannot;
 * - an admin cannot make, invite, demote or remove an owner (only an owner can);
 * - every workspace keeps at least one owner: its last owner can neither leave nor be demoted;
 * - anyone may leave (remove themselves), the last owner excepted.
 * The checks here are pure; the service applies them to roles read inside its transaction.
 */
import { fail, type Failure } from '../http/failures';

export const ROLES = ['owner', 'admin', 'editor', 'commenter', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { owner: 5, admin: 4, editor: 3, commenter: 2, viewer: 1 };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** `role` is at least `minimum`. */
export function atLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

export function canManageMembers(role: Role): boolean {
  return atLeast(role, 'admin');
}

/** Why `actor` may not set `target`'s role to `next`, or null when it may. */
export function whyCannotChangeRole(actor: Role, target: Role, next: Role, ownerCount: number): Failure | null {
  if (!canManageMembers(actor)) return fail('INVALID_PERMISSIONS', 'Only owners and admins can change members’ roles.');
  if (actor !== 'owner' && (target === 'owner' || next === 'owner')) return fail('INVALID_PERMISSIONS', 'Only an owner can make someone an owner or change an owner’s role.');
  if (target === 'owner' && next !== 'owner' && ownerCount <= 1) return fail('LAST_OWNER', 'This is the workspace’s last owner; make someone else an owner first.');
  return null;
}

/** Why `actor` may not remove a member whose role is `target`, or null. `self`: leaving. */
export function whyCannotRemove(actor: Role, target: Role, self: boolean, ownerCount: number): Failure | null {
  if (!self) {
    if (!canManageMembers(actor)) return fail('INVALID_PERMISSIONS', 'Only owners and admins can remove members.');
    if (actor !== 'owner' && target === 'owner') return fail('INVALID_PERMISSIONS', 'Only an owner can remove an owner.');
  }
  if (target === 'owner' && ownerCount <= 1) {
    return fail('LAST_OWNER', self ? 'You are the workspace’s last owner; make someone else an owner before you leave.' : 'This is the workspace’s last owner.');
  }
  return null;
}

/** Why `actor` may not invite someone as `role`, or null. */
export function whyCannotInvite(actor: Role, role: Role): Failure | null {
  if (!canManageMembers(actor)) return fail('INVALID_PERMISSIONS', 'Only owners and admins can invite people.');
  if (role === 'owner' && actor !== 'owner') return fail('INVALID_PERMISSIONS', 'Only an owner can invite someone as an owner.');
  return null;
}
