import type { Sql } from '@eduspry/common';

/** What every analytics-service use case needs. */
export interface AnalyticsContext {
  sql: Sql;
  log: { info(fields: Record<string, unknown>, message: string): void };
  now: () => Date;
}
