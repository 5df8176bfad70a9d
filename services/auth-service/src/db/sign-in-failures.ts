import type { Tx } from '@eduspry/common';

export interface FailureRow {
  failures: number;
  locked_until: Date | null;
}

export async function findFailures(tx: Tx, tenantId: string, email: string): Promise<FailureRow | undefined> {
  const [row] = await tx<FailureRow[]>`
    select failures, locked_until from identity.sign_in_failures
    where tenant_id = ${tenantId} and email = lower(${email})`;
  return row;
}

/** Counts a failure; `lockSeconds(failures)` says how long the account is then locked (0: not). */
export async function recordFailure(
  tx: Tx,
  tenantId: string,
  email: string,
  lockSeconds: (failures: number) => number,
  forgetAfterSeconds: number,
): Promise<FailureRow> {
  const [row] = await tx<{ failures: number }[]>`
    insert into identity.sign_in_failures (tenant_id, email, failures, last_failed_at)
    values (${tenantId}, lower(${email}), 1, now())
    on conflict (tenant_id, email) do update set
      failures = case when sign_in_failures.last_failed_at < now() - make_interval(secs => ${forgetAfterSeconds})
                      then 1 else sign_in_failures.failures + 1 end,
      last_failed_at = now()
    returning failures`;
  const failures = row!.failures;
  const seconds = lockSeconds(failures);
  const [locked] = await tx<{ locked_until: Date | null }[]>`
    update identity.sign_in_failures
    set locked_until = case when ${seconds} > 0 then now() + make_interval(secs => ${seconds}) else null end
    where tenant_id = ${tenantId} and email = lower(${email})
    returning locked_until`;
  return { failures, locked_until: locked!.locked_until };
}

export async function clearFailures(tx: Tx, tenantId: string, email: string): Promise<void> {
  await tx`delete from identity.sign_in_failures where tenant_id = ${tenantId} and email = lower(${email})`;
}
