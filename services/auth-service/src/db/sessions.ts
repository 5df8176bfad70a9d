import type { Tx } from '@eduspry/common';

export interface SessionRow {
  id: string;
  tenant_id: string;
  user_id: string;
  provider: string;
  user_agent: string | null;
  ip: string | null;
  created_at: Date;
  last_refreshed_at: Date | null;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_reason: string | null;
}

export async function insertSession(
  tx: Tx,
  session: {
    tenantId: string;
    userId: string;
    provider: string;
    userAgent?: string | undefined;
    ip?: string | undefined;
    ttlSeconds: number;
  },
): Promise<SessionRow> {
  const [row] = await tx<SessionRow[]>`
    insert into identity.sessions (tenant_id, user_id, provider, user_agent, ip, expires_at)
    values (${session.tenantId}, ${session.userId}, ${session.provider}, ${session.userAgent ?? null},
            ${session.ip ?? null}, now() + make_interval(secs => ${session.ttlSeconds}))
    returning *`;
  return row!;
}

export async function insertRefreshToken(
  tx: Tx,
  token: { tenantId: string; sessionId: string; tokenHash: string },
): Promise<void> {
  await tx`insert into identity.refresh_tokens (tenant_id, session_id, token_hash)
           values (${token.tenantId}, ${token.sessionId}, ${token.tokenHash})`;
}

export interface RefreshTokenRow {
  id: string;
  tenant_id: string;
  session_id: string;
  used_at: Date | null;
  /** Used, but no longer ago than the reuse interval (by the database's clock). */
  recently_used: boolean;
}

/** Locks the token's row, so of two concurrent refreshes with it the second sees the first's use. */
export async function findRefreshTokenForUpdate(
  tx: Tx,
  tokenHash: string,
  reuseIntervalSeconds: number,
): Promise<RefreshTokenRow | undefined> {
  const [row] = await tx<RefreshTokenRow[]>`
    select id, tenant_id, session_id, used_at,
      coalesce(used_at > now() - ${reuseIntervalSeconds} * interval '1 second', false) as recently_used
    from identity.refresh_tokens where token_hash = ${tokenHash} for update`;
  return row;
}

export async function markRefreshTokenUsed(tx: Tx, id: string): Promise<void> {
  await tx`update identity.refresh_tokens set used_at = now() where id = ${id}`;
}

export async function findSession(tx: Tx, id: string): Promise<SessionRow | undefined> {
  const [row] = await tx<SessionRow[]>`select * from identity.sessions where id = ${id}`;
  return row;
}

export async function touchSession(tx: Tx, id: string, ttlSeconds: number): Promise<void> {
  await tx`update identity.sessions set last_refreshed_at = now(),
             expires_at = now() + make_interval(secs => ${ttlSeconds}) where id = ${id}`;
}

/** A session that was just revoked: what the session_ended event reports. */
export interface RevokedSessionRow {
  id: string;
  user_id: string;
  tenant_id: string;
}

/** Revokes one session if it is still live; returns it, or undefined when it already had ended. */
export async function revokeSession(
  tx: Tx,
  id: string,
  reason: string,
): Promise<RevokedSessionRow | undefined> {
  const [row] = await tx<RevokedSessionRow[]>`
    update identity.sessions set revoked_at = now(), revoked_reason = ${reason}
    where id = ${id} and revoked_at is null returning id, user_id, tenant_id`;
  return row;
}

/** Revokes every live session of a user but `except`; returns the sessions revoked. */
export async function revokeUserSessions(
  tx: Tx,
  userId: string,
  reason: string,
  except?: string,
): Promise<RevokedSessionRow[]> {
  return tx<RevokedSessionRow[]>`
    update identity.sessions set revoked_at = now(), revoked_reason = ${reason}
    where user_id = ${userId} and revoked_at is null and id <> ${except ?? '00000000-0000-0000-0000-000000000000'}
    returning id, user_id, tenant_id`;
}

export async function listLiveSessions(tx: Tx, userId: string): Promise<SessionRow[]> {
  return tx<SessionRow[]>`select * from identity.sessions
                          where user_id = ${userId} and revoked_at is null and expires_at > now()
                          order by created_at desc`;
}

/** A user's live sessions within one tenant (the tenant named too: super_admin's RLS crosses tenants). */
export async function listLiveTenantUserSessions(
  tx: Tx,
  tenantId: string,
  userId: string,
): Promise<SessionRow[]> {
  return tx<SessionRow[]>`select * from identity.sessions
                          where tenant_id = ${tenantId} and user_id = ${userId}
                            and revoked_at is null and expires_at > now()
                          order by created_at desc`;
}
