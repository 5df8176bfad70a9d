import type { ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import {
  createBank,
  createQuestion,
  createRubric,
  editQuestion,
  getQuestion,
  getRubric,
  listBankQuestions,
  listCourseBanks,
  questionVersions,
} from '../domain/banks.ts';
import type { AssessmentContext } from '../domain/context.ts';
import { questionRegrades } from '../domain/grading.ts';
import { callerOf, errors, Loose, security, Tags, Uuid } from './schemas.ts';

const QuestionBody = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  tags: Type.Optional(Tags),
  points: Type.Optional(Type.Number({ minimum: 0, maximum: 10_000 })),
  /** One of the question types' authoring schemas (see the README); checked by the domain. */
  spec: Type.Object({ type: Type.String({ maxLength: 40 }) }, { additionalProperties: true }),
  rubricId: Type.Optional(Uuid),
};

/** Question banks, questions and their versions, rubrics: course staff (or, shared, instructors). */
export async function bankRoutes(app: ServiceApp, { ctx }: { ctx: AssessmentContext }): Promise<void> {
  app.post(
    '/banks',
    {
      schema: {
        summary: 'Create a question bank for a course, or (without courseId) shared across the tenant',
        security,
        body: Type.Object(
          { courseId: Type.Optional(Uuid), title: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: { 201: Loose, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createBank(ctx, await callerOf(request), request.body)),
  );
  app.get(
    '/banks',
    {
      schema: {
        summary: "A course's banks and the tenant's shared ones (without courseId: shared only)",
        security,
        querystring: Type.Object({ courseId: Type.Optional(Uuid) }),
        response: { 200: Type.Array(Loose), ...errors(400, 401, 403) },
      },
    },
    async (request) => listCourseBanks(ctx, await callerOf(request), request.query.courseId),
  );
  app.post(
    '/banks/:bankId/questions',
    {
      schema: {
        summary: 'Add a question to a bank',
        security,
        params: Type.Object({ bankId: Uuid }),
        body: Type.Object(QuestionBody, { additionalProperties: false }),
        response: { 201: Loose, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createQuestion(ctx, await callerOf(request), request.params.bankId, request.body)),
  );
  app.get(
    '/banks/:bankId/questions',
    {
      schema: {
        summary: "A bank's questions (current versions), optionally with one tag",
        security,
        params: Type.Object({ bankId: Uuid }),
        querystring: Type.Object({ tag: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })) }),
        response: { 200: Type.Array(Loose), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) =>
      listBankQuestions(ctx, await callerOf(request), request.params.bankId, request.query.tag),
  );
  app.get(
    '/questions/:questionId',
    {
      schema: {
        summary: 'One question with its key',
        security,
        params: Type.Object({ questionId: Uuid }),
        response: { 200: Loose, ...errors(401, 403, 404) },
      },
    },
    async (request) => getQuestion(ctx, await callerOf(request), request.params.questionId),
  );
  app.patch(
    '/questions/:questionId',
    {
      schema: {
        summary: 'Edit a question; once an attempt used its version, a key or points change adds a version',
        security,
        params: Type.Object({ questionId: Uuid }),
        body: Type.Partial(Type.Object(QuestionBody, { additionalProperties: false })),
        response: { 200: Loose, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => editQuestion(ctx, await callerOf(request), request.params.questionId, request.body),
  );
  app.get(
    '/questions/:questionId/versions',
    {
      schema: {
        summary: "A question's versions, oldest first",
        security,
        params: Type.Object({ questionId: Uuid }),
        response: { 200: Type.Array(Loose), ...errors(401, 403, 404) },
      },
    },
    async (request) => questionVersions(ctx, await callerOf(request), request.params.questionId),
  );
  app.get(
    '/questions/:questionId/regrades',
    {
      schema: {
        summary: 'The regrades that moved attempts to newer versions of this question',
        security,
        params: Type.Object({ questionId: Uuid }),
        response: { 200: Type.Array(Loose), ...errors(401, 403, 404) },
      },
    },
    async (request) => questionRegrades(ctx, await callerOf(request), request.params.questionId),
  );
  app.post(
    '/rubrics',
    {
      schema: {
        summary: 'Create a rubric (criteria × levels with points); hidden notes are for graders only',
        security,
        body: Type.Object(
          {
            courseId: Type.Optional(Uuid),
            title: Type.String({ minLength: 1, maxLength: 200 }),
            criteria: Type.Array(
              Type.Object(
                {
                  id: Type.String({ minLength: 1, maxLength: 64 }),
                  title: Type.String({ minLength: 1, maxLength: 500 }),
                  hiddenNote: Type.Optional(Type.String({ maxLength: 5000 })),
                  levels: Type.Array(
                    Type.Object(
                      {
                        id: Type.String({ minLength: 1, maxLength: 64 }),
                        title: Type.String({ minLength: 1, maxLength: 500 }),
                        points: Type.Number({ minimum: 0, maximum: 1000 }),
                      },
                      { additionalProperties: false },
                    ),
                    { minItems: 1, maxItems: 20 },
                  ),
                },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: 50 },
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: Loose, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createRubric(ctx, await callerOf(request), request.body)),
  );
  app.get(
    '/rubrics/:rubricId',
    {
      schema: {
        summary: 'One rubric (staff)',
        security,
        params: Type.Object({ rubricId: Uuid }),
        response: { 200: Loose, ...errors(401, 403, 404) },
      },
    },
    async (request) => getRubric(ctx, await callerOf(request), request.params.rubricId),
  );
}
