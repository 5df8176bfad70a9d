import { conflict, forbidden, notFound, type TenantClaims, withTenant } from '@eduspry/common';
import { insertAuditEvent } from '../db/audit.ts';
import { revokeUserSessions } from '../db/sessions.ts';
import { findTenantById } from '../db/tenants.ts';
import { findUserById, insertUser, type Role, searchUsers, updateUser } from '../db/users.ts';
import { assertTenantAdmin, isSuperAdmin } from './access.ts';
import { issueMailedToken } from './accounts.ts';
import type { AuthContext, RequestMeta } from './context.ts';
import { type PublicUser, publicUser } from './tokens.ts';

export interface UserQuery {
  q?: string | undefined;
  role?: Role | undefined;
  status?: 'invited' | 'active' | 'deactivated' | undefined;
  limit: number;
  offset: number;
}

/** Users of one tenant, searchable by email or name, a page at a time. */
export async function listUsers(ctx: AuthContext, claims: TenantClaims, tenantId: string, query: UserQuery) {
  assertTenantAdmin(claims, tenantId);
  const { items, total } = await withTenant(ctx.sql, claims, (tx) => searchUsers(tx, tenantId, query));
  return { items: items.map(publicUser), total, limit: query.limit, offset: query.offset };
}

export async function getUser(
  ctx: AuthContext,
  claims: TenantClaims,
  tenantId: string,
  userId: string,
): Promise<PublicUser> {
  assertTenantAdmin(claims, tenantId);
  const user = await withTenant(ctx.sql, claims, (tx) => findUserById(tx, tenantId, userId));
  if (!user) throw notFound('No such user');
  return publicUser(user);
}

/** Only a super_admin may hand out or take away super_admin. */
function assertMayAssign(claims: TenantClaims, before: Role[], after: Role[]): void {
  const touchesSuper =
    before.includes('super_admin') !== after.includes('super_admin') || after.includes('super_admin');
  if (touchesSuper && !isSuperAdmin(claims))
    throw forbidden('Only a super_admin may grant or revoke super_admin');
}

export interface Invitation {
  email: string;
  display_name: string;
  roles: Role[];
}

/**
 * A tenant admin invites someone: an `invited` account and a mailed link to choose a password.
 * user_registered is emitted when the invitation is accepted, as the event's contract says.
 */
export async function inviteUser(
  ctx: AuthContext,
  claims: TenantClaims,
  tenantId: string,
  input: Invitation,
  meta: RequestMeta,
): Promise<PublicUser> {
  assertTenantAdmin(claims, tenantId);
  assertMayAssign(claims, [], input.roles);
  const { user, send } = await withTenant(ctx.sql, claims, async (tx) => {
    const tenant = await findTenantById(tx, tenantId);
    if (!tenant) throw notFound('No such tenant');
    const user = await insertUser(tx, {
      tenantId,
      email: input.email,
      displayName: input.display_name,
      passwordHash: null,
      roles: input.roles,
      status: 'invited',
      emailVerified: false,
    });
    if (!user) throw conflict('An account with this email already exists in this tenant');
    await insertAuditEvent(tx, {
      tenantId,
      action: 'user.invited',
      actorId: claims.sub,
      subjectId: user.id,
      ip: meta.ip,
      detail: { roles: user.roles },
    });
    return { user, send: await issueMailedToken(ctx, tx, user, tenant, 'invitation') };
  });
  await send();
  return publicUser(user);
}

export async function changeRoles(
  ctx: AuthContext,
  claims: TenantClaims,
  tenantId: string,
  userId: string,
  roles: Role[],
  meta: RequestMeta,
): Promise<PublicUser> {
  assertTenantAdmin(claims, tenantId);
  const user = await withTenant(ctx.sql, claims, async (tx) => {
    const before = await findUserById(tx, tenantId, userId);
    if (!before) throw notFound('No such user');
    assertMayAssign(claims, before.roles, roles);
    const after = (await updateUser(tx, tenantId, userId, { roles: [...new Set(roles)] }))!;
    await insertAuditEvent(tx, {
      tenantId,
      action: 'user.roles_changed',
      actorId: claims.sub,
      subjectId: userId,
      ip: meta.ip,
      detail: { from: before.roles, to: after.roles },
    });
    await ctx.events(tx, {
      type: 'user.authentication.user_role_changed',
      data: {
        userId,
        tenantId,
        previousRoles: before.roles,
        roles: after.roles,
        changedBy: claims.sub,
        changedAt: after.updated_at.toISOString(),
      },
    });
    return after;
  });
  return publicUser(user);
}

/** Deactivation ends every session at once; access tokens already issued lapse within their short lifetime. */
export async function deactivateUser(
  ctx: AuthContext,
  claims: TenantClaims,
  tenantId: string,
  userId: string,
  meta: RequestMeta,
): Promise<PublicUser> {
  assertTenantAdmin(claims, tenantId);
  if (userId === claims.sub) throw forbidden('You cannot deactivate your own account');
  const user = await withTenant(ctx.sql, claims, async (tx) => {
    const before = await findUserById(tx, tenantId, userId);
    if (!before) throw notFound('No such user');
    assertMayAssign(claims, before.roles, before.roles);
    if (before.status === 'deactivated') return before;
    const after = (await updateUser(tx, tenantId, userId, { status: 'deactivated' }))!;
    const ended = await revokeUserSessions(tx, userId, 'user_deactivated');
    await insertAuditEvent(tx, {
      tenantId,
      action: 'user.deactivated',
      actorId: claims.sub,
      subjectId: userId,
      ip: meta.ip,
      detail: { sessionsEnded: ended },
    });
    await ctx.events(tx, {
      type: 'user.authentication.user_deactivated',
      data: {
        userId,
        tenantId,
        deactivatedBy: claims.sub,
        reason: null,
        deactivatedAt: after.updated_at.toISOString(),
      },
    });
    return after;
  });
  return publicUser(user);
}

/** Undoes a deactivation: the user may sign in again (their old sessions stay ended). */
export async function reactivateUser(
  ctx: AuthContext,
  claims: TenantClaims,
  tenantId: string,
  userId: string,
  meta: RequestMeta,
): Promise<PublicUser> {
  assertTenantAdmin(claims, tenantId);
  const user = await withTenant(ctx.sql, claims, async (tx) => {
    const before = await findUserById(tx, tenantId, userId);
    if (!before) throw notFound('No such user');
    assertMayAssign(claims, before.roles, before.roles);
    if (before.status !== 'deactivated') return before;
    // An invited user who never chose a password goes back to invited, not active.
    const after = (await updateUser(tx, tenantId, userId, {
      status: before.password_hash ? 'active' : 'invited',
    }))!;
    await insertAuditEvent(tx, {
      tenantId,
      action: 'user.reactivated',
      actorId: claims.sub,
      subjectId: userId,
      ip: meta.ip,
    });
    return after;
  });
  return publicUser(user);
}
