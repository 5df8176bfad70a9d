import { createClient } from '@supabase/supabase-js';
import type { LogEvent, LogEventsPorts } from './handler.ts';

const SEVERITY = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

/**
 * Supabase adapter: one PostgREST insert (one statement, so all rows or none) into
 * logging.log_entries with the service-role key, after making sure the day partitions exist.
 * The tenant check already happened in the handler. Needs `logging` in the API's exposed schemas.
 */
export function supabaseWriter(options: {
  url: string;
  serviceRoleKey: string;
  fetch?: typeof fetch;
}): LogEventsPorts['writeEvents'] {
  const supabase = createClient(options.url, options.serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    db: { schema: 'logging' },
    ...(options.fetch ? { global: { fetch: options.fetch } } : {}),
  });
  return async (events: LogEvent[]) => {
    const days = events.map((event) => event.timestamp.slice(0, 10)).sort();
    const partitions = await supabase.rpc('ensure_day_partitions', {
      first_day: days[0],
      last_day: days.at(-1),
    });
    if (partitions.error) throw new Error(`ensure_day_partitions failed: ${partitions.error.message}`);
    const { error } = await supabase.from('log_entries').insert(
      events.map((event) => ({
        ts: event.timestamp,
        level: event.level,
        severity: SEVERITY[event.level],
        service: event.service,
        component: event.component,
        trace_id: event.traceId,
        span_id: event.spanId,
        tenant_id: event.tenantId,
        tenant_name: event.tenantName,
        user_id: event.userId,
        session_id: event.sessionId,
        message: event.message,
        context: event.context,
        tags: event.tags,
        metrics: event.metrics,
        environment: event.environment,
      })),
    );
    if (error) throw new Error(`insert into log_entries failed: ${error.message}`);
  };
}

/**
 * Self-hosted adapter: hands the batch to logging-service's all-or-nothing batch endpoint as
 * the caller (their token), so the service checks the tenant again and RLS applies to the insert.
 */
export function selfHostedWriter(options: {
  loggingServiceUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): LogEventsPorts['writeEvents'] {
  const send = options.fetch ?? fetch;
  const endpoint = new URL('/logs/batch', options.loggingServiceUrl);
  return async (events, { token }) => {
    const response = await send(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ lines: events }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    if (!response.ok)
      throw Object.assign(
        new Error(`logging-service answered ${response.status}: ${await response.text()}`),
        {
          status: response.status,
        },
      );
    await response.body?.cancel();
  };
}
