import { forbidden, notFound, type TenantClaims, type Tx } from '@eduspry/common';
import type { CourseRow } from '../db/courses.ts';
import {
  type EnrollmentRow,
  findEnrollment,
  firstWaitlisted,
  lockCourseForEnrollment,
  sectionBelongsToCourse,
  setEnrollmentStatus,
  upsertEnrollment,
} from '../db/enrollments.ts';
import type { CourseEvents } from '../events.ts';
import { type EnrollmentRole, isTenantAdmin, placementFor } from './rules.ts';

export interface EnrollOutcome {
  enrollment: EnrollmentRow;
  /** False when the user already held this place (nothing changed, nothing emitted). */
  changed: boolean;
}

/**
 * Enrols a user, or queues a student on the waitlist when the course is full. Emits
 * `enrollment_changed` (enrolled) exactly when the user becomes an active member.
 */
export async function enrollUser(
  tx: Tx,
  events: CourseEvents,
  request: { courseId: string; userId: string; role: EnrollmentRole; sectionId?: string | null | undefined },
): Promise<EnrollOutcome> {
  const course = await lockCourseForEnrollment(tx, request.courseId);
  if (!course) throw notFound(`No course ${request.courseId}`);
  if (request.sectionId && !(await sectionBelongsToCourse(tx, request.sectionId, request.courseId)))
    throw notFound(`No section ${request.sectionId} in course ${request.courseId}`);
  const existing = await findEnrollment(tx, request.courseId, request.userId);
  const sectionId = request.sectionId ?? existing?.sectionId ?? null;
  if (
    existing &&
    existing.status !== 'dropped' &&
    existing.role === request.role &&
    existing.sectionId === sectionId
  )
    return { enrollment: existing, changed: false };

  const wasActive = existing?.status === 'active';
  const countsSelf = wasActive && existing.role === 'student' ? 1 : 0;
  const status =
    existing?.status === 'waitlisted' && request.role === 'student'
      ? 'waitlisted'
      : placementFor(request.role, course.capacity, course.activeStudents - countsSelf);
  const enrollment = existing
    ? await setEnrollmentStatus(tx, existing.id, status, { role: request.role, sectionId })
    : await upsertEnrollment(tx, {
        tenantId: course.tenantId,
        courseId: request.courseId,
        userId: request.userId,
        role: request.role,
        status,
        sectionId,
      });
  if (status === 'active' && !wasActive) await emit(tx, events, course.tenantId, enrollment, 'enrolled');
  if (status === 'waitlisted' && wasActive) await emit(tx, events, course.tenantId, enrollment, 'unenrolled');
  return { enrollment, changed: true };
}

/**
 * Drops an enrolment (or a waitlist place). A freed student seat goes to the student who
 * has waited longest, who is enrolled in the same transaction.
 */
export async function unenrollUser(
  tx: Tx,
  events: CourseEvents,
  request: { courseId: string; userId: string },
): Promise<{ promoted: EnrollmentRow | null }> {
  const course = await lockCourseForEnrollment(tx, request.courseId);
  if (!course) throw notFound(`No course ${request.courseId}`);
  const existing = await findEnrollment(tx, request.courseId, request.userId);
  if (!existing || existing.status === 'dropped')
    throw notFound(`User ${request.userId} is not enrolled in course ${request.courseId}`);
  const dropped = await setEnrollmentStatus(tx, existing.id, 'dropped');
  if (existing.status !== 'active') return { promoted: null };
  await emit(tx, events, course.tenantId, dropped, 'unenrolled');
  if (existing.role !== 'student') return { promoted: null };
  const [promoted] = await fillSeats(tx, events, request.courseId);
  return { promoted: promoted ?? null };
}

/**
 * Moves waitlisted students, longest-waiting first, into free seats (after an unenrolment
 * or a raised capacity). Each promotion is an enrolment and emits its event.
 */
export async function fillSeats(tx: Tx, events: CourseEvents, courseId: string): Promise<EnrollmentRow[]> {
  const course = await lockCourseForEnrollment(tx, courseId);
  if (!course) return [];
  let free = course.capacity === null ? Number.POSITIVE_INFINITY : course.capacity - course.activeStudents;
  const promoted: EnrollmentRow[] = [];
  while (free > 0) {
    const next = await firstWaitlisted(tx, courseId);
    if (!next) break;
    const enrollment = await setEnrollmentStatus(tx, next.id, 'active');
    await emit(tx, events, course.tenantId, enrollment, 'enrolled');
    promoted.push(enrollment);
    free -= 1;
  }
  return promoted;
}

/** Self-enrolment: only into a published course that allows it, and only as a student. */
export function assertSelfEnrollable(course: CourseRow, claims: TenantClaims): void {
  if (course.state !== 'published' || !course.selfEnrollment)
    throw forbidden(`Course ${course.code} is not open for self-enrolment`);
  if (isTenantAdmin(claims)) return;
}

function emit(
  tx: Tx,
  events: CourseEvents,
  tenantId: string,
  enrollment: EnrollmentRow,
  action: 'enrolled' | 'unenrolled',
): Promise<void> {
  return events.enrollmentChanged(tx, {
    tenantId,
    userId: enrollment.userId,
    courseId: enrollment.courseId,
    action,
    timestamp: new Date().toISOString(),
  });
}
