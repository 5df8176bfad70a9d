import { requireUser } from '@eduspry/common';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Caller } from '../domain/context.ts';

export { errors } from '@eduspry/common';

export const Uuid = Type.String({ format: 'uuid' });
export const security = [{ bearerAuth: [] }];
export const DateTime = Type.String({ format: 'date-time' });
/** Staff-facing shapes carry authored content as it is; students get the precise shapes below. */
export const Loose = Type.Object({}, { additionalProperties: true });

/** The verified caller and the header course-service is asked with. */
export async function callerOf(request: FastifyRequest): Promise<Caller> {
  const claims = await requireUser(request);
  return { claims, authorization: request.headers.authorization! };
}

export const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 20 });

const Nullable = <T extends import('typebox').TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const QuizSettings = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 20_000 })),
  courseItemId: Type.Optional(Nullable(Uuid)),
  published: Type.Optional(Type.Boolean()),
  opensAt: Type.Optional(Nullable(DateTime)),
  dueAt: Type.Optional(Nullable(DateTime)),
  closesAt: Type.Optional(Nullable(DateTime)),
  timeLimitSeconds: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 7 * 24 * 3600 }))),
  attemptsAllowed: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  scoringPolicy: Type.Optional(
    Type.Union([Type.Literal('highest'), Type.Literal('latest'), Type.Literal('average')]),
  ),
  shuffleQuestions: Type.Optional(Type.Boolean()),
  oneQuestionAtATime: Type.Optional(Type.Boolean()),
  accessCode: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
  releasePolicy: Type.Optional(
    Type.Union([Type.Literal('never'), Type.Literal('after_submit'), Type.Literal('after_due')]),
  ),
  categoryId: Type.Optional(Nullable(Uuid)),
  extraCredit: Type.Optional(Type.Boolean()),
  sections: Type.Optional(
    Type.Array(
      Type.Union([
        Type.Object(
          {
            kind: Type.Literal('fixed'),
            questionIds: Type.Array(Uuid, { minItems: 1, maxItems: 500 }),
            pointsEach: Type.Optional(Type.Number({ minimum: 0, maximum: 10_000 })),
          },
          { additionalProperties: false },
        ),
        Type.Object(
          {
            kind: Type.Literal('random'),
            bankId: Uuid,
            tag: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
            count: Type.Integer({ minimum: 1, maximum: 500 }),
            pointsEach: Type.Optional(Type.Number({ minimum: 0, maximum: 10_000 })),
          },
          { additionalProperties: false },
        ),
      ]),
      { maxItems: 50 },
    ),
  ),
};

const toDate = (value: string | null | undefined) =>
  value === undefined ? undefined : value === null ? null : new Date(value);

/** Request body dates → Date; everything else as sent. */
export function quizFields<
  T extends { opensAt?: string | null; dueAt?: string | null; closesAt?: string | null },
>(body: T) {
  return {
    ...body,
    opensAt: toDate(body.opensAt),
    dueAt: toDate(body.dueAt),
    closesAt: toDate(body.closesAt),
  };
}

/** One question of an attempt as its student sees it. */
export const StudentQuestion = Type.Object(
  {
    position: Type.Integer(),
    type: Type.String(),
    points: Type.Number(),
    payload: Type.Record(Type.String(), Type.Unknown()),
    answer: Type.Unknown(),
    score: Type.Optional(Nullable(Type.Number())),
    needsManual: Type.Optional(Type.Boolean()),
    feedback: Type.Optional(Nullable(Type.String())),
    correct: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

export const StudentAttempt = Type.Object(
  {
    id: Uuid,
    quizId: Uuid,
    number: Type.Integer(),
    status: Type.Union([Type.Literal('in_progress'), Type.Literal('submitted')]),
    startedAt: DateTime,
    deadlineAt: Nullable(DateTime),
    timeRemainingSeconds: Nullable(Type.Integer()),
    submittedAt: Nullable(DateTime),
    autoSubmitted: Type.Boolean(),
    oneQuestionAtATime: Type.Boolean(),
    pointsPossible: Type.Number(),
    score: Nullable(Type.Number()),
    gradingState: Nullable(Type.String()),
    released: Type.Boolean(),
    resumed: Type.Optional(Type.Boolean()),
    questions: Type.Array(StudentQuestion),
  },
  { additionalProperties: false },
);

export const StudentQuiz = Type.Object(
  {
    id: Uuid,
    courseId: Uuid,
    courseItemId: Nullable(Uuid),
    title: Type.String(),
    description: Type.String(),
    published: Type.Boolean(),
    opensAt: Nullable(DateTime),
    dueAt: Nullable(DateTime),
    closesAt: Nullable(DateTime),
    timeLimitSeconds: Nullable(Type.Integer()),
    attemptsAllowed: Type.Integer(),
    scoringPolicy: Type.String(),
    oneQuestionAtATime: Type.Boolean(),
    releasePolicy: Type.String(),
    pointsPossible: Type.Number(),
    accessCodeRequired: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** One of the caller's attempts as a quiz summary lists it. */
export const MyAttemptSummary = Type.Object(
  {
    id: Uuid,
    number: Type.Integer(),
    status: Type.Union([Type.Literal('in_progress'), Type.Literal('submitted')]),
    startedAt: DateTime,
    deadlineAt: Nullable(DateTime),
    submittedAt: Nullable(DateTime),
    autoSubmitted: Type.Boolean(),
    pointsPossible: Type.Number(),
    score: Nullable(Type.Number()),
    gradingState: Nullable(Type.String()),
    released: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** A quiz before starting, as the caller sees it: their own dates and attempts (accommodations applied). */
export const MyQuiz = Type.Object(
  {
    ...StudentQuiz.properties,
    attemptsUsed: Type.Integer(),
    attempts: Type.Array(MyAttemptSummary),
  },
  { additionalProperties: false },
);

export const MyQuizPage = Type.Object({ items: Type.Array(MyQuiz) }, { additionalProperties: false });

/** One attempt in the live view, as the snapshot and each `quiz_progress` broadcast carry it. */
export const AttemptProgress = Type.Object(
  {
    attemptId: Uuid,
    userId: Uuid,
    number: Type.Integer(),
    status: Type.Union([Type.Literal('in_progress'), Type.Literal('submitted')]),
    startedAt: DateTime,
    deadlineAt: Nullable(DateTime),
    questionCount: Type.Integer(),
    position: Nullable(Type.Integer({ description: 'the question saved last (0-based)' })),
    answered: Type.Boolean({ description: 'whether that save holds an answer' }),
    savedAt: Nullable(DateTime),
    submittedAt: Nullable(DateTime),
    autoSubmitted: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const LiveQuiz = Type.Object(
  {
    quizId: Uuid,
    courseId: Uuid,
    now: DateTime,
    channel: Type.Object(
      {
        topic: Type.String({ description: '`course-staff:<courseId>`, a private realtime channel' }),
        event: Type.Literal('quiz_progress'),
        private: Type.Literal(true),
      },
      { additionalProperties: false },
    ),
    attempts: Type.Array(
      Type.Object(
        { ...AttemptProgress.properties, answeredPositions: Type.Array(Type.Integer()) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
