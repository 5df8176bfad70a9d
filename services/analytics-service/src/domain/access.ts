import type { TenantClaims, Tx } from '@eduspry/common';
import { isTenantAdminOf } from '@eduspry/contracts';
import { problems } from '../problems.ts';

/** Everything a caller may be allowed to do in analytics-service; every use case starts with requireAccess. */
export type Permission =
  | 'activity:track'
  | 'report:tenant'
  | 'report:course'
  | 'report:student'
  | 'tenant:rebuild'
  | 'user:erase'
  | 'settings:read'
  | 'settings:write';

const denials: Record<Permission, string> = {
  'activity:track': 'You may not track activity',
  'report:tenant': 'Only tenant admins see the tenant overview',
  'report:course': 'Only the course’s teachers and TAs and tenant admins see a course report',
  'report:student': 'Only the student, staff of a shared course and tenant admins see a student report',
  'tenant:rebuild': 'Only the tenant’s admins rebuild its rollups',
  'user:erase': 'Only tenant admins erase a user’s analytics',
  'settings:read': 'Only tenant admins see analytics settings',
  'settings:write': 'Only tenant admins change analytics settings',
};

/** Whether the caller teaches the course (an active teacher/ta enrolment analytics knows of). */
async function teaches(tx: Tx, claims: TenantClaims, courseId: string): Promise<boolean> {
  const [row] = await tx`
    select 1 from analytics.enrollments
    where tenant_id = ${claims.app_metadata.tenant_id} and course_id = ${courseId} and user_id = ${claims.sub}
      and active and role in ('teacher', 'ta')`;
  return Boolean(row);
}

async function sharesCourse(tx: Tx, claims: TenantClaims, userId: string): Promise<boolean> {
  const [row] = await tx`
    select 1 from analytics.enrollments staff
    join analytics.enrollments student
      on student.tenant_id = staff.tenant_id and student.course_id = staff.course_id
    where staff.tenant_id = ${claims.app_metadata.tenant_id} and staff.user_id = ${claims.sub}
      and staff.active and staff.role in ('teacher', 'ta') and student.user_id = ${userId}
    limit 1`;
  return Boolean(row);
}

/**
 * The first call of every use case. `tx` is there for checks that must read a row (the course's
 * staff); RLS stays the floor underneath either way: a report query sees only what the caller may.
 */
export async function requireAccess(
  tx: Tx | undefined,
  claims: TenantClaims,
  permission: Permission,
  ids: Record<string, string> = {},
): Promise<void> {
  if (!(await may(tx, claims, permission, ids))) throw problems.create('forbidden', denials[permission]);
}

async function may(
  tx: Tx | undefined,
  claims: TenantClaims,
  permission: Permission,
  ids: Record<string, string>,
): Promise<boolean> {
  switch (permission) {
    case 'activity:track':
      return true;
    case 'report:tenant':
    case 'user:erase':
    case 'settings:read':
    case 'settings:write':
      return isTenantAdminOf(claims);
    case 'tenant:rebuild':
      return isTenantAdminOf(claims, ids.tenantId);
    case 'report:course':
      return isTenantAdminOf(claims) || (tx !== undefined && (await teaches(tx, claims, ids.courseId!)));
    case 'report:student':
      return (
        isTenantAdminOf(claims) ||
        ids.userId === claims.sub ||
        (tx !== undefined && (await sharesCourse(tx, claims, ids.userId!)))
      );
  }
}
