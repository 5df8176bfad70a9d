import type { ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import {
  myQuizzes,
  saveAttemptAnswer,
  startAttempt,
  submitAttempt,
  viewAttempt,
} from '../domain/attempts.ts';
import type { AssessmentContext } from '../domain/context.ts';
import { callerOf, DateTime, errors, MyQuizPage, StudentAttempt, security, Uuid } from './schemas.ts';

const AttemptParams = Type.Object({ attemptId: Uuid });

/** A student's side of a quiz: start or resume, autosave, submit, read back. */
export async function attemptRoutes(app: ServiceApp, { ctx }: { ctx: AssessmentContext }): Promise<void> {
  app.get(
    '/me/quizzes',
    {
      schema: {
        summary:
          "Before starting: for each quiz asked (up to 100), the caller's dates, attempts allowed and used, and own attempts",
        security,
        querystring: Type.Object(
          { ids: Type.Array(Uuid, { minItems: 1, maxItems: 100 }) },
          { additionalProperties: false },
        ),
        response: { 200: MyQuizPage, ...errors(400, 401, 503) },
      },
    },
    async (request) => myQuizzes(ctx, await callerOf(request), request.query.ids),
  );
  app.post(
    '/quizzes/:quizId/attempts',
    {
      schema: {
        summary: 'Start an attempt, or resume the one in progress (on any device)',
        security,
        params: Type.Object({ quizId: Uuid }),
        body: Type.Optional(
          Type.Object(
            { accessCode: Type.Optional(Type.String({ maxLength: 100 })) },
            { additionalProperties: false },
          ),
        ),
        response: { 200: StudentAttempt, 201: StudentAttempt, ...errors(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const attempt = await startAttempt(
        ctx,
        await callerOf(request),
        request.params.quizId,
        request.body ?? {},
      );
      return reply.status(attempt.resumed ? 200 : 201).send(attempt);
    },
  );
  app.get(
    '/attempts/:attemptId',
    {
      schema: {
        summary: "The caller's attempt: questions, saved answers, and results as the release policy allows",
        security,
        params: AttemptParams,
        response: { 200: StudentAttempt, ...errors(401, 404) },
      },
    },
    async (request) => viewAttempt(ctx, await callerOf(request), request.params.attemptId),
  );
  app.put(
    '/attempts/:attemptId/answers/:position',
    {
      schema: {
        summary: 'Autosave one answer (null clears it); refused once submitted or past deadline + grace',
        security,
        params: Type.Object({ attemptId: Uuid, position: Type.Integer({ minimum: 0, maximum: 10_000 }) }),
        body: Type.Object({ answer: Type.Unknown() }, { additionalProperties: false }),
        response: {
          200: Type.Object({ position: Type.Integer(), savedAt: DateTime }),
          ...errors(400, 401, 404, 409),
        },
      },
      bodyLimit: 512 * 1024,
    },
    async (request) =>
      saveAttemptAnswer(
        ctx,
        await callerOf(request),
        request.params.attemptId,
        request.params.position,
        request.body.answer ?? null,
      ),
  );
  app.post(
    '/attempts/:attemptId/submit',
    {
      schema: {
        summary: 'Submit and auto-grade; a second submit returns the same attempt unchanged',
        security,
        params: AttemptParams,
        response: { 200: StudentAttempt, ...errors(401, 404, 409) },
      },
    },
    async (request) => submitAttempt(ctx, await callerOf(request), request.params.attemptId),
  );
}
