import type { ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import { browseCourses, changeCourse, createCourse, getCourse } from '../domain/courses.ts';
import { claimsOf, type RouteDeps } from './context.ts';
import { CourseParams, DateOnly, DateTime, errors, security, Title, Uuid } from './schemas.ts';

const State = Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('archived')]);
const Code = Type.String({ minLength: 1, maxLength: 40, pattern: '^\\S(.*\\S)?$' });

export const Course = Type.Object({
  id: Uuid,
  code: Type.String(),
  title: Type.String(),
  description: Type.String(),
  term: Type.Union([Type.String(), Type.Null()]),
  state: State,
  startsOn: Type.Union([DateOnly, Type.Null()]),
  endsOn: Type.Union([DateOnly, Type.Null()]),
  selfEnrollment: Type.Boolean(),
  capacity: Type.Union([Type.Integer(), Type.Null()]),
  autoEnrollOnRegistration: Type.Boolean(),
  instructorIds: Type.Array(Uuid),
  myEnrollment: Type.Union([Type.Object({ role: Type.String(), status: Type.String() }), Type.Null()]),
  createdAt: DateTime,
  updatedAt: DateTime,
});

const CourseFields = {
  description: Type.Optional(Type.String({ maxLength: 20000 })),
  term: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 40 }), Type.Null()])),
  startsOn: Type.Optional(Type.Union([DateOnly, Type.Null()])),
  endsOn: Type.Optional(Type.Union([DateOnly, Type.Null()])),
  selfEnrollment: Type.Optional(Type.Boolean()),
  capacity: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 100000 }), Type.Null()])),
  autoEnrollOnRegistration: Type.Optional(Type.Boolean()),
};

const CreateCourse = Type.Object(
  {
    code: Code,
    title: Title,
    ...CourseFields,
    instructorIds: Type.Optional(Type.Array(Uuid, { maxItems: 50, uniqueItems: true })),
  },
  { additionalProperties: false },
);
const PatchCourse = Type.Object(
  { code: Type.Optional(Code), title: Type.Optional(Title), state: Type.Optional(State), ...CourseFields },
  { additionalProperties: false, minProperties: 1 },
);

const Cursor = Type.String({ maxLength: 400, pattern: '^[A-Za-z0-9_-]+$' });
const ListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    state: Type.Optional(State),
    term: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    enrolled: Type.Optional(Type.Boolean()),
    /** Only these courses (the api-gateway batches its by-id lookups into one call); one page holds them all. */
    ids: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 300 })),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export async function courseRoutes(app: ServiceApp, ctx: RouteDeps): Promise<void> {
  app.get(
    '/courses',
    {
      schema: {
        summary: 'The course catalog the caller may see: search, filter, cursor pagination',
        description:
          'Students see published courses open for self-enrolment or that they are enrolled in; ' +
          'instructors also see their own drafts; tenant admins see every course of the tenant.',
        security,
        querystring: ListQuery,
        response: {
          200: Type.Object({ items: Type.Array(Course), nextCursor: Type.Union([Cursor, Type.Null()]) }),
          ...errors,
        },
      },
    },
    async (request) => browseCourses(ctx, claimsOf(request), request.query),
  );

  app.get(
    '/courses/:courseId',
    {
      schema: {
        summary: 'One course, if the caller may see it',
        security,
        params: CourseParams,
        response: { 200: Course, ...errors },
      },
    },
    async (request) => getCourse(ctx, claimsOf(request), request.params.courseId),
  );

  app.post(
    '/courses',
    {
      schema: {
        summary: 'Create a draft course; the creating instructor becomes its teacher',
        security,
        body: CreateCourse,
        response: { 201: Course, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createCourse(ctx, claimsOf(request), request.body)),
  );

  app.patch(
    '/courses/:courseId',
    {
      schema: {
        summary: 'Change a course: details, state (draft → published → archived), capacity',
        security,
        params: CourseParams,
        body: PatchCourse,
        response: { 200: Course, ...errors },
      },
    },
    async (request) => changeCourse(ctx, claimsOf(request), request.params.courseId, request.body),
  );
}
