import type { ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import { importRoster } from '../domain/bulk-enrollment.ts';
import { courseRoster, enroll, unenroll } from '../domain/enrollments.ts';
import { claimsOf, type RouteDeps } from './context.ts';
import { CourseParams, DateTime, EnrollmentStatus, errors, Role, security, Uuid } from './schemas.ts';

export const Enrollment = Type.Object({
  id: Uuid,
  courseId: Uuid,
  userId: Uuid,
  role: Role,
  status: EnrollmentStatus,
  sectionId: Type.Union([Uuid, Type.Null()]),
  waitlistedAt: Type.Union([DateTime, Type.Null()]),
  createdAt: DateTime,
  updatedAt: DateTime,
});

/** A roster line: the enrolment and the member's name from the user directory (null while unknown). */
const RosterEntry = Type.Object({
  ...Enrollment.properties,
  displayName: Type.Union([Type.String(), Type.Null()]),
});

const RowResult = Type.Object({
  row: Type.Integer(),
  sourcedId: Type.String(),
  outcome: Type.String(),
  error: Type.Optional(Type.String()),
});

/** Bulk files are small rosters, not data dumps: one class list per request. */
export const BULK_MAX_BYTES = 2 * 1024 * 1024;

export async function enrollmentRoutes(app: ServiceApp, ctx: RouteDeps): Promise<void> {
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
      const outcome = await enroll(ctx, claimsOf(request), request.params.courseId, request.body);
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
        querystring: Type.Object(
          { status: Type.Optional(EnrollmentStatus) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(RosterEntry), ...errors },
      },
    },
    async (request) => courseRoster(ctx, claimsOf(request), request.params.courseId, request.query.status),
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
      await unenroll(ctx, claimsOf(request), request.params.courseId, request.params.userId);
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
            'and each row reports enrolled, waitlisted or unchanged. With an `Idempotency-Key`, a ' +
            'roster applies at most once per key.',
          security,
          consumes: ['text/csv'],
          headers: Type.Object({
            'idempotency-key': Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 200,
                pattern: '^[\\x21-\\x7e]+$',
                description:
                  'Applies the roster at most once per tenant and key (e.g. a SIS delivery id): a repeat ' +
                  'gets the first answer with `replayed: true` and changes nothing',
              }),
            ),
          }),
          body: Type.String({ minLength: 1 }),
          response: {
            200: Type.Object({
              applied: Type.Integer(),
              rows: Type.Array(RowResult),
              replayed: Type.Optional(Type.Literal(true)),
            }),
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
      async (request) =>
        importRoster(
          ctx,
          claimsOf(request),
          request.body as string,
          request.headers['idempotency-key'] as string | undefined,
        ),
    );
  });
}
