import {
  asPlatform,
  cacheLookupsTotal,
  metricsRegistry,
  type PlatformLogger,
  type Sql,
  type TenantClaims,
  withTenant,
} from '@eduspry/common';
import client from 'prom-client';
import type { LogSink } from '../adapters/log-sink.ts';
import { ensureDayPartitions, insertLogRecords, listRetentionPolicies } from '../db/log-entries.ts';
import { problems } from '../problems.ts';
import { requireAccess } from './access.ts';
import {
  daysOf,
  InvalidLogLine,
  type LogRecord,
  MAX_BATCH_LINES,
  oldestAccepted,
  type RetentionPolicy,
  toLogRecord,
} from './log-records.ts';

const linesIngested = new client.Counter({
  name: 'logging_lines_ingested_total',
  help: 'Log lines stored, by transport (http, kafka)',
  labelNames: ['transport'] as const,
  registers: [metricsRegistry],
});
const linesRejected = new client.Counter({
  name: 'logging_lines_rejected_total',
  help: 'Log lines refused as invalid, by transport',
  labelNames: ['transport'] as const,
  registers: [metricsRegistry],
});
const sinkFailures = new client.Counter({
  name: 'logging_sink_failures_total',
  help: 'Batches a secondary sink (e.g. Elasticsearch) failed to take',
  labelNames: ['sink'] as const,
  registers: [metricsRegistry],
});

export interface Ingestor {
  /** Validates raw lines against retention and shape; throws InvalidLogLine for the first bad one. */
  parse(lines: unknown[], now?: Date): Promise<LogRecord[]>;
  /** Stores records in one transaction, as the caller (RLS applies) or as the platform. */
  store(
    records: LogRecord[],
    as: { claims: TenantClaims } | { platform: string },
    transport: string,
  ): Promise<number>;
  rejected(transport: string, count: number): void;
}

const POLICY_CACHE_MS = 60_000;

/**
 * The one path every line takes into storage, whatever carried it: day partitions first (a
 * narrow security-definer function), then a single insert, then any secondary sinks, whose
 * failure is counted and logged but never loses what Postgres already holds.
 */
export function createIngestor({
  sql,
  log,
  sinks = [],
}: {
  sql: Sql;
  log: PlatformLogger & { error(fields: Record<string, unknown>, message: string): void };
  sinks?: LogSink[];
}): Ingestor {
  const knownDays = new Set<string>();
  let policies: { value: RetentionPolicy[]; loadedAt: number } | undefined;

  async function currentPolicies(): Promise<RetentionPolicy[]> {
    const fresh = !!policies && Date.now() - policies.loadedAt <= POLICY_CACHE_MS;
    cacheLookupsTotal.inc({
      service: 'logging-service',
      cache: 'retention-policies',
      result: fresh ? 'hit' : 'miss',
    });
    if (!fresh) policies = { value: await listRetentionPolicies(sql), loadedAt: Date.now() };
    return policies!.value;
  }

  async function ensurePartitions(records: LogRecord[]): Promise<void> {
    const missing = daysOf(records).filter((day) => !knownDays.has(day));
    if (missing.length === 0) return;
    await ensureDayPartitions(sql, missing[0]!, missing.at(-1)!);
    for (const day of missing) knownDays.add(day);
  }

  return {
    async parse(lines, now = new Date()) {
      const oldest = oldestAccepted(await currentPolicies(), now);
      return lines.map((line, index) => toLogRecord(line, index, now, oldest));
    },
    async store(records, as, transport) {
      if (records.length === 0) return 0;
      await ensurePartitions(records);
      const stored =
        'claims' in as
          ? await withTenant(sql, as.claims, (tx) => insertLogRecords(tx, records))
          : await asPlatform(sql, as.platform, log, (tx) => insertLogRecords(tx, records));
      linesIngested.inc({ transport }, stored);
      await Promise.all(
        sinks.map((sink) =>
          sink.write(records).catch((error: unknown) => {
            sinkFailures.inc({ sink: sink.name });
            log.error({ err: error, sink: sink.name, lines: records.length }, 'secondary log sink failed');
          }),
        ),
      );
      return stored;
    },
    rejected(transport, count) {
      linesRejected.inc({ transport }, count);
    },
  };
}

/**
 * POST /logs/batch's use case: the batch is stored whole or not at all, and one bad or foreign
 * line refuses all of it (counted as rejected, a foreign one as a security event).
 */
export async function ingestBatch(
  ingestor: Ingestor,
  claims: TenantClaims,
  lines: unknown[],
): Promise<number> {
  if (lines.length > MAX_BATCH_LINES)
    throw problems.create(
      'batch-too-large',
      `A batch holds at most ${MAX_BATCH_LINES} lines, got ${lines.length}`,
    );
  let records: LogRecord[];
  try {
    records = await ingestor.parse(lines);
  } catch (error) {
    if (!(error instanceof InvalidLogLine)) throw error;
    ingestor.rejected('http', lines.length);
    throw problems.create('bad-request', error.message, { line: error.index, field: error.field });
  }
  try {
    requireAccess(claims, 'logs:write', { records });
  } catch (error) {
    ingestor.rejected('http', lines.length);
    throw error;
  }
  return ingestor.store(records, { claims }, 'http');
}
