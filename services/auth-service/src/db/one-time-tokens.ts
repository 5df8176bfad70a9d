import type { Tx } from '@eduspry/common';

export type TokenPurpose = 'verify_email' | 'reset_password' | 'invitation';

export async function insertOneTimeToken(
  tx: Tx,
  token: { tenantId: string; userId: string; purpose: TokenPurpose; tokenHash: string; ttlSeconds: number },
): Promise<void> {
  await tx`insert into identity.one_time_tokens (tenant_id, user_id, purpose, token_hash, expires_at)
           values (${token.tenantId}, ${token.userId}, ${token.purpose}, ${token.tokenHash},
                   now() + make_interval(secs => ${token.ttlSeconds}))`;
}

/** Uses the token if it is live: marks it used and returns whose it was; otherwise nothing. */
export async function consumeOneTimeToken(
  tx: Tx,
  purpose: TokenPurpose,
  tokenHash: string,
): Promise<{ tenant_id: string; user_id: string } | undefined> {
  const [row] = await tx<{ tenant_id: string; user_id: string }[]>`
    update identity.one_time_tokens set used_at = now()
    where token_hash = ${tokenHash} and purpose = ${purpose} and used_at is null and expires_at > now()
    returning tenant_id, user_id`;
  return row;
}

/** Other live tokens of the same purpose stop working once one is used or a new one issued. */
export async function voidOneTimeTokens(tx: Tx, userId: string, purpose: TokenPurpose): Promise<void> {
  await tx`update identity.one_time_tokens set used_at = now()
           where user_id = ${userId} and purpose = ${purpose} and used_at is null`;
}

export async function countRecentTokens(
  tx: Tx,
  userId: string,
  purpose: TokenPurpose,
  withinSeconds: number,
): Promise<number> {
  const [row] = await tx<{ n: number }[]>`
    select count(*)::int as n from identity.one_time_tokens
    where user_id = ${userId} and purpose = ${purpose} and created_at > now() - make_interval(secs => ${withinSeconds})`;
  return row?.n ?? 0;
}
