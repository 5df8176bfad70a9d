import type { Tx } from '@eduspry/common';

export interface RecipientRow {
  user_id: string;
  tenant_id: string;
  email: string | null;
  phone: string | null;
  roles: string[];
  time_zone: string;
  quiet_hours_start: string | null;
  quiet_hours_end: string | null;
  active: boolean;
}

export async function upsertRecipient(
  tx: Tx,
  row: { userId: string; tenantId: string; email?: string; roles: string[] },
): Promise<void> {
  await tx`
    insert into notification.recipients (user_id, tenant_id, email, roles)
    values (${row.userId}, ${row.tenantId}, ${row.email ?? null}, ${row.roles})
    on conflict (user_id) do update
      set roles = excluded.roles, email = coalesce(excluded.email, recipients.email), updated_at = now()
    where recipients.tenant_id = excluded.tenant_id`;
}

export async function deactivateRecipient(tx: Tx, userId: string, tenantId: string): Promise<void> {
  await tx`
    update notification.recipients set active = false, updated_at = now()
    where user_id = ${userId} and tenant_id = ${tenantId}`;
}

export function recipientsByIds(tx: Tx, tenantId: string, userIds: string[]) {
  return tx<RecipientRow[]>`
    select user_id, tenant_id, email, phone, roles, time_zone, quiet_hours_start::text, quiet_hours_end::text, active
    from notification.recipients where tenant_id = ${tenantId} and user_id = any(${userIds}::uuid[])`;
}

export async function recipientById(tx: Tx, userId: string): Promise<RecipientRow | undefined> {
  const [row] = await tx<RecipientRow[]>`
    select user_id, tenant_id, email, phone, roles, time_zone, quiet_hours_start::text, quiet_hours_end::text, active
    from notification.recipients where user_id = ${userId}`;
  return row;
}

export async function tenantAdmins(tx: Tx, tenantId: string): Promise<string[]> {
  const rows = await tx<{ user_id: string }[]>`
    select user_id from notification.recipients
    where tenant_id = ${tenantId} and active and 'tenant_admin' = any(roles)`;
  return rows.map((row) => row.user_id);
}

export async function updateSettings(
  tx: Tx,
  row: {
    userId: string;
    tenantId: string;
    timeZone?: string | undefined;
    quietHoursStart?: string | null | undefined;
    quietHoursEnd?: string | null | undefined;
    phone?: string | null | undefined;
  },
): Promise<void> {
  await tx`
    insert into notification.recipients (user_id, tenant_id, time_zone, quiet_hours_start, quiet_hours_end, phone)
    values (${row.userId}, ${row.tenantId}, ${row.timeZone ?? 'UTC'}, ${row.quietHoursStart ?? null},
            ${row.quietHoursEnd ?? null}, ${row.phone ?? null})
    on conflict (user_id) do update set
      time_zone = ${row.timeZone === undefined ? tx`recipients.time_zone` : tx`${row.timeZone}`},
      quiet_hours_start = ${row.quietHoursStart === undefined ? tx`recipients.quiet_hours_start` : tx`${row.quietHoursStart}::time`},
      quiet_hours_end = ${row.quietHoursEnd === undefined ? tx`recipients.quiet_hours_end` : tx`${row.quietHoursEnd}::time`},
      phone = ${row.phone === undefined ? tx`recipients.phone` : tx`${row.phone}`},
      updated_at = now()`;
}

export async function addCourseMember(
  tx: Tx,
  tenantId: string,
  courseId: string,
  userId: string,
): Promise<void> {
  await tx`
    insert into notification.course_members (tenant_id, course_id, user_id)
    values (${tenantId}, ${courseId}, ${userId}) on conflict do nothing`;
}

export async function removeCourseMember(
  tx: Tx,
  tenantId: string,
  courseId: string,
  userId: string,
): Promise<void> {
  await tx`
    delete from notification.course_members
    where tenant_id = ${tenantId} and course_id = ${courseId} and user_id = ${userId}`;
}

export async function isCourseMember(tx: Tx, courseId: string, userId: string): Promise<boolean> {
  const rows = await tx`
    select 1 from notification.course_members where course_id = ${courseId} and user_id = ${userId}`;
  return rows.length > 0;
}

export async function courseMembers(tx: Tx, tenantId: string, courseId: string): Promise<string[]> {
  const rows = await tx<{ user_id: string }[]>`
    select user_id from notification.course_members where tenant_id = ${tenantId} and course_id = ${courseId}`;
  return rows.map((row) => row.user_id);
}
