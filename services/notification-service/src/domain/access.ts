import type { TenantClaims, Tx } from '@eduspry/common';
import { isTenantAdminOf, mayTeach } from '@eduspry/contracts';
import { isCourseMember } from '../db/people.ts';
import { problems } from '../problems.ts';

/** Everything a caller may ask of notification-service. */
export type Permission =
  | 'inbox:own'
  | 'preferences:own'
  | 'preferences:tenant-defaults'
  | 'announcement:create'
  | 'webhooks:manage';

/**
 * The one access check every use case starts with. RLS is the floor (a user reads only their own
 * inbox, only tenant admins reach webhook rows); this turns the rules into explicit 403s.
 * Course staff: a user who teaches (instructor or tenant admin) and is on the course's roster as
 * this service knows it from enrollment events; tenant admins may announce to any course.
 */
export async function requireAccess(
  tx: Tx,
  claims: TenantClaims,
  permission: Permission,
  ids: { courseId?: string } = {},
): Promise<void> {
  switch (permission) {
    case 'inbox:own':
    case 'preferences:own':
      return;
    case 'preferences:tenant-defaults':
    case 'webhooks:manage':
      if (!isTenantAdminOf(claims)) throw problems.create('not-tenant-admin');
      return;
    case 'announcement:create': {
      if (isTenantAdminOf(claims)) return;
      if (!mayTeach(claims) || !ids.courseId || !(await isCourseMember(tx, ids.courseId, claims.sub)))
        throw problems.create('not-course-staff', 'Only staff of this course may announce to it');
      return;
    }
  }
}
