import { conflict, forbidden, notFound, type TenantClaims, withTenant } from '@eduspry/common';
import { insertAuditEvent } from '../db/audit.ts';
import { findSession, listLiveTenantUserSessions } from '../db/sessions.ts';
import { findTenantById } from '../db/tenants.ts';
import { findUserById, insertUser, type Role, searchUsers, updateUser } from '../db/users.ts';
import { requireAccess } from './access.ts';
import { issueMailedToken } from './accounts.ts';
import type { AuthContext, RequestMeta } from './context.ts';
import { endSession, endUserSessions } from './session-ends.ts';
import { type TenantUser, tenantUser } from './tokens.ts';

export interface UserQuery {
  q?: string | undefined;
  role?: Role | undefined;
  status?: 'invited' | 'active' | 'deactivated' | undefined;
  limit: number;
  offset: number;
}

/** Users of one tenant, searchable by email or name, a page at a time. */
export async function listUsers(ctx: AuthContext, claims: TenantClaims, tenantId: string, query: UserQuery) {
  requireAccess(claims, 'tenant:administer', { tenantId: tenantId });
  const { items, total } = await withTenant(ctx.sql, claims, (tx) => searchUsers(tx, tenantId, query));
  return { items: items.map(tenantUser), total, limit: query.limit, offset: query.offset };
}

export async function getUser(
  ctx: AuthContext,
  claims: TenantClaims,
  tenantId: string,
  userId: string,
): Promise<TenantUser> {
  requireAccess(claims, 'tenant:administer', { tenantId: tenantId });
  const user = await withTenant(ctx.sql, claims, (tx) => findUserById(tx, tenantId, userId));
  if (!user) throw notFound('No such user');
  return tenantUser(user);
}

/** Only a super_admin may hand out or take away super_admin. */
function assertMayAssign(claims: TenantClaims, before: Role[], after: Role[]): void {
  const touchesSuper =
    before.includes('super_admin') !== after.includes('super_admin') || after.includes('super_admin');
  if (touchesSuper) requireAccess(claims, 'roles:assign-super-admin');
}

export interface Invitation {
  email: string;
  displayName: string;
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
): Promise<TenantUser> {
  requireAccess(claims, 'tenant:administer', { tenantId: tenantId });
  assertMayAssign(claims, [], input.roles);
  const { user, send } = await withTenant(ctx.sql, claims, async (tx) => {
    const tenant = await findTenantById(tx, tenantId);
    if (!tenant) throw notFound('No such tenant');
    const user = await insertUser(tx, {
      tenantId,
      email: input.email,
      displayName: input.displayName,
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
  return tenantUser(user);
}

export async function changeRoles(
  ctx: AuthContext,
  claims: TenantClaims,
  tenantId: string,
  userId: string,
  roles: Role[],
  meta: RequestMeta,
): Promise<TenantUser> {
  requireAccess(claims, 'tenant:administer', { tenantId: tenantId });
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
  return tenantUser(user);
}

/** Deactivation ends every session at once; access tokens already issued lapse within their short lifetime. */
export async function deactivateUser(
  ctx: AuthContext,
  claims: TenantClaims,
  tenantId: string,
  userId: string,
  meta: RequestMeta,
): Promise<TenantUser> {
  requireAccess(claims, 'tenant:administer', { tenantId: tenantId });
  if (userId === claims.sub) throw forbidden('You cannot deactivate your own account');
  const user = await withTenant(ctx.sql, claims, async (tx) => {
    const before = await findUserById(tx, tenantId, userId);
    if (!before) throw notFound('No such user');
    assertMayAssign(claims, before.roles, before.roles);
    if (before.status === 'deactivated') return before;
    const after = (await updateUser(tx, tenantId, userId, { status: 'deactivated' }))!;
    const ended = await endUserSessions(ctx, tx, userId, 'user_deactivated');
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
  return tenantUser(user);
}

/** Undoes a deactivation: the user may sign in again (their old sessions stay ended). */
export async function reactivateUser(
  ctx: AuthContext,
  claims: TenantClaims,
  tenantId: string,
  userId: string,
  meta: RequestMeta,
): Promise<TenantUser> {
  requireAccess(claims, 'tenant:administer', { tenantId: tenantId });
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
    // Consumers that keep a user directory (course-service) learn the user is back.
    await ctx.events(tx, {
      type: 'user.authentication.user_reactivated',
      data: {
        userId,
        tenantId,
        status: after.status,
        reactivatedBy: claims.sub,
        reactivatedAt: after.updated_at.toISOString(),
      },
    });
    return after;
  });
  return tenantUser(user);
}

/** A user's live session as a tenant's admin sees it (EduSpry's camelCase API). */
export interface UserSession {
  id: string;
  provider: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
}

/** The user's live sessions, newest first, for the tenant's admins: where they are signed in. */
export async function listUserSessions(
  ctx: AuthContext,
  claims: TenantClaims,
  tenantId: string,
  userId: string,
): Promise<{ items: UserSession[] }> {
  requireAccess(claims, 'tenant:administer', { tenantId });
  const sessions = await withTenant(ctx.sql, claims, async (tx) => {
    if (!(await findUserById(tx, tenantId, userId))) throw notFound('No such user');
    return listLiveTenantUserSessions(tx, tenantId, userId);
  });
  return {
    items: sessions.map((session) => ({
      id: session.id,
      provider: session.provider,
      userAgent: session.user_agent,
      ip: session.ip,
      createdAt: session.created_at.toISOString(),
      // A session never refreshed was last used when it began.
      lastUsedAt: (session.last_refreshed_at ?? session.created_at).toISOString(),
      expiresAt: session.expires_at.toISOString(),
    })),
  };
}

/**
 * An admin signs a user out: of one session (`sessionId`) or of every session. It goes through
 * session-ends.ts like a sign-out, so every verifier refuses the ended sessions' access tokens
 * within seconds. Returns how many sessions ended.
 */
export async function endSessionsOfUser(
  ctx: AuthContext,
  claims: TenantClaims,
  tenantId: string,
  userId: string,
  sessionId: string | undefined,
  meta: RequestMeta,
): Promise<number> {
  requireAccess(claims, 'tenant:administer', { tenantId });
  return withTenant(ctx.sql, claims, async (tx) => {
    const user = await findUserById(tx, tenantId, userId);
    if (!user) throw notFound('No such user');
    // Only a super_admin signs a super_admin out, as only one changes their roles.
    assertMayAssign(claims, user.roles, user.roles);
    if (sessionId) {
      const session = await findSession(tx, sessionId);
      if (!session || session.tenant_id !== tenantId || session.user_id !== userId || session.revoked_at)
        throw notFound('No such session');
      await endSession(ctx, tx, sessionId, 'ended_by_admin');
      await insertAuditEvent(tx, {
        tenantId,
        action: 'session.ended_by_admin',
        actorId: claims.sub,
        subjectId: sessionId,
        ip: meta.ip,
        detail: { userId },
      });
      return 1;
    }
    const ended = await endUserSessions(ctx, tx, userId, 'signed_out_by_admin');
    await insertAuditEvent(tx, {
      tenantId,
      action: 'user.signed_out_by_admin',
      actorId: claims.sub,
      subjectId: userId,
      ip: meta.ip,
      detail: { sessions: ended },
    });
    return ended;
  });
}
