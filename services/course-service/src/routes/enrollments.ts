import { badRequest, forbidden, HttpProblem, type ServiceApp, withTenant } from '@eduspry/common';
import { Type } from 'typebox';
import { listEnrollments } from '../db/enrollments.ts';
import { applyRoster, parseRosterCsv } from '../domain/bulk-enrollment.ts';
import { assertSelfEnrollable, enrollUser, unenrollUser } from '../domain/enrollments.ts';
import { isTenantAdmin, mayCreateCourses } from '../domain/rules.ts';
import {
  assertStaff,
  CourseParams,
  claimsOf,
  DateTime,
  errors,
  type RouteDeps,
  security,
  Uuid,
  visibleCourse,
} from './context.ts';

const Role = Type.Union([
  Type.Literal('student'),
  Type.Literal('teacher'),
  Type.Literal('ta'),
  Type.Literal('observer'),
]);
const Status = Type.Union([Type.Literal('active'), Type.Literal('waitlisted'), Type.Literal('dropped')]);
export const Enrollment = Type.Object({
  id: Uuid,
  courseId: Uuid,
  userId: Uuid,
  role: Role,
  status: Status,
  sectionId: Type.Union([Uuid, Type.Null()]),
  waitlistedAt: Type.Union([DateTime, Type.Null()]),
  createdAt: DateTime,
  updatedAt: DateTime,
});

const RowResult = Type.Object({
  row: Type.Integer(),
  sourcedId: Type.String(),
  outcome: Type.String(),
  error: Type.Optional(Type.String()),
});

/** Bulk files are small rosters, not data dumps: one class list per request. */
export const BULK_MAX_BYTES = 2 * 1024 * 1024;

export async function enrollmentRoutes(app: ServiceApp, { sql, events }: RouteDeps): Promise<void> {
  app.post(
    '/courses/:courseId/enrollments',
    {
      schema: {
        summary: 'Enrol: yourself (no userId) where the course allows it, or someone else as its staff',
        description:
          'A student beyond the course capacity lands on the waitlist (status waitlisted) and is ' +
          'enrolled when a seat frees. Enrolling an already-enrolled user changes nothing (200).',
        security,
        params: CourseParams,
        body: Type.Object(
          { userId: Type.Optional(Uuid), role: Type.Optional(Role), sectionId: Type.Optional(Uuid) },
          { additionalProperties: false },
        ),
        response: { 200: Enrollment, 201: Enrollment, ...errors },
      },
    },
    async (request, reply) => {
      const claims = claimsOf(request);
      const { userId = claims.sub, role = 'student', sectionId } = request.body;
      const outcome = await withTenant(sql, claims, async (tx) => {
        const course = await visibleCourse(tx, claims, request.params.courseId, true);
        if (userId === claims.sub && role === 'student' && !isTenantAdmin(claims)) {
          if (course.myRole !== 'teacher' && course.myRole !== 'ta') assertSelfEnrollable(course, claims);
        } else {
          assertStaff(claims, course);
          if (role === 'teacher' && !isTenantAdmin(claims) && course.myRole !== 'teacher')
            throw forbidden('Only teachers and tenant admins add teachers');
        }
        return enrollUser(tx, events, { courseId: course.id, userId, role, sectionId });
      });
      return reply.status(outcome.changed ? 201 : 200).send(outcome.enrollment);
    },
  );

  app.get(
    '/courses/:courseId/enrollments',
    {
      schema: {
        summary: "A course's roster and waitlist (staff only)",
        security,
        params: CourseParams,
        querystring: Type.Object({ status: Type.Optional(Status) }, { additionalProperties: false }),
        response: { 200: Type.Array(Enrollment), ...errors },
      },
    },
    async (request) => {
      const claims = claimsOf(request);
      return withTenant(sql, claims, async (tx) => {
        const course = await visibleCourse(tx, claims, request.params.courseId);
        assertStaff(claims, course);
        return listEnrollments(tx, course.id, request.query.status);
      });
    },
  );

  app.delete(
    '/courses/:courseId/enrollments/:userId',
    {
      schema: {
        summary: 'Unenrol (yourself, or anyone as course staff); the longest-waiting student takes the seat',
        security,
        params: Type.Object({ courseId: Uuid, userId: Uuid }),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const claims = claimsOf(request);
      await withTenant(sql, claims, async (tx) => {
        const course = await visibleCourse(tx, claims, request.params.courseId, true);
        if (request.params.userId !== claims.sub) assertStaff(claims, course);
        await unenrollUser(tx, events, { courseId: course.id, userId: request.params.userId });
      });
      return reply.status(204).send(null);
    },
  );

  await app.register(async (csv) => {
    csv.addContentTypeParser(
      'text/csv',
      { parseAs: 'string', bodyLimit: BULK_MAX_BYTES },
      (_request, body, done) => done(null, body),
    );
    csv.post(
      '/enrollments/bulk',
      {
        bodyLimit: BULK_MAX_BYTES,
        schema: {
          summary: 'Bulk enrolment from a OneRoster-style CSV: all rows apply, or none',
          description:
            'Columns: sourcedId, user (user id), class (course id or code), role (student, teacher, ' +
            'ta/aide, observer/guardian/parent). If any row is invalid, nothing is applied and the ' +
            'answer is 422 with every bad row and why. Otherwise every row applies in one transaction ' +
            'and each row reports enrolled, waitlisted or unchanged.',
          security,
          consumes: ['text/csv'],
          body: Type.String({ minLength: 1 }),
          response: {
            200: Type.Object({ applied: Type.Integer(), rows: Type.Array(RowResult) }),
            422: Type.Object({
              type: Type.String(),
              title: Type.String(),
              status: Type.Integer(),
              detail: Type.String(),
              rows: Type.Array(RowResult),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const claims = claimsOf(request);
        if (!mayCreateCourses(claims)) throw forbidden('Only instructors and tenant admins enrol in bulk');
        const parsed = parseRosterCsv(request.body as string);
        if (!parsed.ok) throw badRequest(parsed.error);
        const result = await withTenant(sql, claims, (tx) => applyRoster(tx, events, claims, parsed.rows));
        if (!result.ok)
          throw new HttpProblem(
            422,
            'invalid-roster',
            'Invalid roster',
            `${result.rows.filter((row) => row.error).length} row(s) are invalid; nothing was applied`,
            { rows: result.rows },
          );
        return { applied: result.rows.length, rows: result.rows };
      },
    );
  });
}
