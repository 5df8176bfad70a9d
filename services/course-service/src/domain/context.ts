import { type Sql, type TenantClaims, type Tx, withTenant } from '@eduspry/common';
import type { CourseEvents } from '../events.ts';

/** What every course use case needs: the service's pool and where its events go. */
export interface CourseContext {
  sql: Sql;
  events: CourseEvents;
}

/** Read-only use cases need no event sink. */
export type ReadContext = Pick<CourseContext, 'sql'>;

export interface CallOptions {
  /** The caller's remaining deadline (gRPC), applied as the transaction's statement_timeout. */
  timeoutMs?: number | undefined;
}

/** A use case's transaction under the caller's claims (RLS), bounded by the caller's deadline. */
export function inTenant<T>(
  ctx: ReadContext,
  claims: TenantClaims,
  work: (tx: Tx) => Promise<T>,
  { timeoutMs }: CallOptions = {},
): Promise<T> {
  return withTenant(ctx.sql, claims, async (tx) => {
    if (timeoutMs !== undefined)
      await tx`select set_config('statement_timeout', ${String(Math.max(1, Math.floor(timeoutMs)))}, true)`;
    return work(tx);
  });
}
