import type { TenantClaims } from '@eduspry/common';
import type { Viewer } from '../db/courses.ts';

/** Pure course rules: no I/O, so every rule is testable on its own. */

export type CourseState = 'draft' | 'published' | 'archived';
export type EnrollmentRole = 'student' | 'teacher' | 'ta' | 'observer';
export type EnrollmentStatus = 'active' | 'waitlisted' | 'dropped';

export const ENROLLMENT_ROLES: readonly EnrollmentRole[] = ['student', 'teacher', 'ta', 'observer'];
/** Roles in a course that may build and manage it. */
export const STAFF_ROLES: readonly EnrollmentRole[] = ['teacher', 'ta'];

/** Tenant admins manage every course of their tenant; super_admin crosses tenants. */
export function isTenantAdmin(claims: TenantClaims): boolean {
  const roles = claims.app_metadata.roles;
  return roles.includes('tenant_admin') || roles.includes('super_admin');
}

/** Who is looking at courses, as the course queries need it. */
export const viewerOf = (claims: TenantClaims): Viewer => ({
  userId: claims.sub,
  admin: isTenantAdmin(claims),
  tenantId: claims.app_metadata.roles.includes('super_admin') ? undefined : claims.app_metadata.tenant_id,
});

export function mayCreateCourses(claims: TenantClaims): boolean {
  return isTenantAdmin(claims) || claims.app_metadata.roles.includes('instructor');
}

export interface Membership {
  role: EnrollmentRole;
  status: EnrollmentStatus;
}

export function isCourseStaff(claims: TenantClaims, membership: Membership | null | undefined): boolean {
  if (isTenantAdmin(claims)) return true;
  return !!membership && membership.status === 'active' && STAFF_ROLES.includes(membership.role);
}

/** draft → published → archived; a draft that never ran may be archived directly. */
export function canTransition(from: CourseState, to: CourseState): boolean {
  if (from === to) return true;
  return (
    (from === 'draft' && to === 'published') ||
    (from === 'published' && to === 'archived') ||
    (from === 'draft' && to === 'archived')
  );
}

/**
 * Where a new enrolment lands: students beyond the course's capacity queue on the waitlist;
 * staff and observers never count against capacity.
 */
export function placementFor(
  role: EnrollmentRole,
  capacity: number | null,
  activeStudents: number,
): 'active' | 'waitlisted' {
  if (role !== 'student' || capacity === null) return 'active';
  return activeStudents < capacity ? 'active' : 'waitlisted';
}

export type AccessReason =
  | 'staff'
  | 'enrolled'
  | 'not-enrolled'
  | 'waitlisted'
  | 'course-not-published'
  | 'module-not-published'
  | 'item-not-published'
  | 'locked-until-date'
  | 'prerequisite-incomplete';

export interface ModuleLockState {
  published: boolean;
  unlockAt: Date | null;
  /** Whether the module this one requires is fully completed by the user (true when none required). */
  prerequisiteComplete: boolean;
}

export interface AccessInput {
  staff: boolean;
  courseState: CourseState;
  membership: Membership | null;
  module: ModuleLockState;
  itemPublished?: boolean;
  now: Date;
}

/** Whether a user may open a module (or an item in it), and why not. */
export function decideAccess(input: AccessInput): { allowed: boolean; reason: AccessReason } {
  if (input.staff) return { allowed: true, reason: 'staff' };
  const { membership, module } = input;
  if (!membership || membership.status === 'dropped') return { allowed: false, reason: 'not-enrolled' };
  if (membership.status === 'waitlisted') return { allowed: false, reason: 'waitlisted' };
  if (input.courseState !== 'published' && input.courseState !== 'archived')
    return { allowed: false, reason: 'course-not-published' };
  if (!module.published) return { allowed: false, reason: 'module-not-published' };
  if (input.itemPublished === false) return { allowed: false, reason: 'item-not-published' };
  if (module.unlockAt && module.unlockAt.getTime() > input.now.getTime())
    return { allowed: false, reason: 'locked-until-date' };
  if (!module.prerequisiteComplete) return { allowed: false, reason: 'prerequisite-incomplete' };
  return { allowed: true, reason: 'enrolled' };
}

/** Whole percent, rounded down so 100 means every item is done. */
export function percentComplete(completed: number, total: number): number {
  if (total <= 0) return 0;
  return Math.floor((Math.min(completed, total) * 100) / total);
}

const ONEROSTER_ROLES: Record<string, EnrollmentRole> = {
  student: 'student',
  teacher: 'teacher',
  ta: 'ta',
  aide: 'ta',
  observer: 'observer',
  guardian: 'observer',
  parent: 'observer',
};

/** OneRoster role names (student, teacher, aide, guardian, …) → our enrolment roles. */
export function enrollmentRoleFromRoster(value: string): EnrollmentRole | undefined {
  return ONEROSTER_ROLES[value.trim().toLowerCase()];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);
