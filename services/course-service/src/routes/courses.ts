import { badRequest, conflict, forbidden, type ServiceApp, withTenant } from '@eduspry/common';
import { Type } from 'typebox';
import { type CourseRow, courseCodeTaken, insertCourse, listCourses, updateCourse } from '../db/courses.ts';
import { enrollUser, fillSeats } from '../domain/enrollments.ts';
import { canTransition, isTenantAdmin, mayCreateCourses, viewerOf } from '../domain/rules.ts';
import {
  assertStaff,
  CourseParams,
  claimsOf,
  DateOnly,
  DateTime,
  errors,
  type RouteDeps,
  security,
  Uuid,
  visibleCourse,
} from './context.ts';

const State = Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('archived')]);
const Code = Type.String({ minLength: 1, maxLength: 40, pattern: '^\\S(.*\\S)?$' });
const Title = Type.String({ minLength: 1, maxLength: 200 });

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
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export function toCourse(row: CourseRow) {
  const { myRole, myStatus, ...course } = row;
  return { ...course, myEnrollment: myRole && myStatus ? { role: myRole, status: myStatus } : null };
}

const encodeCursor = (row: CourseRow) =>
  Buffer.from(JSON.stringify([row.code, row.id])).toString('base64url');

function decodeCursor(cursor: string): { code: string; id: string } {
  try {
    const [code, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof code === 'string' && typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id))
      return { code, id };
  } catch {}
  throw badRequest('cursor is not one this API returned');
}

function assertDates(startsOn: string | null | undefined, endsOn: string | null | undefined) {
  if (startsOn && endsOn && endsOn < startsOn) throw badRequest('endsOn must not be before startsOn');
}

export async function courseRoutes(app: ServiceApp, { sql, events }: RouteDeps): Promise<void> {
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
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      const after = cursor ? decodeCursor(cursor) : undefined;
      const rows = await withTenant(sql, claimsOf(request), (tx) =>
        listCourses(tx, viewerOf(claimsOf(request)), { ...filter, after, limit: limit + 1 }),
      );
      const page = rows.slice(0, limit);
      return {
        items: page.map(toCourse),
        nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null,
      };
    },
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
    async (request) =>
      toCourse(
        await withTenant(sql, claimsOf(request), (tx) =>
          visibleCourse(tx, claimsOf(request), request.params.courseId),
        ),
      ),
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
    async (request, reply) => {
      const claims = claimsOf(request);
      if (!mayCreateCourses(claims)) throw forbidden('Only instructors and tenant admins create courses');
      const { instructorIds = [], ...body } = request.body;
      assertDates(body.startsOn, body.endsOn);
      if (body.autoEnrollOnRegistration && !isTenantAdmin(claims))
        throw forbidden('Only tenant admins choose the orientation course');
      const course = await withTenant(sql, claims, async (tx) => {
        const id = await insertCourse(tx, {
          ...body,
          tenantId: claims.app_metadata.tenant_id,
          createdBy: claims.sub,
        });
        if (!id) throw conflict(`A course with code ${body.code} already exists`);
        const teachers = new Set(instructorIds);
        if (!isTenantAdmin(claims)) teachers.add(claims.sub);
        for (const userId of teachers)
          await enrollUser(tx, events, { courseId: id, userId, role: 'teacher' });
        return visibleCourse(tx, claims, id);
      });
      return reply.status(201).send(toCourse(course));
    },
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
    async (request) => {
      const claims = claimsOf(request);
      const { body } = request;
      if (body.autoEnrollOnRegistration !== undefined && !isTenantAdmin(claims))
        throw forbidden('Only tenant admins choose the orientation course');
      const course = await withTenant(sql, claims, async (tx) => {
        const current = await visibleCourse(tx, claims, request.params.courseId, true);
        assertStaff(claims, current);
        if (body.state && !canTransition(current.state, body.state))
          throw conflict(`A ${current.state} course cannot become ${body.state}`);
        assertDates(
          body.startsOn === undefined ? current.startsOn : body.startsOn,
          body.endsOn === undefined ? current.endsOn : body.endsOn,
        );
        if (body.code && body.code !== current.code) {
          if (await courseCodeTaken(tx, current.id, body.code))
            throw conflict(`A course with code ${body.code} already exists`);
        }
        await updateCourse(tx, current.id, body);
        if (body.capacity !== undefined) await fillSeats(tx, events, current.id);
        return visibleCourse(tx, claims, current.id);
      });
      return toCourse(course);
    },
  );
}
