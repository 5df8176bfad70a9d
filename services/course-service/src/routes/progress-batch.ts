import { type ServiceApp, withTenant } from '@eduspry/common';
import { Type } from 'typebox';
import { findVisibleCourse } from '../db/courses.ts';
import { courseProgress, modulesFor } from '../domain/access.ts';
import { viewerOf } from '../domain/rules.ts';
import { claimsOf, errors, membershipOf, type RouteDeps, security, Uuid } from './context.ts';

const Progress = Type.Object({ completed: Type.Integer(), total: Type.Integer(), percent: Type.Integer() });

/**
 * The caller's own progress in many courses at once, so a dashboard of N courses is one call
 * (the api-gateway batches its Course.progress fields into this). A course the caller cannot
 * see, or is not actively enrolled in, answers `progress: null` rather than failing the batch.
 */
export async function progressBatchRoutes(app: ServiceApp, { sql }: RouteDeps): Promise<void> {
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
    async (request) => {
      const claims = claimsOf(request);
      const courseIds = [...new Set(request.query.courseIds)];
      const items = await withTenant(sql, claims, async (tx) => {
        const results = [];
        for (const courseId of courseIds) {
          const course = await findVisibleCourse(tx, viewerOf(claims), courseId);
          const membership = course ? membershipOf(course) : null;
          if (!course || membership?.status !== 'active') {
            results.push({ courseId, progress: null });
            continue;
          }
          results.push({
            courseId,
            progress: courseProgress(await modulesFor(tx, claims, course, membership)),
          });
        }
        return results;
      });
      return { items };
    },
  );
}
