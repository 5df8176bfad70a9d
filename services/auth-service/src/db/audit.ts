import type { Tx } from '@eduspry/common';

export interface AuditEvent {
  tenantId: string;
  action: string;
  actorId?: string | null | undefined;
  subjectId?: string | null | undefined;
  ip?: string | null | undefined;
  detail?: Record<string, unknown>;
}

export async function insertAuditEvent(tx: Tx, event: AuditEvent): Promise<void> {
  await tx`insert into identity.audit_events (tenant_id, action, actor_id, subject_id, ip, detail)
           values (${event.tenantId}, ${event.action}, ${event.actorId ?? null}, ${event.subjectId ?? null},
                   ${event.ip ?? null}, ${tx.json((event.detail ?? {}) as never)})`;
}

export interface AuditRow {
  id: string;
  action: string;
  actor_id: string | null;
  subject_id: string | null;
  ip: string | null;
  detail: Record<string, unknown>;
  created_at: Date;
}

export interface AuditFilter {
  action?: string | undefined;
  actorId?: string | undefined;
  /** Inclusive lower and exclusive upper bound of created_at. */
  from?: Date | undefined;
  to?: Date | undefined;
}

export async function listAuditEvents(
  tx: Tx,
  tenantId: string,
  limit: number,
  offset: number,
  filter: AuditFilter = {},
): Promise<AuditRow[]> {
  const { action = null, actorId = null, from = null, to = null } = filter;
  return tx<AuditRow[]>`
    select id::text, action, actor_id, subject_id, ip, detail, created_at from identity.audit_events
    where tenant_id = ${tenantId}
      and (${action}::text is null or action = ${action})
      and (${actorId}::uuid is null or actor_id = ${actorId})
      and (${from}::timestamptz is null or created_at >= ${from})
      and (${to}::timestamptz is null or created_at < ${to})
    order by id desc limit ${limit} offset ${offset}`;
}
