import { type Sql, type TenantClaims, withTenant } from '@eduspry/common';
import { searchLogLines } from '../db/log-entries.ts';
import { problems } from '../problems.ts';
import { requireAccess } from './access.ts';
import { decodeCursor, encodeCursor, type Level, SEVERITY } from './log-records.ts';

const DAY_MS = 86_400_000;
export const MAX_RANGE_DAYS = 31;

export interface LogQuery {
  from?: string | undefined;
  to?: string | undefined;
  tenantId?: string | undefined;
  service?: string | undefined;
  level?: Level | undefined;
  traceId?: string | undefined;
  q?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

/**
 * Newest first, filtered by time range (default: the last 24 hours), tenant, service, minimum
 * level, trace id and words of the message, paged by an opaque cursor. The query runs under the
 * caller's claims, so Row-Level Security decides whose lines they see, not this code.
 */
export async function searchLogs(sql: Sql, claims: TenantClaims, query: LogQuery) {
  requireAccess(claims, 'logs:search');
  const to = query.to ? new Date(query.to) : new Date();
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DAY_MS);
  if (from >= to)
    throw problems.create('bad-request', 'from must be before to', { field: 'querystring.from' });
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS)
    throw problems.create('bad-request', `a search spans at most ${MAX_RANGE_DAYS} days`, {
      field: 'querystring.from',
    });
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  if (query.cursor && !after)
    throw problems.create('bad-request', 'cursor is not one this API returned', {
      field: 'querystring.cursor',
    });
  const rows = await withTenant(sql, claims, (tx) =>
    searchLogLines(tx, {
      from,
      to,
      ...(query.tenantId ? { tenantId: query.tenantId } : {}),
      ...(query.service ? { service: query.service } : {}),
      ...(query.level ? { minSeverity: SEVERITY[query.level] } : {}),
      ...(query.traceId ? { traceId: query.traceId } : {}),
      ...(query.q ? { text: query.q } : {}),
      ...(after ? { after } : {}),
      limit: query.limit + 1,
    }),
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    lines: page.map(({ tsMicros: _ts, ...line }) => line),
    nextCursor:
      rows.length > query.limit && last ? encodeCursor({ tsMicros: last.tsMicros, id: last.id }) : null,
  };
}
