import 'server-only';
import { UUID } from './forms';
import { api, query } from './gateway';

/** logging-service's levels, lowest first (its `level` filter is a minimum). */
export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Level = (typeof LEVELS)[number];

export interface LogLine {
  id: string;
  timestamp: string;
  level: Level;
  service: string;
  traceId: string | null;
  tenantId: string;
  message: string;
}

export interface LogFilters {
  level?: Level;
  service?: string;
  q?: string;
  from?: string;
  to?: string;
  traceId?: string;
  tenantId?: string;
  cursor?: string;
}

/** `<input type="datetime-local">`'s value; the portal's time zone is UTC (i18n/request.ts). */
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const SERVICE = /^[a-z0-9][a-z0-9-]{0,99}$/;
const TRACE_ID = /^[0-9a-f]{32}$/;
const CURSOR = /^[A-Za-z0-9_-]{1,100}$/;
const MAX_DAYS = 31;
export const PAGE = 50;

const toIso = (local: string) => new Date(`${local.length === 16 ? `${local}:00` : local}Z`);

/** The address bar's filters that are well formed; the rest come back as field errors. */
export function parseLogFilters(params: Record<string, string | undefined>, superAdmin: boolean) {
  const filters: LogFilters = {};
  const errors: Record<string, string> = {};
  const value = (name: string) => (params[name] ?? '').trim();
  const level = value('level');
  if (level) {
    if ((LEVELS as readonly string[]).includes(level)) filters.level = level as Level;
    else errors.level = 'choice';
  }
  const service = value('service');
  if (service) {
    if (SERVICE.test(service)) filters.service = service;
    else errors.service = 'service';
  }
  const q = value('q');
  if (q) {
    if (q.length <= 500) filters.q = q;
    else errors.q = 'tooLong';
  }
  const traceId = value('traceId').toLowerCase();
  if (traceId) {
    if (TRACE_ID.test(traceId)) filters.traceId = traceId;
    else errors.traceId = 'traceId';
  }
  for (const name of ['from', 'to'] as const) {
    const time = value(name);
    if (!time) continue;
    if (LOCAL_TIME.test(time) && !Number.isNaN(toIso(time).getTime())) filters[name] = time;
    else errors[name] = 'dateTime';
  }
  if (filters.from && filters.to && !errors.to) {
    const span = toIso(filters.to).getTime() - toIso(filters.from).getTime();
    if (span <= 0) errors.to = 'dateOrder';
    else if (span > MAX_DAYS * 86_400_000) errors.to = 'range';
  }
  const tenantId = value('tenantId');
  // Only the super admin picks a tenant; a tenant admin always searches their own.
  if (tenantId && superAdmin) {
    if (UUID.test(tenantId)) filters.tenantId = tenantId;
    else errors.tenantId = 'choice';
  }
  const cursor = value('cursor');
  if (cursor && CURSOR.test(cursor)) filters.cursor = cursor;
  return { filters, errors };
}

/** One page of lines, newest first, and the cursor of the next (older) page. */
export async function searchLogs(filters: LogFilters) {
  const { from, to, ...rest } = filters;
  return api<{ lines: LogLine[]; nextCursor: string | null }>(
    'GET',
    `logging-service/logs${query({
      ...rest,
      from: from ? toIso(from).toISOString() : undefined,
      to: to ? toIso(to).toISOString() : undefined,
      limit: PAGE,
    })}`,
  );
}
