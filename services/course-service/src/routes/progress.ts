import type { ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import { markItemComplete, memberProgress, myProgressIn } from '../domain/progress.ts';
import { claimsOf, type RouteDeps } from './context.ts';
import { DateTime, errors, Progress, security, Uuid } from './schemas.ts';

const CourseProgress = Type.Object({
  courseId: Uuid,
  userId: Uuid,
  ...Progress.properties,
  modules: Type.Array(Type.Object({ moduleId: Uuid, title: Type.String(), ...Progress.properties })),
});

export async function progressRoutes(app: ServiceApp, ctx: RouteDeps): Promise<void> {
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
    async (request) =>
      markItemComplete(ctx, claimsOf(request), request.params.courseId, request.params.itemId),
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
    async (request) => memberProgress(ctx, claimsOf(request), request.params.courseId, request.params.userId),
  );

  /**
   * The caller's own progress in many courses at once, so a dashboard of N courses is one call
   * (the api-gateway batches its Course.progress fields into this).
   */
  app.get(
    '/progress',
    {
      schema: {
        summary: "The caller's progress in up to 100 courses (null where not enrolled)",
        security,
        querystring: Type.Object(
          { courseIds: Type.Array(Uuid, { minItems: 1, maxItems: 100 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ courseId: Uuid, progress: Type.Union([Progress, Type.Null()]) })),
          }),
          ...errors,
        },
      },
    },
    async (request) => ({ items: await myProgressIn(ctx, claimsOf(request), request.query.courseIds) }),
  );
}
