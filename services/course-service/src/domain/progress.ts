import type { HttpProblem, TenantClaims } from '@eduspry/common';
import { findEnrollment } from '../db/enrollments.ts';
import { completeItem, findItem, findItems, type ItemRow } from '../db/modules.ts';
import { problems } from '../problems.ts';
import { assertMay, findCourseFor, findCoursesFor, may, membershipOf, requireAccess } from './access.ts';
import { type CallOptions, type CourseContext, inTenant, type ReadContext } from './context.ts';
import { type ModuleView, moduleLocked, modulesFor } from './modules.ts';
import {
  type AccessReason,
  decideAccess,
  isActiveStaff,
  isCourseStaff,
  type Membership,
  percentComplete,
} from './rules.ts';

export interface Progress {
  completed: number;
  total: number;
  percent: number;
}

/** A course's progress: its published modules' items, all together. */
export function courseProgress(modules: ModuleView[]): Progress {
  const total = modules.filter((m) => m.published).reduce((sum, m) => sum + m.progress.total, 0);
  const completed = modules.filter((m) => m.published).reduce((sum, m) => sum + m.progress.completed, 0);
  return { completed, total, percent: percentComplete(completed, total) };
}

/** Marks an item done for the caller (idempotent); the item must be open to them. */
export function markItemComplete(ctx: CourseContext, claims: TenantClaims, courseId: string, itemId: string) {
  return inTenant(ctx, claims, async (tx) => {
    const course = await requireAccess(tx, claims, 'course:track-progress', { courseId });
    const membership = membershipOf(course);
    const item = await findItem(tx, course.id, itemId);
    if (!item?.published) throw problems.create('not-found', `No item ${itemId}`);
    const module = (await modulesFor(tx, claims, course, membership)).find((m) => m.id === item.moduleId)!;
    if (!module.access.allowed && module.access.reason !== 'staff') throw moduleLocked(module.access.reason);
    const tenantId = claims.app_metadata.tenant_id;
    const { completedAt, first } = await completeItem(tx, {
      tenantId,
      itemId: item.id,
      courseId: course.id,
      moduleId: item.moduleId,
      userId: claims.sub,
    });
    if (first)
      await ctx.events.itemCompleted(tx, {
        tenantId,
        userId: claims.sub,
        courseId: course.id,
        itemId: item.id,
        moduleId: item.moduleId,
        position: module.position,
        completedAt: completedAt.toISOString(),
      });
    return { itemId: item.id, completedAt };
  });
}

/** A student's progress per module and for the course: your own, or anyone's as staff. */
export function memberProgress(ctx: CourseContext, claims: TenantClaims, courseId: string, userId: string) {
  return inTenant(ctx, claims, async (tx) => {
    const course = await requireAccess(tx, claims, 'course:read', { courseId });
    if (userId !== claims.sub) assertMay(claims, 'course:manage', course);
    const enrollment = await findEnrollment(tx, course.id, userId);
    if (!enrollment || enrollment.status === 'dropped')
      throw problems.create('not-found', `User ${userId} is not enrolled`);
    const modules = await modulesFor(tx, claims, course, enrollment, userId);
    return {
      courseId: course.id,
      userId,
      ...courseProgress(modules),
      modules: modules
        .filter((module) => module.published)
        .map((module) => ({ moduleId: module.id, title: module.title, ...module.progress })),
    };
  });
}

/**
 * The caller's own progress in many courses at once (a dashboard of N courses is one call). A
 * course the caller cannot see, or is not actively enrolled in, is `progress: null`, not an error.
 */
export function myProgressIn(ctx: CourseContext, claims: TenantClaims, courseIds: string[]) {
  return inTenant(ctx, claims, async (tx) => {
    const results: { courseId: string; progress: Progress | null }[] = [];
    for (const courseId of new Set(courseIds)) {
      const course = await findCourseFor(tx, claims, courseId);
      const membership = course ? membershipOf(course) : null;
      results.push({
        courseId,
        progress:
          course && membership?.status === 'active'
            ? courseProgress(await modulesFor(tx, claims, course, membership))
            : null,
      });
    }
    return results;
  });
}

/** One access question: may `userId` open the course, or one item of it? */
export interface AccessCheck {
  userId: string;
  courseId: string;
  itemId?: string | undefined;
}
export type AccessAnswer = { allowed: boolean; reason: AccessReason };
/** A check's answer, or the problem CheckAccess would have failed with for it alone. */
export type AccessOutcome = AccessAnswer | { problem: HttpProblem };

/**
 * CheckAccess (gRPC): may `userId` open the course, or one item of it? The asker must see the
 * course (else 404) and, asking about someone else, be its staff (else 403). Denials are answers.
 */
export async function checkAccess(
  ctx: ReadContext,
  claims: TenantClaims,
  request: AccessCheck,
  options?: CallOptions,
  now: Date = new Date(),
): Promise<AccessAnswer> {
  const [outcome] = await checkAccessMany(ctx, claims, [request], options, now);
  if (outcome && 'problem' in outcome) throw outcome.problem;
  return outcome!;
}

/**
 * Many CheckAccess questions in one transaction (CheckAccessStream): the courses in one query,
 * each (course, user)'s modules and progress once, each course's asked items in one query, so a
 * page of 200 checks costs a handful of queries, not 200 round trips. Each check gets its own
 * answer or problem, in the order asked; one check's 404 does not fail the others.
 */
export function checkAccessMany(
  ctx: ReadContext,
  claims: TenantClaims,
  requests: readonly AccessCheck[],
  options?: CallOptions,
  now: Date = new Date(),
): Promise<AccessOutcome[]> {
  const checks = requests.map((r) => ({
    userId: r.userId.toLowerCase(),
    courseId: r.courseId.toLowerCase(),
    itemId: r.itemId?.toLowerCase() || undefined,
  }));
  return inTenant(
    ctx,
    claims,
    async (tx) => {
      const courses = await findCoursesFor(
        tx,
        claims,
        checks.map((c) => c.courseId),
      );
      const targets = new Map<string, Promise<Membership | null>>();
      const modules = new Map<string, Promise<ModuleView[]>>();
      const items = new Map<string, Promise<Map<string, ItemRow>>>();
      const itemIdsOf = (courseId: string) => [
        ...new Set(checks.filter((c) => c.courseId === courseId && c.itemId).map((c) => c.itemId!)),
      ];
      const once = <T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>) => {
        if (!map.has(key)) map.set(key, load());
        return map.get(key)!;
      };
      // Sequential on purpose: one transaction is one connection, and its queries queue anyway.
      const outcomes: AccessOutcome[] = [];
      for (const check of checks) {
        const course = courses.get(check.courseId);
        if (!course) {
          outcomes.push({ problem: problems.create('not-found', `No course ${check.courseId}`) });
          continue;
        }
        const self = check.userId === claims.sub.toLowerCase();
        if (!self && !may(claims, 'course:check-member-access', course)) {
          outcomes.push({
            problem: problems.create(
              'forbidden',
              "Only a course's staff may ask about another user's access",
            ),
          });
          continue;
        }
        const pair = `${course.id}:${check.userId}`;
        const target = await once(targets, pair, async () =>
          self ? membershipOf(course) : ((await findEnrollment(tx, course.id, check.userId)) ?? null),
        );
        if (!check.itemId) {
          outcomes.push(
            decideAccess({
              staff: self ? isCourseStaff(claims, target) : isActiveStaff(target),
              courseState: course.state,
              membership: target,
              module: { published: true, unlockAt: null, prerequisiteComplete: true },
              now,
            }),
          );
          continue;
        }
        const item = (await once(items, course.id, () => findItems(tx, course.id, itemIdsOf(course.id)))).get(
          check.itemId,
        );
        if (!item) {
          outcomes.push({
            problem: problems.create('not-found', `No item ${check.itemId} in course ${check.courseId}`),
          });
          continue;
        }
        const views = await once(modules, pair, () =>
          modulesFor(tx, claims, course, target, check.userId, now),
        );
        const module = views.find((m) => m.id === item.moduleId)!;
        if (module.access.reason === 'staff' || !module.access.allowed) outcomes.push(module.access);
        else outcomes.push(item.published ? module.access : { allowed: false, reason: 'item-not-published' });
      }
      return outcomes;
    },
    options,
  );
}
