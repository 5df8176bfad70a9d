import type { Tx } from '@eduspry/common';
import type { EnrollmentRole, EnrollmentStatus } from '../domain/rules.ts';

export interface EnrollmentRow {
  id: string;
  courseId: string;
  userId: string;
  role: EnrollmentRole;
  status: EnrollmentStatus;
  sectionId: string | null;
  waitlistedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const columns = (tx: Tx) => tx`
  id, course_id as "courseId", user_id as "userId", role, status, section_id as "sectionId",
  waitlisted_at as "waitlistedAt", created_at as "createdAt", updated_at as "updatedAt"`;

export async function findEnrollment(
  tx: Tx,
  courseId: string,
  userId: string,
): Promise<EnrollmentRow | undefined> {
  const [row] = await tx<EnrollmentRow[]>`
    select ${columns(tx)} from course.enrollments where course_id = ${courseId} and user_id = ${userId}`;
  return row;
}

/** A roster line: the enrolment and the member's name as the user directory knows it. */
export interface RosterRow extends EnrollmentRow {
  displayName: string | null;
}

export async function listEnrollments(
  tx: Tx,
  courseId: string,
  status: EnrollmentStatus | undefined,
): Promise<RosterRow[]> {
  // Null where the directory has no name yet (registration not arrived, or sent before displayName).
  return tx<RosterRow[]>`
    select ${columns(tx)},
      (select u.display_name from course.users u where u.tenant_id = e.tenant_id and u.user_id = e.user_id)
        as "displayName"
    from course.enrollments e
    where course_id = ${courseId} ${status ? tx`and status = ${status}` : tx`and status <> 'dropped'`}
    order by status, coalesce(waitlisted_at, created_at), user_id`;
}

/** Locks the course row so capacity checks of concurrent enrolments are serialised. */
export async function lockCourseForEnrollment(
  tx: Tx,
  courseId: string,
): Promise<{ tenantId: string; capacity: number | null; activeStudents: number } | undefined> {
  const [course] = await tx<{ tenantId: string; capacity: number | null }[]>`
    select tenant_id as "tenantId", capacity from course.courses where id = ${courseId} for update`;
  if (!course) return undefined;
  const [count] = await tx<{ n: number }[]>`
    select count(*)::int as n from course.enrollments
    where course_id = ${courseId} and role = 'student' and status = 'active'`;
  return { ...course, activeStudents: count!.n };
}

export async function upsertEnrollment(
  tx: Tx,
  enrollment: {
    tenantId: string;
    courseId: string;
    userId: string;
    role: EnrollmentRole;
    status: 'active' | 'waitlisted';
    sectionId: string | null;
  },
): Promise<EnrollmentRow> {
  const [row] = await tx<EnrollmentRow[]>`
    insert into course.enrollments (tenant_id, course_id, user_id, role, status, section_id, waitlisted_at)
    values (${enrollment.tenantId}, ${enrollment.courseId}, ${enrollment.userId}, ${enrollment.role},
            ${enrollment.status}, ${enrollment.sectionId},
            ${enrollment.status === 'waitlisted' ? tx`now()` : null})
    on conflict (course_id, user_id) do update
      set role = excluded.role, status = excluded.status, section_id = excluded.section_id,
          waitlisted_at = excluded.waitlisted_at, updated_at = now()
    returning ${columns(tx)}`;
  return row!;
}

export async function setEnrollmentStatus(
  tx: Tx,
  id: string,
  status: EnrollmentStatus,
  patch: { role?: EnrollmentRole; sectionId?: string | null } = {},
): Promise<EnrollmentRow> {
  const [row] = await tx<EnrollmentRow[]>`
    update course.enrollments
    set status = ${status}, role = coalesce(${patch.role ?? null}, role),
        section_id = ${patch.sectionId === undefined ? tx`section_id` : patch.sectionId},
        waitlisted_at = ${status === 'waitlisted' ? tx`coalesce(waitlisted_at, now())` : null},
        updated_at = now()
    where id = ${id}
    returning ${columns(tx)}`;
  return row!;
}

/**
 * The student who has waited longest, locked so two promotions never pick the same one. A user
 * the directory knows to be deactivated keeps their place but is not given a seat (reactivated,
 * they are next again); one it does not know yet is not held back.
 */
export async function firstWaitlisted(tx: Tx, courseId: string): Promise<EnrollmentRow | undefined> {
  const [row] = await tx<EnrollmentRow[]>`
    select ${columns(tx)} from course.enrollments e
    where e.course_id = ${courseId} and e.status = 'waitlisted'
      and not exists (
        select 1 from course.users u
        where u.tenant_id = e.tenant_id and u.user_id = e.user_id and not u.active)
    order by e.waitlisted_at, e.created_at, e.id
    limit 1 for update of e`;
  return row;
}

export async function sectionBelongsToCourse(tx: Tx, sectionId: string, courseId: string): Promise<boolean> {
  const [row] = await tx`select 1 from course.sections where id = ${sectionId} and course_id = ${courseId}`;
  return !!row;
}
