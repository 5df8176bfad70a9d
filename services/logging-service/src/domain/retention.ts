import { asPlatform, type PlatformLogger, type Sql, type TenantClaims, withTenant } from '@eduspry/common';
import {
  deleteExpiredLines,
  dropDayPartitionsBefore,
  listRetentionPolicies,
  upsertRetentionPolicy,
} from '../db/log-entries.ts';
import { requireAccess } from './access.ts';
import { partitionCutoffDay, type RetentionPolicy } from './log-records.ts';

export interface RetentionResult {
  droppedPartitions: string[];
  deletedLines: number;
}

/**
 * Whole day partitions past the longest retention go with DROP TABLE (instant, no bloat); lines
 * whose tenant or level keeps them shorter are deleted from the partitions that stay.
 */
export async function applyRetention(
  sql: Sql,
  log: PlatformLogger,
  now = new Date(),
): Promise<RetentionResult> {
  return asPlatform(sql, 'log retention across tenants', log, async (tx) => {
    const policies = await listRetentionPolicies(tx);
    const droppedPartitions = await dropDayPartitionsBefore(tx, partitionCutoffDay(policies, now));
    const deletedLines = await deleteExpiredLines(tx, now);
    return { droppedPartitions, deletedLines };
  });
}

/** The policies the caller may see: the platform defaults and their own tenant's (RLS decides). */
export async function retentionPolicies(sql: Sql, claims: TenantClaims): Promise<RetentionPolicy[]> {
  requireAccess(claims, 'retention:read');
  return withTenant(sql, claims, (tx) => listRetentionPolicies(tx));
}

/** Sets how long one level's lines are kept for a tenant (or by default, `tenantId: null`). */
export async function setRetentionPolicy(
  sql: Sql,
  claims: TenantClaims,
  policy: RetentionPolicy,
): Promise<RetentionPolicy> {
  requireAccess(claims, 'retention:write', { tenantId: policy.tenantId });
  await withTenant(sql, claims, (tx) => upsertRetentionPolicy(tx, policy));
  return policy;
}
