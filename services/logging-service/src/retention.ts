import { asPlatform, type PlatformLogger, type Sql } from '@eduspry/common';
import { deleteExpiredLines, dropDayPartitionsBefore, listRetentionPolicies } from './db/log-entries.ts';
import { partitionCutoffDay } from './domain/log-records.ts';

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
