import { mayTeach } from '@eduspry/contracts';
import { problems } from '../problems.ts';
import type { AssessmentContext, Caller } from './context.ts';

/**
 * Every permission a use case can ask for. Course membership comes from course-service
 * (CheckAccess, with the caller's own token); RLS keeps tenants apart underneath.
 *   course.teach   build banks, quizzes, rubrics; grade; see every student's grades
 *   course.take    start and answer a quiz placed at `itemId` (the course item)
 *   course.member  read one's own grades in a course
 *   tenant.teach   manage the tenant's shared banks (instructors and administrators)
 */
export type Permission = 'course.teach' | 'course.take' | 'course.member' | 'tenant.teach';

export async function requireAccess(
  ctx: AssessmentContext,
  caller: Caller,
  permission: Permission,
  target: { courseId?: string | null; itemId?: string | null } = {},
): Promise<{ staff: boolean }> {
  if (permission === 'tenant.teach') {
    if (!mayTeach(caller.claims))
      throw problems.create('forbidden', 'Only instructors and administrators may do this');
    return { staff: true };
  }
  if (!target.courseId) throw problems.create('course-not-found');
  const answer = await ctx.courses.check(caller.authorization, {
    courseId: target.courseId,
    itemId: permission === 'course.take' ? (target.itemId ?? undefined) : undefined,
  });
  const staff = answer.allowed && answer.reason === 'staff';
  if (permission === 'course.teach') {
    if (!staff)
      throw problems.create('not-course-staff', 'Only the teachers and TAs of this course may do this');
    return { staff };
  }
  if (!answer.allowed) {
    if (permission === 'course.take' && answer.reason !== 'not-enrolled')
      throw problems.create('quiz-not-available', `The quiz is not available: ${answer.reason}`, {
        reason: answer.reason,
      });
    throw problems.create('not-enrolled', `course-service says: ${answer.reason}`, { reason: answer.reason });
  }
  return { staff };
}
