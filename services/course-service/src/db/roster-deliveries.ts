import type { Tx } from '@eduspry/common';

const RETENTION = '30 days';

/**
 * Takes the key for this transaction: true for the first delivery of it. A concurrent one waits
 * here until the first commits (then false) or rolls back (then true: it applies instead).
 */
export async function claimRosterDelivery(tx: Tx, tenantId: string, key: string): Promise<boolean> {
  await tx`
    delete from course.roster_deliveries
    where tenant_id = ${tenantId} and received_at < now() - ${RETENTION}::interval`;
  const claimed = await tx`
    insert into course.roster_deliveries (tenant_id, idempotency_key) values (${tenantId}, ${key})
    on conflict do nothing returning 1`;
  return claimed.length === 1;
}

export async function rosterDeliveryResult<T>(tx: Tx, tenantId: string, key: string): Promise<T | null> {
  const [row] = await tx<{ result: T | null }[]>`
    select result from course.roster_deliveries where tenant_id = ${tenantId} and idempotency_key = ${key}`;
  return row?.result ?? null;
}

export async function recordRosterDelivery(tx: Tx, tenantId: string, key: string, result: unknown) {
  await tx`
    update course.roster_deliveries set result = ${tx.json(result as never)}
    where tenant_id = ${tenantId} and idempotency_key = ${key}`;
}
