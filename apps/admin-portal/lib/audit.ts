import 'server-only';
import type { paths as AuthService } from '@eduspry/contracts/openapi/auth-service';
import type { JsonAnswer } from '@eduspry/contracts/openapi-types';
import { UUID } from './forms';
import { api, query } from './gateway';

/** One item of auth-service `GET /tenants/{id}/audit-events`, as its route schema says (generated). */
export type AuditEvent = JsonAnswer<AuthService, '/tenants/{id}/audit-events', 'get'>['items'][number];

export interface AuditFilters {
  action?: string;
  actor?: string;
  from?: string;
  to?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const ACTION = /^[a-z0-9_.-]{1,100}$/;

/** The filters of the address bar that are well formed (the rest are reported as field errors). */
export function parseFilters(params: Record<string, string | undefined>) {
  const filters: AuditFilters = {};
  const errors: Record<string, string> = {};
  const take = (name: keyof AuditFilters, pattern: RegExp, code: string) => {
    const value = (params[name] ?? '').trim();
    if (!value) return;
    if (pattern.test(value) && (pattern !== DAY || !Number.isNaN(Date.parse(value)))) filters[name] = value;
    else errors[name] = code;
  };
  take('action', ACTION, 'action');
  take('actor', UUID, 'uuid');
  take('from', DAY, 'date');
  take('to', DAY, 'date');
  if (filters.from && filters.to && filters.from > filters.to) errors.to = 'dateOrder';
  return { filters, errors };
}

/**
 * The tenant's audit events matching the filters, newest first, up to `max` (auth-service
 * filters; a page of 100 at a time). Dates are whole UTC days, `to` included.
 */
export async function auditEvents(
  tenantId: string,
  filters: AuditFilters,
  max: number,
): Promise<{ ok: true; items: AuditEvent[]; more: boolean } | { ok: false; status: number }> {
  const items: AuditEvent[] = [];
  const range = {
    action: filters.action,
    actorId: filters.actor,
    from: filters.from ? `${filters.from}T00:00:00Z` : undefined,
    to: filters.to ? new Date(Date.parse(`${filters.to}T00:00:00Z`) + 86_400_000).toISOString() : undefined,
  };
  for (let offset = 0; offset < max + 100; offset += 100) {
    const answer = await api<{ items: AuditEvent[] }>(
      'GET',
      `auth-service/tenants/${tenantId}/audit-events${query({ ...range, limit: 100, offset })}`,
    );
    if (!answer.ok) return { ok: false, status: answer.status };
    for (const event of answer.data.items) {
      if (items.length >= max) return { ok: true, items, more: true };
      items.push(event);
    }
    if (answer.data.items.length < 100) break;
  }
  return { ok: true, items, more: false };
}

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with '. */
export function toCsv(events: AuditEvent[]): string {
  const cell = (value: unknown) => {
    let text =
      value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const rows = events.map((e) =>
    [e.createdAt, e.action, e.actorId, e.subjectId, e.ip, e.detail].map(cell).join(','),
  );
  return `${['createdAt', 'action', 'actorId', 'subjectId', 'ip', 'detail'].join(',')}\r\n${rows.map((r) => `${r}\r\n`).join('')}`;
}
