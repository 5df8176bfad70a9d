import type { ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import type { AssessmentContext } from '../domain/context.ts';
import { gradeAudit, listQuizAttempts, overrideGrade, regradeQuiz } from '../domain/grading.ts';
import { liveQuiz } from '../domain/live.ts';
import { courseQuizzes, createQuiz, editQuiz, getQuiz, setAccommodation } from '../domain/quizzes.ts';
import {
  callerOf,
  DateTime,
  errors,
  LiveQuiz,
  Loose,
  QuizSettings,
  quizFields,
  security,
  Uuid,
} from './schemas.ts';

const Nullable = <T extends import('typebox').TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Quizzes of a course: building them (staff), reading them (members), accommodations, regrades, overrides. */
export async function quizRoutes(app: ServiceApp, { ctx }: { ctx: AssessmentContext }): Promise<void> {
  app.post(
    '/courses/:courseId/quizzes',
    {
      schema: {
        summary:
          'Create a quiz in a course: settings and sections (fixed questions or N drawn from a bank/tag)',
        security,
        params: Type.Object({ courseId: Uuid }),
        body: Type.Object(QuizSettings, { additionalProperties: false }),
        response: { 201: Loose, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await createQuiz(ctx, await callerOf(request), request.params.courseId, quizFields(request.body)),
        ),
  );
  app.get(
    '/courses/:courseId/quizzes',
    {
      schema: {
        summary: "A course's quizzes: all for staff, published ones (without access codes) for students",
        security,
        params: Type.Object({ courseId: Uuid }),
        response: { 200: Type.Array(Loose), ...errors(401, 403, 404) },
      },
    },
    async (request) => courseQuizzes(ctx, await callerOf(request), request.params.courseId),
  );
  app.get(
    '/quizzes/:quizId',
    {
      schema: {
        summary: 'One quiz: with sections for staff, the summary for students',
        security,
        params: Type.Object({ quizId: Uuid }),
        response: { 200: Loose, ...errors(401, 403, 404) },
      },
    },
    async (request) => getQuiz(ctx, await callerOf(request), request.params.quizId),
  );
  app.patch(
    '/quizzes/:quizId',
    {
      schema: {
        summary: 'Change settings or replace sections (attempts already started keep their questions)',
        security,
        params: Type.Object({ quizId: Uuid }),
        body: Type.Partial(Type.Object(QuizSettings, { additionalProperties: false })),
        response: { 200: Loose, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      editQuiz(ctx, await callerOf(request), request.params.quizId, quizFields(request.body)),
  );
  app.put(
    '/quizzes/:quizId/accommodations/:userId',
    {
      schema: {
        summary: "A student's accommodation: extra time, extra attempts, own dates",
        security,
        params: Type.Object({ quizId: Uuid, userId: Uuid }),
        body: Type.Object(
          {
            extraTimeSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 7 * 24 * 3600 })),
            extraAttempts: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
            opensAt: Type.Optional(Nullable(DateTime)),
            dueAt: Type.Optional(Nullable(DateTime)),
            closesAt: Type.Optional(Nullable(DateTime)),
          },
          { additionalProperties: false },
        ),
        response: { 200: Loose, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const body = quizFields(request.body);
      return setAccommodation(ctx, await callerOf(request), request.params.quizId, {
        userId: request.params.userId,
        extraTimeSeconds: body.extraTimeSeconds ?? 0,
        extraAttempts: body.extraAttempts ?? 0,
        opensAt: body.opensAt ?? null,
        dueAt: body.dueAt ?? null,
        closesAt: body.closesAt ?? null,
      });
    },
  );
  app.get(
    '/quizzes/:quizId/attempts',
    {
      schema: {
        summary: 'Every attempt at a quiz (staff)',
        security,
        params: Type.Object({ quizId: Uuid }),
        response: { 200: Type.Array(Loose), ...errors(401, 403, 404) },
      },
    },
    async (request) => listQuizAttempts(ctx, await callerOf(request), request.params.quizId),
  );
  app.get(
    '/quizzes/:quizId/live',
    {
      schema: {
        summary:
          "The live view of a running quiz (staff): open and just-submitted attempts, each one's last saved question and deadline, and the staff channel that streams what changes",
        security,
        params: Type.Object({ quizId: Uuid }),
        response: { 200: LiveQuiz, ...errors(401, 403, 404) },
      },
    },
    async (request) => liveQuiz(ctx, await callerOf(request), request.params.quizId),
  );
  app.post(
    '/quizzes/:quizId/regrade',
    {
      schema: {
        summary:
          "Regrade submitted attempts on the questions' current versions (or one question to a chosen version)",
        security,
        params: Type.Object({ quizId: Uuid }),
        body: Type.Object(
          { questionId: Type.Optional(Uuid), toVersion: Type.Optional(Type.Integer({ minimum: 1 })) },
          { additionalProperties: false },
        ),
        response: { 200: Loose, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => regradeQuiz(ctx, await callerOf(request), request.params.quizId, request.body),
  );
  app.put(
    '/quizzes/:quizId/grades/:userId',
    {
      schema: {
        summary: "Override a student's quiz grade (null clears it); the reason is audited",
        security,
        params: Type.Object({ quizId: Uuid, userId: Uuid }),
        body: Type.Object(
          {
            score: Nullable(Type.Number({ minimum: 0 })),
            reason: Type.String({ minLength: 3, maxLength: 2000 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Loose, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) =>
      overrideGrade(ctx, await callerOf(request), request.params.quizId, request.params.userId, request.body),
  );
  app.get(
    '/quizzes/:quizId/grades/:userId/audit',
    {
      schema: {
        summary: "Every manual grade, override and regrade of a student's quiz grade",
        security,
        params: Type.Object({ quizId: Uuid, userId: Uuid }),
        response: { 200: Type.Array(Loose), ...errors(401, 403, 404) },
      },
    },
    async (request) => gradeAudit(ctx, await callerOf(request), request.params.quizId, request.params.userId),
  );
}
