import type { TenantClaims, Tx } from '@eduspry/common';
import { isTenantAdminOf, mayTeach } from '@eduspry/contracts';
import { type CourseRow, findVisibleCourse, listCourses } from '../db/courses.ts';
import { problems } from '../problems.ts';
import { isCourseStaff, isOpenForSelfEnrollment, type Membership, viewerOf } from './rules.ts';

/**
 * Everything a caller may be allowed to do in course-service. Every use case begins with
 * `requireAccess(...)` naming one of these (Immich's access.ts); RLS stays the floor underneath.
 */
export type Permission =
  /** Tenant-wide, no course involved. */
  | 'course:create'
  | 'course:choose-orientation'
  | 'roster:import'
  | 'roster:sync'
  /** About one course: the caller must see it first (else 404, so hidden and foreign look alike). */
  | 'course:read'
  | 'course:manage'
  | 'course:add-teacher'
  | 'course:self-enroll'
  | 'course:track-progress'
  | 'course:read-member-enrollment'
  | 'course:check-member-access';

type TenantPermission = 'course:create' | 'course:choose-orientation' | 'roster:import' | 'roster:sync';
type CoursePermission = Exclude<Permission, TenantPermission>;

/** The caller's own enrolment in a course, from the course row: the one place memberships are built. */
export function membershipOf(course: Pick<CourseRow, 'myRole' | 'myStatus'>): Membership | null {
  return course.myRole && course.myStatus ? { role: course.myRole, status: course.myStatus } : null;
}

const denials: Record<Permission, (course?: CourseRow) => string> = {
  'course:create': () => 'Only instructors and tenant admins create courses',
  'course:choose-orientation': () => 'Only tenant admins choose the orientation course',
  'roster:import': () => 'Only instructors and tenant admins enrol in bulk',
  'roster:sync': () => "Only tenant admins import the district's OneRoster enrolments",
  'course:read': () => 'You may not see this course',
  'course:manage': (course) => `Only the course's instructors and tenant admins may change ${course?.code}`,
  'course:add-teacher': () => 'Only teachers and tenant admins add teachers',
  'course:self-enroll': (course) => `Course ${course?.code} is not open for self-enrolment`,
  'course:track-progress': () => 'Only enrolled users track progress',
  'course:read-member-enrollment': () => "Only a course's staff may read another user's enrolment",
  'course:check-member-access': () => "Only a course's staff may ask about another user's access",
};

/** Whether the caller holds `permission` (on `course`, for the course permissions). Pure. */
export function may(claims: TenantClaims, permission: Permission, course?: CourseRow): boolean {
  switch (permission) {
    case 'course:create':
    case 'roster:import':
      return mayTeach(claims);
    case 'course:choose-orientation':
    case 'roster:sync':
      return isTenantAdminOf(claims);
    case 'course:read':
      return !!course;
    case 'course:manage':
    case 'course:read-member-enrollment':
    case 'course:check-member-access':
      return !!course && isCourseStaff(claims, membershipOf(course));
    case 'course:add-teacher':
      return !!course && (isTenantAdminOf(claims) || course.myRole === 'teacher');
    case 'course:self-enroll':
      return !!course && isOpenForSelfEnrollment(course);
    case 'course:track-progress':
      return !!course && membershipOf(course)?.status === 'active';
  }
}

/** Throws the permission's 403 unless the caller holds it on an already loaded course. */
export function assertMay(claims: TenantClaims, permission: Permission, course?: CourseRow): void {
  if (!may(claims, permission, course)) throw problems.create('forbidden', denials[permission](course));
}

/** The course if the caller may see it, else undefined (unknown, another tenant's, or hidden). */
export function findCourseFor(
  tx: Tx,
  claims: TenantClaims,
  courseId: string,
  lock = false,
): Promise<CourseRow | undefined> {
  return findVisibleCourse(tx, viewerOf(claims), courseId, lock);
}

/** Several courses at once, by id: those the caller may see (the rest are simply absent). */
export async function findCoursesFor(
  tx: Tx,
  claims: TenantClaims,
  courseIds: string[],
): Promise<Map<string, CourseRow>> {
  const ids = [...new Set(courseIds)];
  if (ids.length === 0) return new Map();
  const rows = await listCourses(tx, viewerOf(claims), { ids, limit: ids.length });
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * The first call of every use case that needs a permission. For a course permission it loads
 * the course (locked `for update` when asked), answers 404 when the caller cannot see it and
 * 403 when they see it but lack the permission, and returns it.
 */
export async function requireAccess(
  tx: Tx,
  claims: TenantClaims,
  permission: TenantPermission,
): Promise<undefined>;
export async function requireAccess(
  tx: Tx,
  claims: TenantClaims,
  permission: CoursePermission,
  ids: { courseId: string; lock?: boolean },
): Promise<CourseRow>;
export async function requireAccess(
  tx: Tx,
  claims: TenantClaims,
  permission: Permission,
  ids?: { courseId: string; lock?: boolean },
): Promise<CourseRow | undefined> {
  if (!ids) {
    assertMay(claims, permission);
    return undefined;
  }
  const course = await findCourseFor(tx, claims, ids.courseId, ids.lock);
  if (!course) throw problems.create('not-found', `No course ${ids.courseId}`);
  assertMay(claims, permission, course);
  return course;
}
