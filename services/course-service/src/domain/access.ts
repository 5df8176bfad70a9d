import { forbidden, notFound, type TenantClaims, type Tx } from '@eduspry/common';
import { type CourseRow, findVisibleCourse } from '../db/courses.ts';
import { findEnrollment } from '../db/enrollments.ts';
import { findItem, listModules, type ModuleRow, moduleProgress } from '../db/modules.ts';
import {
  type AccessReason,
  decideAccess,
  isCourseStaff,
  type Membership,
  percentComplete,
  STAFF_ROLES,
  viewerOf,
} from './rules.ts';

export interface ModuleView extends ModuleRow {
  access: { allowed: boolean; reason: AccessReason };
  progress: { completed: number; total: number; percent: number };
}

/**
 * Every module of a course as one user experiences it: whether it is open and why not, and
 * how far they are through it. Shared by HTTP routes and the gRPC CheckAccess.
 */
export async function modulesFor(
  tx: Tx,
  claims: TenantClaims,
  course: CourseRow,
  membership: Membership | null,
  userId: string = claims.sub,
  now: Date = new Date(),
): Promise<ModuleView[]> {
  // Asking about someone else: their own membership decides, never the asker's admin role.
  const staff =
    userId === claims.sub
      ? isCourseStaff(claims, membership)
      : membership?.status === 'active' && STAFF_ROLES.includes(membership.role);
  const [modules, progress] = await Promise.all([
    listModules(tx, course.id),
    moduleProgress(tx, course.id, userId),
  ]);
  const isComplete = (moduleId: string) => {
    const p = progress.get(moduleId);
    return !p || p.completed >= p.total;
  };
  return modules.map((module) => {
    const p = progress.get(module.id) ?? { total: 0, completed: 0 };
    return {
      ...module,
      access: decideAccess({
        staff,
        courseState: course.state,
        membership,
        module: {
          published: module.published,
          unlockAt: module.unlockAt,
          prerequisiteComplete: !module.requiresModuleId || isComplete(module.requiresModuleId),
        },
        now,
      }),
      progress: { ...p, percent: percentComplete(p.completed, p.total) },
    };
  });
}

export function courseProgress(modules: ModuleView[]): { completed: number; total: number; percent: number } {
  const total = modules.filter((m) => m.published).reduce((sum, m) => sum + m.progress.total, 0);
  const completed = modules.filter((m) => m.published).reduce((sum, m) => sum + m.progress.completed, 0);
  return { completed, total, percent: percentComplete(completed, total) };
}

/**
 * CheckAccess: may `userId` open the course, or one item of it? The asker must see the course
 * (else 404) and, asking about someone else, be its staff (else 403). Denials are answers.
 */
export async function checkAccess(
  tx: Tx,
  claims: TenantClaims,
  request: { userId: string; courseId: string; itemId?: string | undefined },
  now: Date = new Date(),
): Promise<{ allowed: boolean; reason: AccessReason }> {
  const course = await findVisibleCourse(tx, viewerOf(claims), request.courseId);
  if (!course) throw notFound(`No course ${request.courseId}`);
  const askerMembership =
    course.myRole && course.myStatus ? { role: course.myRole, status: course.myStatus } : null;
  const self = request.userId === claims.sub;
  if (!self && !isCourseStaff(claims, askerMembership))
    throw forbidden("Only a course's staff may ask about another user's access");
  const target = self ? askerMembership : ((await findEnrollment(tx, course.id, request.userId)) ?? null);
  if (!request.itemId) {
    const staff = self
      ? isCourseStaff(claims, target)
      : target?.status === 'active' && STAFF_ROLES.includes(target.role);
    return decideAccess({
      staff,
      courseState: course.state,
      membership: target,
      module: { published: true, unlockAt: null, prerequisiteComplete: true },
      now,
    });
  }
  const item = await findItem(tx, course.id, request.itemId);
  if (!item) throw notFound(`No item ${request.itemId} in course ${request.courseId}`);
  const modules = await modulesFor(tx, claims, course, target, request.userId, now);
  const module = modules.find((m) => m.id === item.moduleId)!;
  if (module.access.reason === 'staff' || !module.access.allowed) return module.access;
  return item.published ? module.access : { allowed: false, reason: 'item-not-published' };
}
