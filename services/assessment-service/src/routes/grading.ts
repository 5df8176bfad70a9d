import type { ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import type { AssessmentContext } from '../domain/context.ts';
import { gradeManually, manualQueue, staffAttempt } from '../domain/grading.ts';
import { callerOf, errors, Loose, security, Uuid } from './schemas.ts';

/** Staff grading: the manual queue, a full attempt, rubric or points grading with feedback. */
export async function gradingRoutes(app: ServiceApp, { ctx }: { ctx: AssessmentContext }): Promise<void> {
  app.get(
    '/courses/:courseId/grading-queue',
    {
      schema: {
        summary: 'Essays and file responses waiting for a grader, oldest submission first',
        security,
        params: Type.Object({ courseId: Uuid }),
        querystring: Type.Object({
          quizId: Type.Optional(Uuid),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
        }),
        response: { 200: Type.Array(Loose), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) =>
      manualQueue(
        ctx,
        await callerOf(request),
        request.params.courseId,
        request.query.quizId,
        request.query.limit,
      ),
  );
  app.get(
    '/attempts/:attemptId/review',
    {
      schema: {
        summary: 'An attempt in full for its course staff: keys, answers, scores',
        security,
        params: Type.Object({ attemptId: Uuid }),
        response: { 200: Loose, ...errors(401, 403, 404) },
      },
    },
    async (request) => staffAttempt(ctx, await callerOf(request), request.params.attemptId),
  );
  app.post(
    '/attempts/:attemptId/questions/:position/grade',
    {
      schema: {
        summary: 'Grade a manually graded question by rubric (criterion → level) or points, with feedback',
        security,
        params: Type.Object({ attemptId: Uuid, position: Type.Integer({ minimum: 0, maximum: 10_000 }) }),
        body: Type.Object(
          {
            rubric: Type.Optional(
              Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 64 })),
            ),
            score: Type.Optional(Type.Number({ minimum: 0 })),
            feedback: Type.Optional(Type.String({ maxLength: 20_000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Loose, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      gradeManually(
        ctx,
        await callerOf(request),
        request.params.attemptId,
        request.params.position,
        request.body,
      ),
  );
}
