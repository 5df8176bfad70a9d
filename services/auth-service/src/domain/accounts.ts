import { asPlatform, conflict, forbidden, notFound, type Tx } from '@eduspry/common';
import { primaryRole, type RegistrationMethod } from '@eduspry/contracts';
import { insertAuditEvent } from '../db/audit.ts';
import {
  consumeOneTimeToken,
  countRecentTokens,
  insertOneTimeToken,
  type TokenPurpose,
  voidOneTimeTokens,
} from '../db/one-time-tokens.ts';
import { clearFailures } from '../db/sign-in-failures.ts';
import { findTenantById, findTenantBySlug, type TenantRow } from '../db/tenants.ts';
import { findUserByEmail, findUserById, insertUser, type UserRow, updateUser } from '../db/users.ts';
import { problems } from '../problems.ts';
import type { AuthContext, RequestMeta } from './context.ts';
import { hashPassword, passwordPolicyViolation } from './passwords.ts';
import { hashToken, newOpaqueToken } from './secrets.ts';
import { endUserSessions } from './session-ends.ts';
import { startSession, tenantSuspended } from './sessions.ts';
import { type PublicUser, publicUser, type TokenResponse } from './tokens.ts';

export const TOKEN_TTL_SECONDS: Record<TokenPurpose, number> = {
  verify_email: 24 * 3600,
  reset_password: 3600,
  invitation: 7 * 24 * 3600,
};
/** Reset mails per account and hour: more are silently not sent. */
export const RESETS_PER_HOUR = 3;

/** 400 naming the field, like schema validation does, for rules a schema cannot state. */
export function assertPasswordPolicy(password: string, email?: string, field = 'body.password'): void {
  const violation = passwordPolicyViolation(password, email);
  if (violation) throw problems.create('validation', `${field} ${violation}`, { field });
}

/** Creates a single-use token for `user` and mails the link; earlier live tokens of that purpose stop working. */
export async function issueMailedToken(
  ctx: AuthContext,
  tx: Tx,
  user: Pick<UserRow, 'id' | 'tenant_id' | 'email' | 'display_name'>,
  tenant: Pick<TenantRow, 'name' | 'slug'>,
  purpose: TokenPurpose,
): Promise<() => Promise<void>> {
  const token = newOpaqueToken();
  await voidOneTimeTokens(tx, user.id, purpose);
  await insertOneTimeToken(tx, {
    tenantId: user.tenant_id,
    userId: user.id,
    purpose,
    tokenHash: hashToken(token),
    ttlSeconds: TOKEN_TTL_SECONDS[purpose],
  });
  const path = {
    verify_email: 'verify-email',
    reset_password: 'reset-password',
    invitation: 'accept-invitation',
  }[purpose];
  const link = `${ctx.publicAppUrl}/${path}?token=${encodeURIComponent(token)}&tenant=${tenant.slug}`;
  const hours = TOKEN_TTL_SECONDS[purpose] / 3600;
  const subject = {
    verify_email: `Verify your email for ${tenant.name}`,
    reset_password: `Reset your ${tenant.name} password`,
    invitation: `You are invited to ${tenant.name} on EduSpry`,
  }[purpose];
  const text = [
    `Hello ${user.display_name},`,
    '',
    {
      verify_email: 'Confirm your email address:',
      reset_password: 'Choose a new password:',
      invitation: 'Accept your invitation and choose a password:',
    }[purpose],
    link,
    '',
    `The link works once and expires in ${hours} hours. If you did not expect this mail, ignore it.`,
  ].join('\n');
  // Sent after commit by the caller, so a mail never points at a token that was rolled back.
  return () =>
    ctx.mailer.send({
      to: user.email,
      subject,
      text,
      kind: purpose,
      data: { link, token, tenant: tenant.slug },
    });
}

export interface Registration {
  tenant: string;
  email: string;
  password: string;
  display_name: string;
}

/** Self-registration, where the tenant allows it: a student account, email still to verify. */
export async function register(
  ctx: AuthContext,
  input: Registration,
  meta: RequestMeta,
): Promise<PublicUser> {
  assertPasswordPolicy(input.password, input.email);
  const passwordHash = await hashPassword(input.password);
  const { user, send } = await asPlatform(ctx.sql, 'self-registration', ctx.log, async (tx) => {
    const tenant = await findTenantBySlug(tx, input.tenant);
    if (!tenant) throw notFound(`No tenant ${input.tenant}`);
    if (tenant.status !== 'active') throw tenantSuspended();
    if (!tenant.settings.selfRegistration)
      throw forbidden(
        'This organisation does not allow self-registration: ask an administrator for an invitation',
      );
    const user = await insertUser(tx, {
      tenantId: tenant.id,
      email: input.email,
      displayName: input.display_name,
      passwordHash,
      roles: ['student'],
      status: 'active',
      emailVerified: false,
    });
    if (!user) throw conflict('An account with this email already exists');
    await insertAuditEvent(tx, {
      tenantId: tenant.id,
      action: 'user.registered',
      actorId: user.id,
      subjectId: user.id,
      ip: meta.ip,
      detail: { via: 'self_registration' },
    });
    await ctx.events(tx, {
      type: 'user.authentication.user_registered',
      data: registeredEvent(user, 'password'),
    });
    return { user, send: await issueMailedToken(ctx, tx, user, tenant, 'verify_email') };
  });
  await send();
  return publicUser(user);
}

export async function verifyEmail(ctx: AuthContext, token: string, meta: RequestMeta): Promise<PublicUser> {
  const user = await asPlatform(ctx.sql, 'email verification', ctx.log, async (tx) => {
    const owner = await consumeOneTimeToken(tx, 'verify_email', hashToken(token));
    if (!owner) throw badTokenProblem();
    const user = await updateUser(tx, owner.tenant_id, owner.user_id, { emailVerified: true });
    await insertAuditEvent(tx, {
      tenantId: owner.tenant_id,
      action: 'user.email_verified',
      actorId: owner.user_id,
      subjectId: owner.user_id,
      ip: meta.ip,
    });
    return user!;
  });
  return publicUser(user);
}

/** Sends a new verification mail to the signed-in user. */
export async function resendVerification(ctx: AuthContext, tenantId: string, userId: string): Promise<void> {
  const send = await asPlatform(ctx.sql, 'resend verification mail', ctx.log, async (tx) => {
    const user = await findUserById(tx, tenantId, userId);
    const tenant = await findTenantById(tx, tenantId);
    if (!user || !tenant) throw notFound('No such user');
    if (user.email_verified_at) return undefined;
    if ((await countRecentTokens(tx, user.id, 'verify_email', 3600)) >= RESETS_PER_HOUR) return undefined;
    return issueMailedToken(ctx, tx, user, tenant, 'verify_email');
  });
  await send?.();
}

/** user_registered's data: who (by name too, for course staff), in which role, and how the account came to be. */
export function registeredEvent(user: UserRow, registrationMethod: RegistrationMethod) {
  return {
    userId: user.id,
    tenantId: user.tenant_id,
    email: user.email,
    roles: user.roles,
    registeredAt: user.created_at.toISOString(),
    role: primaryRole(user.roles),
    registrationMethod,
    displayName: user.display_name,
  };
}

export const badTokenProblem = () =>
  problems.create('invalid-token', 'The link is invalid, expired or was already used');

/**
 * Always answers the same, whether or not the account exists; at most RESETS_PER_HOUR mails
 * per account and hour reach the inbox.
 */
export async function requestPasswordReset(
  ctx: AuthContext,
  input: { tenant: string; email: string },
  meta: RequestMeta,
): Promise<void> {
  const send = await asPlatform(ctx.sql, 'password reset request', ctx.log, async (tx) => {
    const tenant = await findTenantBySlug(tx, input.tenant);
    if (tenant?.status !== 'active') return undefined;
    const user = await findUserByEmail(tx, tenant.id, input.email);
    await insertAuditEvent(tx, {
      tenantId: tenant.id,
      action: 'password_reset.requested',
      subjectId: user?.id,
      ip: meta.ip,
      detail: { email: input.email.toLowerCase(), known: Boolean(user) },
    });
    if (user?.status !== 'active') return undefined;
    if ((await countRecentTokens(tx, user.id, 'reset_password', 3600)) >= RESETS_PER_HOUR) return undefined;
    return issueMailedToken(ctx, tx, user, tenant, 'reset_password');
  });
  await send?.();
}

/** Sets a new password from a reset link; every session of the account ends. */
export async function resetPassword(
  ctx: AuthContext,
  input: { token: string; password: string },
  meta: RequestMeta,
): Promise<void> {
  assertPasswordPolicy(input.password);
  const passwordHash = await hashPassword(input.password);
  await asPlatform(ctx.sql, 'password reset', ctx.log, async (tx) => {
    const owner = await consumeOneTimeToken(tx, 'reset_password', hashToken(input.token));
    if (!owner) throw badTokenProblem();
    const user = await findUserById(tx, owner.tenant_id, owner.user_id);
    if (user?.status !== 'active') throw badTokenProblem();
    assertPasswordPolicy(input.password, user.email);
    // A reset link proves control of the mailbox, so the email counts as verified too.
    await updateUser(tx, owner.tenant_id, owner.user_id, { passwordHash, emailVerified: true });
    const ended = await endUserSessions(ctx, tx, owner.user_id, 'password_reset');
    await clearFailures(tx, owner.tenant_id, user.email);
    await insertAuditEvent(tx, {
      tenantId: owner.tenant_id,
      action: 'password_reset.completed',
      actorId: owner.user_id,
      subjectId: owner.user_id,
      ip: meta.ip,
      detail: { sessionsEnded: ended },
    });
  });
}

/** An invited user chooses a password: the account becomes active and they are signed in. */
export async function acceptInvitation(
  ctx: AuthContext,
  input: { token: string; password: string },
  meta: RequestMeta,
): Promise<TokenResponse> {
  assertPasswordPolicy(input.password);
  const passwordHash = await hashPassword(input.password);
  const issue = await asPlatform(ctx.sql, 'accept invitation', ctx.log, async (tx) => {
    const owner = await consumeOneTimeToken(tx, 'invitation', hashToken(input.token));
    if (!owner) throw badTokenProblem();
    const tenant = await findTenantById(tx, owner.tenant_id);
    if (tenant?.status !== 'active') throw tenantSuspended();
    const invited = await findUserById(tx, owner.tenant_id, owner.user_id);
    if (invited?.status !== 'invited') throw badTokenProblem();
    assertPasswordPolicy(input.password, invited.email);
    const user = await updateUser(tx, owner.tenant_id, owner.user_id, {
      passwordHash,
      status: 'active',
      emailVerified: true,
    });
    await ctx.events(tx, {
      type: 'user.authentication.user_registered',
      data: registeredEvent(user!, 'invitation'),
    });
    await insertAuditEvent(tx, {
      tenantId: tenant.id,
      action: 'invitation.accepted',
      actorId: user!.id,
      subjectId: user!.id,
      ip: meta.ip,
    });
    return startSession(ctx, tx, user!, tenant, 'password', meta);
  });
  return issue();
}
