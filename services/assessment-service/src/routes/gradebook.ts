import type { ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import type { AssessmentContext } from '../domain/context.ts';
import {
  addCategory,
  courseCategories,
  courseGradebook,
  gradebookCsv,
  myGrades,
  saveSettings,
} from '../domain/gradebook.ts';
import { callerOf, errors, Loose, security, Uuid } from './schemas.ts';

const CourseParams = Type.Object({ courseId: Uuid });
const Nullable = <T extends import('typebox').TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** The course gradebook: staff see every student (JSON, CSV), a student only themself. */
export async function gradebookRoutes(app: ServiceApp, { ctx }: { ctx: AssessmentContext }): Promise<void> {
  app.get(
    '/courses/:courseId/gradebook',
    {
      schema: {
        summary: "Every student's grades and course grade (staff)",
        security,
        params: CourseParams,
        response: { 200: Loose, ...errors(401, 403, 404) },
      },
    },
    async (request) => courseGradebook(ctx, await callerOf(request), request.params.courseId),
  );
  app.get(
    '/courses/:courseId/gradebook/me',
    {
      schema: {
        summary: "The caller's own grades in the course",
        security,
        params: CourseParams,
        response: { 200: Loose, ...errors(401, 403, 404) },
      },
    },
    async (request) => myGrades(ctx, await callerOf(request), request.params.courseId),
  );
  app.get(
    '/courses/:courseId/gradebook.csv',
    {
      schema: {
        summary: 'The gradebook as CSV (staff)',
        security,
        params: CourseParams,
        response: { 200: Type.String({ description: 'text/csv' }), ...errors(401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="gradebook-${request.params.courseId}.csv"`)
        .send(await gradebookCsv(ctx, await callerOf(request), request.params.courseId)),
  );
  app.put(
    '/courses/:courseId/gradebook/settings',
    {
      schema: {
        summary: 'Weighting, late policy and letter scheme of the course gradebook',
        security,
        params: CourseParams,
        body: Type.Object(
          {
            weighted: Type.Boolean(),
            latePolicy: Nullable(
              Type.Object(
                {
                  deductionPercent: Type.Number({ minimum: 0, maximum: 100 }),
                  intervalHours: Type.Number({ exclusiveMinimum: 0, maximum: 24 * 365 }),
                  floorPercent: Type.Number({ minimum: 0, maximum: 100 }),
                  missingPercent: Nullable(Type.Number({ minimum: 0, maximum: 100 })),
                },
                { additionalProperties: false },
              ),
            ),
            letterScheme: Nullable(
              Type.Array(
                Type.Object(
                  {
                    letter: Type.String({ minLength: 1, maxLength: 5 }),
                    minPercent: Type.Number({ minimum: 0, maximum: 1000 }),
                  },
                  { additionalProperties: false },
                ),
                { minItems: 1, maxItems: 30 },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Loose, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => saveSettings(ctx, await callerOf(request), request.params.courseId, request.body),
  );
  app.post(
    '/courses/:courseId/grade-categories',
    {
      schema: {
        summary: 'Add a grade category (assignment group) with a weight and drop-lowest-N',
        security,
        params: CourseParams,
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            weight: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
            dropLowest: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
            position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Loose, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await addCategory(ctx, await callerOf(request), request.params.courseId, request.body)),
  );
  app.get(
    '/courses/:courseId/grade-categories',
    {
      schema: {
        summary: "The course's grade categories",
        security,
        params: CourseParams,
        response: { 200: Type.Array(Loose), ...errors(401, 403, 404) },
      },
    },
    async (request) => courseCategories(ctx, await callerOf(request), request.params.courseId),
  );
}
