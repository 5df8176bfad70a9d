import type { TenantClaims } from '@eduspry/common';
import { type CourseRole, isCourseStaffRole, isSuperAdmin, isTenantAdminOf } from '@eduspry/contracts';

/**
 * Pure course rules: no I/O, so every rule is testable on its own. The types here are owned by
 * the domain; db/ may import them (types only), never the other way round.
 */

export type CourseState = 'draft' | 'published' | 'archived';
/** A user's role in a course: the platform's one CourseRole type. */
export type EnrollmentRole = CourseRole;
export type EnrollmentStatus = 'active' | 'waitlisted' | 'dropped';

/** Who is looking at courses, as the course queries need it. */
export interface Viewer {
  userId: string;
  admin: boolean;
  /**
   * The viewer's tenant, or undefined for super_admin (every tenant). RLS enforces it either way;
   * stated in the query it lets Postgres use the tenant indexes, which a policy cannot (RLS ORs
   * the tenant policy with super_admin's, so tenant_id is no index condition).
   */
  tenantId: string | undefined;
}

/** Tenant admins manage every course of their tenant; super_admin crosses tenants. */
export const viewerOf = (claims: TenantClaims): Viewer => ({
  userId: claims.sub,
  admin: isTenantAdminOf(claims),
  tenantId: isSuperAdmin(claims) ? undefined : claims.app_metadata.tenant_id,
});

export interface Membership {
  role: EnrollmentRole;
  status: EnrollmentStatus;
}

/** An active teacher or TA of the course (their own enrolment decides, not platform roles). */
export const isActiveStaff = (membership: Membership | null | undefined): boolean =>
  !!membership && membership.status === 'active' && isCourseStaffRole(membership.role);

export function isCourseStaff(claims: TenantClaims, membership: Membership | null | undefined): boolean {
  return isTenantAdminOf(claims) || isActiveStaff(membership);
}

/** Self-enrolment: only into a published course that allows it. */
export const isOpenForSelfEnrollment = (course: { state: CourseState; selfEnrollment: boolean }): boolean =>
  course.state === 'published' && course.selfEnrollment;

/** Would `moduleId` requiring `requires` close a loop of unlock rules? (`requiresOf`: module → its requirement) */
export function createsPrerequisiteCycle(
  requiresOf: ReadonlyMap<string, string | null>,
  moduleId: string,
  requires: string,
): boolean {
  let current: string | null | undefined = requires;
  for (let steps = 0; current && steps <= requiresOf.size; steps++) {
    if (current === moduleId) return true;
    current = requiresOf.get(current);
  }
  return false;
}

/** The field an item of `kind` cannot go without (a link its url, a file its fileId, …), if any. */
export function requiredItemField(kind: ItemKind): 'url' | 'fileId' | 'assessmentId' | undefined {
  return ({ link: 'url', file: 'fileId', assessment: 'assessmentId', page: undefined } as const)[kind];
}
export type ItemKind = 'page' | 'file' | 'link' | 'assessment';

/** Whether `given` lists every id of `existing` exactly once (a reorder names them all). */
export function isSameSet(given: readonly string[], existing: readonly string[]): boolean {
  const known = new Set(existing);
  return given.length === known.size && given.every((id) => known.has(id));
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
