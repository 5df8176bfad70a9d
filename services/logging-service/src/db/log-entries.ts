import type { Sql, Tx } from '@eduspry/common';
import type { Cursor, Level, LogRecord, RetentionPolicy } from '../domain/log-records.ts';

/** Inserts a batch in one statement: all of it or, on any error, none of it. */
export async function insertLogRecords(tx: Tx | Sql, records: LogRecord[]): Promise<number> {
  if (records.length === 0) return 0;
  const rows = records.map((r) => ({
    ts: r.ts.toISOString(),
    level: r.level,
    severity: r.severity,
    service: r.service,
    component: r.component,
    trace_id: r.traceId,
    span_id: r.spanId,
    tenant_id: r.tenantId,
    tenant_name: r.tenantName,
    user_id: r.userId,
    session_id: r.sessionId,
    message: r.message,
    context: r.context,
    tags: r.tags,
    metrics: r.metrics,
    environment: r.environment,
  }));
  const result = await tx`
    insert into logging.log_entries (ts, level, severity, service, component, trace_id, span_id, tenant_id,
      tenant_name, user_id, session_id, message, context, tags, metrics, environment)
    select ts, level, severity, service, component, trace_id, span_id, tenant_id,
      tenant_name, user_id, session_id, message, context, coalesce(tags, '{}'), metrics, environment
    from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb) as r(
      ts timestamptz, level text, severity smallint, service text, component text, trace_id text, span_id text,
      tenant_id uuid, tenant_name text, user_id text, session_id text, message text, context jsonb,
      tags text[], metrics jsonb, environment text)`;
  return result.count;
}

/** Creates the day partitions (UTC, `YYYY-MM-DD`) that do not exist yet. */
export async function ensureDayPartitions(sql: Sql | Tx, firstDay: string, lastDay: string): Promise<number> {
  const [row] = await sql<{ created: number }[]>`
    select logging.ensure_day_partitions(${firstDay}::date, ${lastDay}::date) as created`;
  return row!.created;
}

export async function dropDayPartitionsBefore(sql: Sql | Tx, day: string): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`select logging.drop_day_partitions_before(${day}::date) as name`;
  return rows.map((row) => row.name);
}

export interface LogSearch {
  from: Date;
  to: Date;
  tenantId?: string;
  service?: string;
  minSeverity?: number;
  traceId?: string;
  text?: string;
  after?: Cursor;
  limit: number;
}

export interface StoredLogLine {
  id: string;
  tsMicros: string;
  timestamp: string;
  level: Level;
  service: string;
  component: string | null;
  traceId: string | null;
  spanId: string | null;
  tenantId: string;
  tenantName: string | null;
  userId: string | null;
  sessionId: string | null;
  message: string;
  context: Record<string, unknown>;
  tags: string[];
  metrics: Record<string, number>;
  environment: string;
}

/**
 * Newest first, keyset-paginated on (ts, id), through `logging.search_log_entries`: under
 * withTenant it applies the table's tenant rules from the caller's claims, and unlike a query
 * under RLS it can use the tenant + full-text index (see its migration).
 */
export async function searchLogLines(tx: Tx, search: LogSearch): Promise<StoredLogLine[]> {
  const afterTs = search.after
    ? tx`timestamptz 'epoch' + ${search.after.tsMicros}::bigint * interval '1 microsecond'`
    : tx`null`;
  return tx<StoredLogLine[]>`
    select id::text as id, (extract(epoch from ts) * 1000000)::bigint::text as "tsMicros",
      to_char(ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as timestamp,
      level, service, component, trace_id as "traceId", span_id as "spanId", tenant_id as "tenantId",
      tenant_name as "tenantName", user_id as "userId", session_id as "sessionId", message, context, tags,
      metrics, environment
    from logging.search_log_entries(
      ${search.from}, ${search.to}, ${search.tenantId ?? null}::uuid, ${search.service ?? null},
      ${search.minSeverity ?? null}::smallint, ${search.traceId ?? null}, ${search.text ?? null},
      ${afterTs}, ${search.after?.id ?? null}::bigint, ${search.limit})
    order by ts desc, id desc`;
}

export async function listRetentionPolicies(tx: Tx | Sql): Promise<RetentionPolicy[]> {
  return tx<RetentionPolicy[]>`
    select tenant_id as "tenantId", level, retain_days as "retainDays" from logging.retention_policies
    order by tenant_id nulls first, level`;
}

export async function upsertRetentionPolicy(tx: Tx, policy: RetentionPolicy): Promise<void> {
  await tx`
    insert into logging.retention_policies (tenant_id, level, retain_days)
    values (${policy.tenantId}, ${policy.level}, ${policy.retainDays})
    on conflict (tenant_id, level) do update set retain_days = excluded.retain_days, updated_at = now()`;
}

/**
 * Deletes lines past their tenant's (or the platform default) retention for their level, in
 * the partitions still kept: one indexed delete per policy, never a scan for distinct tenants.
 */
export async function deleteExpiredLines(tx: Tx | Sql, now: Date): Promise<number> {
  const policies = await listRetentionPolicies(tx);
  let deleted = 0;
  for (const policy of policies) {
    const cutoff = new Date(now.getTime() - policy.retainDays * 86_400_000);
    const overriding = policies
      .filter((other) => other.tenantId !== null && other.level === policy.level)
      .map((other) => other.tenantId as string);
    const result =
      policy.tenantId === null
        ? await tx`delete from logging.log_entries where level = ${policy.level} and ts < ${cutoff}
            and tenant_id <> all(${overriding}::uuid[])`
        : await tx`delete from logging.log_entries where level = ${policy.level} and ts < ${cutoff}
            and tenant_id = ${policy.tenantId}`;
    deleted += result.count;
  }
  return deleted;
}
