import type { TenantClaims, Tx } from '@eduspry/common';
import { isCourseStaffRole, isTenantAdminOf } from '@eduspry/contracts';
import { orientationCourseIds } from '../db/courses.ts';
import {
  type EnrollmentRow,
  findEnrollment,
  firstWaitlisted,
  listEnrollments,
  lockCourseForEnrollment,
  sectionBelongsToCourse,
  setEnrollmentStatus,
  upsertEnrollment,
} from '../db/enrollments.ts';
import type { CourseEvents } from '../events.ts';
import { problems } from '../problems.ts';
import { assertMay, requireAccess } from './access.ts';
import { type CallOptions, type CourseContext, inTenant, type ReadContext } from './context.ts';
import { requireActiveUsers } from './directory.ts';
import { type EnrollmentRole, type EnrollmentStatus, placementFor } from './rules.ts';

export interface EnrollOutcome {
  enrollment: EnrollmentRow;
  /** False when the user already held this place (nothing changed, nothing emitted). */
  changed: boolean;
}

/** Who made a change, carried into its event; null when the platform did it on its own. */
export interface Actor {
  actorId: string | null;
}

/**
 * Enrols a user, or queues a student on the waitlist when the course is full. Emits
 * `enrollment_changed` (enrolled) exactly when the user becomes an active member. A building
 * block of the use cases below (and of course creation, rosters and the orientation consumer):
 * it runs in the caller's transaction after the caller's access check.
 */
export async function enrollUser(
  tx: Tx,
  events: CourseEvents,
  request: {
    courseId: string;
    userId: string;
    role: EnrollmentRole;
    sectionId?: string | null | undefined;
    /** Where the request named the user, for the problem when they are not enrollable. */
    field?: string | undefined;
  },
  { actorId }: Actor,
): Promise<EnrollOutcome> {
  const course = await lockCourseForEnrollment(tx, request.courseId);
  if (!course) throw problems.create('not-found', `No course ${request.courseId}`);
  if (request.sectionId && !(await sectionBelongsToCourse(tx, request.sectionId, request.courseId)))
    throw problems.create('not-found', `No section ${request.sectionId} in course ${request.courseId}`);
  const existing = await findEnrollment(tx, request.courseId, request.userId);
  const sectionId = request.sectionId ?? existing?.sectionId ?? null;
  if (
    existing &&
    existing.status !== 'dropped' &&
    existing.role === request.role &&
    existing.sectionId === sectionId
  )
    return { enrollment: existing, changed: false };
  // Only an active user of the course's tenant takes a place (the actor vouches for themselves).
  await requireActiveUsers(
    tx,
    course.tenantId,
    [{ userId: request.userId, field: request.field ?? 'body.userId' }],
    actorId,
  );

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
  if (status === 'active' && !wasActive)
    await emit(tx, events, course.tenantId, enrollment, 'enrolled', actorId);
  if (status === 'waitlisted' && wasActive)
    await emit(tx, events, course.tenantId, enrollment, 'unenrolled', actorId);
  return { enrollment, changed: true };
}

/**
 * Drops an enrolment (or a waitlist place). A freed student seat goes to the student who
 * has waited longest, who is enrolled in the same transaction.
 */
export async function dropEnrollment(
  tx: Tx,
  events: CourseEvents,
  request: { courseId: string; userId: string },
  actor: Actor,
): Promise<{ promoted: EnrollmentRow | null }> {
  const course = await lockCourseForEnrollment(tx, request.courseId);
  if (!course) throw problems.create('not-found', `No course ${request.courseId}`);
  const existing = await findEnrollment(tx, request.courseId, request.userId);
  if (!existing || existing.status === 'dropped')
    throw problems.create(
      'not-found',
      `User ${request.userId} is not enrolled in course ${request.courseId}`,
    );
  const dropped = await setEnrollmentStatus(tx, existing.id, 'dropped');
  if (existing.status !== 'active') return { promoted: null };
  await emit(tx, events, course.tenantId, dropped, 'unenrolled', actor.actorId);
  if (existing.role !== 'student') return { promoted: null };
  const [promoted] = await fillSeats(tx, events, request.courseId, actor);
  return { promoted: promoted ?? null };
}

/**
 * Moves waitlisted students, longest-waiting first, into free seats (after an unenrolment
 * or a raised capacity). Each promotion is an enrolment and emits its event.
 */
export async function fillSeats(
  tx: Tx,
  events: CourseEvents,
  courseId: string,
  { actorId }: Actor,
): Promise<EnrollmentRow[]> {
  const course = await lockCourseForEnrollment(tx, courseId);
  if (!course) return [];
  let free = course.capacity === null ? Number.POSITIVE_INFINITY : course.capacity - course.activeStudents;
  const promoted: EnrollmentRow[] = [];
  while (free > 0) {
    const next = await firstWaitlisted(tx, courseId);
    if (!next) break;
    const enrollment = await setEnrollmentStatus(tx, next.id, 'active');
    await emit(tx, events, course.tenantId, enrollment, 'enrolled', actorId);
    promoted.push(enrollment);
    free -= 1;
  }
  return promoted;
}

function emit(
  tx: Tx,
  events: CourseEvents,
  tenantId: string,
  enrollment: EnrollmentRow,
  action: 'enrolled' | 'unenrolled',
  actorId: string | null,
): Promise<void> {
  return events.enrollmentChanged(tx, {
    tenantId,
    userId: enrollment.userId,
    courseId: enrollment.courseId,
    action,
    timestamp: new Date().toISOString(),
    role: enrollment.role,
    sectionId: enrollment.sectionId,
    actorId,
  });
}

export interface EnrollRequest {
  userId?: string | undefined;
  role?: EnrollmentRole | undefined;
  sectionId?: string | undefined;
}

/**
 * Enrols yourself (no userId, as a student) where the course allows it, or someone else as the
 * course's staff; only teachers and tenant admins add teachers.
 */
export function enroll(ctx: CourseContext, claims: TenantClaims, courseId: string, request: EnrollRequest) {
  const { userId = claims.sub, role = 'student', sectionId } = request;
  return inTenant(ctx, claims, async (tx) => {
    const course = await requireAccess(tx, claims, 'course:read', { courseId, lock: true });
    if (userId === claims.sub && role === 'student' && !isTenantAdminOf(claims)) {
      // A course's own teacher or TA "self-enrolling" as a student keeps their place, unchecked.
      if (!isCourseStaffRole(course.myRole)) assertMay(claims, 'course:self-enroll', course);
    } else {
      assertMay(claims, 'course:manage', course);
      if (role === 'teacher') assertMay(claims, 'course:add-teacher', course);
    }
    return enrollUser(
      tx,
      ctx.events,
      { courseId: course.id, userId, role, sectionId },
      { actorId: claims.sub },
    );
  });
}

export function courseRoster(
  ctx: CourseContext,
  claims: TenantClaims,
  courseId: string,
  status: EnrollmentStatus | undefined,
) {
  return inTenant(ctx, claims, async (tx) => {
    const course = await requireAccess(tx, claims, 'course:manage', { courseId });
    return listEnrollments(tx, course.id, status);
  });
}

/** Unenrols yourself, or anyone as course staff; the longest-waiting student takes the seat. */
export function unenroll(ctx: CourseContext, claims: TenantClaims, courseId: string, userId: string) {
  return inTenant(ctx, claims, async (tx) => {
    const course = await requireAccess(tx, claims, 'course:read', { courseId, lock: true });
    if (userId !== claims.sub) assertMay(claims, 'course:manage', course);
    await dropEnrollment(tx, ctx.events, { courseId: course.id, userId }, { actorId: claims.sub });
  });
}

/** GetEnrollment (gRPC): your own enrolment, or anyone's as the course's staff. */
export function getEnrollment(
  ctx: ReadContext,
  claims: TenantClaims,
  { courseId, userId }: { courseId: string; userId: string },
  options?: CallOptions,
) {
  return inTenant(
    ctx,
    claims,
    async (tx) => {
      const course = await requireAccess(tx, claims, 'course:read', { courseId });
      if (userId !== claims.sub) assertMay(claims, 'course:read-member-enrollment', course);
      const enrollment = await findEnrollment(tx, course.id, userId);
      if (!enrollment) throw problems.create('not-found', `User ${userId} is not enrolled`);
      return enrollment;
    },
    options,
  );
}

/**
 * A new user joins their tenant's orientation course(s): every published course flagged
 * `autoEnrollOnRegistration`, as a student. Runs in the event consumer's transaction (the
 * platform's, no user claims), so a redelivered event changes nothing and each enrolment's own
 * event is emitted exactly once. Returns how many enrolments it made.
 */
export async function enrollInOrientation(
  tx: Tx,
  events: CourseEvents,
  { tenantId, userId }: { tenantId: string; userId: string },
): Promise<number> {
  let enrolled = 0;
  for (const courseId of await orientationCourseIds(tx, tenantId)) {
    const { changed } = await enrollUser(
      tx,
      events,
      { courseId, userId, role: 'student' },
      { actorId: null },
    );
    if (changed) enrolled += 1;
  }
  return enrolled;
}
