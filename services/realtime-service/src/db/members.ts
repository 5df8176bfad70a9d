import type { Tx } from '@eduspry/common';

export async function upsertCourseMember(
  tx: Tx,
  tenantId: string,
  courseId: string,
  userId: string,
  role: string | null,
): Promise<void> {
  await tx`
    insert into live.course_members (tenant_id, course_id, user_id, role)
    values (${tenantId}, ${courseId}, ${userId}, ${role})
    on conflict (course_id, user_id) do update
      set tenant_id = excluded.tenant_id, role = excluded.role, updated_at = now()`;
}

export async function deleteCourseMember(tx: Tx, courseId: string, userId: string): Promise<void> {
  await tx`delete from live.course_members where course_id = ${courseId} and user_id = ${userId}`;
}
