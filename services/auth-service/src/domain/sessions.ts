import {
  asPlatform,
  type HttpProblem,
  notFound,
  type TenantClaims,
  type Tx,
  unauthorized,
  withTenant,
} from '@eduspry/common';
import { insertAuditEvent } from '../db/audit.ts';
import {
  findRefreshTokenForUpdate,
  findSession,
  insertRefreshToken,
  insertSession,
  listLiveSessions,
  markRefreshTokenUsed,
  touchSession,
} from '../db/sessions.ts';
import { clearFailures, findFailures, recordFailure } from '../db/sign-in-failures.ts';
import { findTenantById, findTenantBySlug, type TenantRow } from '../db/tenants.ts';
import { findUserByEmail, findUserById, type UserRow } from '../db/users.ts';
import { problems } from '../problems.ts';
import type { AuthContext, RequestMeta } from './context.ts';
import { FORGET_FAILURES_AFTER_SECONDS, lockSecondsAfter } from './lockout.ts';
import { burnPasswordCheck, verifyPassword } from './passwords.ts';
import { hashToken, newOpaqueToken } from './secrets.ts';
import { endSession, endUserSessions } from './session-ends.ts';
import { type TokenResponse, tokenResponse } from './tokens.ts';

/** OAuth 2.0's `invalid_grant`, as problem+json: the same for every bad credential. */
export const invalidCredentials = () =>
  problems.create('invalid-credentials', 'Invalid email or password', {
    error: 'invalid_grant',
  });
export const invalidRefreshToken = (detail = 'The refresh token is not valid') =>
  problems.create('invalid-refresh-token', detail, { error: 'invalid_grant' });
export const tenantSuspended = () => problems.create('tenant-suspended', 'This organisation is suspended');

/** Opens a session (one refresh-token family) in `tx` and returns the tokens for it. */
export async function startSession(
  ctx: AuthContext,
  tx: Tx,
  user: UserRow,
  tenant: Pick<TenantRow, 'id' | 'slug'>,
  provider: string,
  meta: RequestMeta,
): Promise<() => Promise<TokenResponse>> {
  const session = await insertSession(tx, {
    tenantId: tenant.id,
    userId: user.id,
    provider,
    userAgent: meta.userAgent?.slice(0, 300),
    ip: meta.ip,
    ttlSeconds: ctx.refreshTokenTtlSeconds,
  });
  const refreshToken = newOpaqueToken();
  await insertRefreshToken(tx, {
    tenantId: tenant.id,
    sessionId: session.id,
    tokenHash: hashToken(refreshToken),
  });
  await insertAuditEvent(tx, {
    tenantId: tenant.id,
    action: 'session.started',
    actorId: user.id,
    subjectId: session.id,
    ip: meta.ip,
    detail: { provider },
  });
  // Signing happens after commit: a token is never handed out for a session that did not persist.
  return () => tokenResponse(ctx, user, tenant, { id: session.id, provider }, refreshToken);
}

export interface PasswordSignIn {
  tenant: string;
  email: string;
  password: string;
}

/**
 * Failures of sign-ins to a tenant that does not exist are counted (and audited) under this id,
 * so that branch does exactly the work of the others.
 */
const UNKNOWN_TENANT = '00000000-0000-0000-0000-000000000000';

/**
 * Password sign-in. Unknown tenant, unknown email, inactive account, missing password and
 * wrong password all answer the same and do the same work: the same three lookups, one argon2
 * verification, the same failure record and audit line. Failures per (tenant, email) lock with
 * backoff whether or not the tenant or account exists.
 */
export async function signInWithPassword(
  ctx: AuthContext,
  { tenant: slug, email, password }: PasswordSignIn,
  meta: RequestMeta,
): Promise<TokenResponse> {
  const { tenant, failures, user } = await asPlatform(ctx.sql, 'password sign-in', ctx.log, async (tx) => {
    const tenant = await findTenantBySlug(tx, slug);
    const tenantId = tenant?.id ?? UNKNOWN_TENANT;
    const failures = await findFailures(tx, tenantId, email);
    const user = await findUserByEmail(tx, tenantId, email);
    return { tenant, failures, user };
  });
  const lockedFor = secondsUntil(failures?.locked_until);
  if (lockedFor > 0) throw accountLocked(lockedFor);

  const usable = tenant && user?.status === 'active' && user.password_hash;
  let passwordOk = false;
  if (usable) passwordOk = await verifyPassword(user.password_hash!, password);
  else await burnPasswordCheck(password);
  if (!passwordOk || !tenant) {
    const tenantId = tenant?.id ?? UNKNOWN_TENANT;
    const lock = await asPlatform(ctx.sql, 'record failed sign-in', ctx.log, async (tx) => {
      const row = await recordFailure(tx, tenantId, email, lockSecondsAfter, FORGET_FAILURES_AFTER_SECONDS);
      await insertAuditEvent(tx, {
        tenantId,
        action: 'sign_in.failed',
        subjectId: user?.id,
        ip: meta.ip,
        detail: {
          email: email.toLowerCase(),
          failures: row.failures,
          locked: row.locked_until !== null,
          ...(tenant ? {} : { tenant: slug.slice(0, 100) }),
        },
      });
      return row;
    });
    if (lock.locked_until)
      ctx.log.warn({ tenantId, failures: lock.failures }, 'account locked after failed sign-ins');
    throw invalidCredentials();
  }
  if (tenant.status !== 'active') throw tenantSuspended();
  if (tenant.settings.requireEmailVerification && !user!.email_verified_at)
    throw problems.create('email-not-verified', 'Verify your email address before signing in');

  const issue = await asPlatform(ctx.sql, 'open session after sign-in', ctx.log, async (tx) => {
    await clearFailures(tx, tenant.id, email);
    await insertAuditEvent(tx, {
      tenantId: tenant.id,
      action: 'sign_in.succeeded',
      actorId: user!.id,
      ip: meta.ip,
    });
    return startSession(ctx, tx, user!, tenant, 'password', meta);
  });
  return issue();
}

function secondsUntil(date: Date | null | undefined): number {
  return date ? Math.ceil((date.getTime() - Date.now()) / 1000) : 0;
}

export const accountLocked = (seconds: number) =>
  problems.create('account-locked', 'Too many failed sign-ins: try again later', {
    retryAfter: seconds,
  });

/**
 * Refresh-token rotation: every use returns a new refresh token and spends the old one.
 * Presenting a spent token means two parties hold it, so the whole session is revoked, unless
 * it comes within the reuse interval of its first use: two tabs refreshing at once, or a retry
 * whose answer was lost. That caller gets a refresh token of its own in the same session.
 */
export async function refreshSession(
  ctx: AuthContext,
  refreshToken: string,
  meta: RequestMeta,
): Promise<TokenResponse> {
  type Outcome = { ok: true; issue: () => Promise<TokenResponse> } | { ok: false; problem: HttpProblem };
  const outcome = await asPlatform(
    ctx.sql,
    'refresh token rotation',
    ctx.log,
    async (tx): Promise<Outcome> => {
      const token = await findRefreshTokenForUpdate(
        tx,
        hashToken(refreshToken),
        ctx.refreshTokenReuseIntervalSeconds,
      );
      if (!token) return { ok: false, problem: invalidRefreshToken() };
      const session = await findSession(tx, token.session_id);
      if (!session || session.revoked_at)
        return { ok: false, problem: invalidRefreshToken('The session has ended') };
      if (token.used_at && !token.recently_used) {
        await endSession(ctx, tx, session.id, 'refresh_token_reuse');
        await insertAuditEvent(tx, {
          tenantId: session.tenant_id,
          action: 'refresh_token.reused',
          actorId: session.user_id,
          subjectId: session.id,
          ip: meta.ip,
        });
        ctx.log.warn(
          { tenantId: session.tenant_id, sessionId: session.id },
          'refresh token reuse: session revoked',
        );
        return {
          ok: false,
          problem: invalidRefreshToken('The refresh token was already used: the session is revoked'),
        };
      }
      if (session.expires_at.getTime() <= Date.now())
        return { ok: false, problem: invalidRefreshToken('The session has expired') };
      const tenant = await findTenantById(tx, session.tenant_id);
      if (tenant?.status !== 'active') return { ok: false, problem: tenantSuspended() };
      const user = await findUserById(tx, session.tenant_id, session.user_id);
      if (user?.status !== 'active') {
        await endSession(ctx, tx, session.id, 'user_inactive');
        return { ok: false, problem: invalidRefreshToken('The account is not active') };
      }
      if (!token.used_at) await markRefreshTokenUsed(tx, token.id);
      const next = newOpaqueToken();
      await insertRefreshToken(tx, {
        tenantId: session.tenant_id,
        sessionId: session.id,
        tokenHash: hashToken(next),
      });
      await touchSession(tx, session.id, ctx.refreshTokenTtlSeconds);
      return {
        ok: true,
        issue: () => tokenResponse(ctx, user, tenant, { id: session.id, provider: session.provider }, next),
      };
    },
  );
  if (!outcome.ok) throw outcome.problem;
  return outcome.issue();
}

export type SignOutScope = 'local' | 'global' | 'others';

/** Ends this session (`local`), every session of the user (`global`), or all but this one (`others`). */
export async function signOut(
  ctx: AuthContext,
  claims: TenantClaims,
  scope: SignOutScope,
  meta: RequestMeta,
): Promise<number> {
  return withTenant(ctx.sql, claims, async (tx) => {
    const current = claims.session_id;
    let ended = 0;
    if (scope === 'local') {
      if (current && (await endSession(ctx, tx, current, 'sign_out'))) ended = 1;
    } else {
      ended = await endUserSessions(
        ctx,
        tx,
        claims.sub,
        `sign_out_${scope}`,
        scope === 'others' ? current : undefined,
      );
    }
    await insertAuditEvent(tx, {
      tenantId: claims.app_metadata.tenant_id,
      action: scope === 'local' ? 'sign_out' : `sign_out.${scope}`,
      actorId: claims.sub,
      ip: meta.ip,
      detail: { sessions: ended },
    });
    return ended;
  });
}

export async function listSessions(ctx: AuthContext, claims: TenantClaims) {
  const sessions = await withTenant(ctx.sql, claims, (tx) => listLiveSessions(tx, claims.sub));
  return sessions.map((session) => ({
    id: session.id,
    provider: session.provider,
    user_agent: session.user_agent,
    ip: session.ip,
    created_at: session.created_at.toISOString(),
    last_refreshed_at: session.last_refreshed_at?.toISOString() ?? null,
    expires_at: session.expires_at.toISOString(),
    current: session.id === claims.session_id,
  }));
}

/** Ends one of the caller's own sessions (e.g. a lost phone). */
export async function endOwnSession(
  ctx: AuthContext,
  claims: TenantClaims,
  sessionId: string,
  meta: RequestMeta,
): Promise<void> {
  await withTenant(ctx.sql, claims, async (tx) => {
    const session = await findSession(tx, sessionId);
    if (!session || session.user_id !== claims.sub || session.revoked_at) throw notFound('No such session');
    await endSession(ctx, tx, sessionId, 'ended_by_user');
    await insertAuditEvent(tx, {
      tenantId: claims.app_metadata.tenant_id,
      action: 'session.ended',
      actorId: claims.sub,
      subjectId: sessionId,
      ip: meta.ip,
    });
  });
}

/** The signed-in user, fresh from the database (401 if the account is gone or inactive). */
export async function currentUser(ctx: AuthContext, claims: TenantClaims): Promise<UserRow> {
  const user = await withTenant(ctx.sql, claims, (tx) =>
    findUserById(tx, claims.app_metadata.tenant_id, claims.sub),
  );
  if (!user || user.status === 'deactivated') throw unauthorized('The account is not active');
  return user;
}
