import { forbidden, notFound, type ServiceApp, withTenant } from '@eduspry/common';
import { Type } from 'typebox';
import { findEnrollment } from '../db/enrollments.ts';
import { completeItem, findItem } from '../db/modules.ts';
import { courseProgress, modulesFor } from '../domain/access.ts';
import {
  assertStaff,
  claimsOf,
  DateTime,
  errors,
  membershipOf,
  type RouteDeps,
  security,
  Uuid,
  visibleCourse,
} from './context.ts';
import { moduleLocked } from './structure.ts';

const Progress = Type.Object({ completed: Type.Integer(), total: Type.Integer(), percent: Type.Integer() });
const CourseProgress = Type.Object({
  courseId: Uuid,
  userId: Uuid,
  ...Progress.properties,
  modules: Type.Array(Type.Object({ moduleId: Uuid, title: Type.String(), ...Progress.properties })),
});

export async function progressRoutes(app: ServiceApp, { sql }: RouteDeps): Promise<void> {
  app.put(
    '/courses/:courseId/items/:itemId/completion',
    {
      schema: {
        summary: 'Mark an item complete for yourself (idempotent); needs the item to be open to you',
        security,
        params: Type.Object({ courseId: Uuid, itemId: Uuid }),
        response: { 200: Type.Object({ itemId: Uuid, completedAt: DateTime }), ...errors },
      },
    },
    async (request) => {
      const claims = claimsOf(request);
      return withTenant(sql, claims, async (tx) => {
        const course = await visibleCourse(tx, claims, request.params.courseId);
        const membership = membershipOf(course);
        if (membership?.status !== 'active') throw forbidden('Only enrolled users track progress');
        const item = await findItem(tx, course.id, request.params.itemId);
        if (!item?.published) throw notFound(`No item ${request.params.itemId}`);
        const module = (await modulesFor(tx, claims, course, membership)).find(
          (m) => m.id === item.moduleId,
        )!;
        if (!module.access.allowed && module.access.reason !== 'staff')
          throw moduleLocked(module.access.reason);
        const completedAt = await completeItem(tx, {
          tenantId: claims.app_metadata.tenant_id,
          itemId: item.id,
          courseId: course.id,
          moduleId: item.moduleId,
          userId: claims.sub,
        });
        return { itemId: item.id, completedAt };
      });
    },
  );

  app.get(
    '/courses/:courseId/progress/:userId',
    {
      schema: {
        summary: "A student's progress: per module and for the course (yourself, or anyone as staff)",
        security,
        params: Type.Object({ courseId: Uuid, userId: Uuid }),
        response: { 200: CourseProgress, ...errors },
      },
    },
    async (request) => {
      const claims = claimsOf(request);
      const { userId } = request.params;
      return withTenant(sql, claims, async (tx) => {
        const course = await visibleCourse(tx, claims, request.params.courseId);
        if (userId !== claims.sub) assertStaff(claims, course);
        const enrollment = await findEnrollment(tx, course.id, userId);
        if (!enrollment || enrollment.status === 'dropped') throw notFound(`User ${userId} is not enrolled`);
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
    },
  );
}
