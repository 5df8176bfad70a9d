import { errors as problemResponses, type ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import {
  applyEnrollmentImport,
  dryRunEnrollmentImport,
  getEnrollmentImport,
} from '../domain/roster-imports.ts';
import { claimsOf, type RouteDeps } from './context.ts';
import { EnrollmentStatus, Role, security, Uuid } from './schemas.ts';

/**
 * The three files together, as JSON text: 2 MiB is also the api-gateway's pass-through limit, and
 * holds the users, classes and some 12,000 enrolments of a district's OneRoster export.
 */
export const ONEROSTER_MAX_BYTES = 2 * 1024 * 1024;

const ImportParams = Type.Object({ importId: Uuid });
const Planned = {
  line: Type.Integer(),
  sourcedId: Type.String(),
  courseId: Uuid,
  courseCode: Type.String(),
  userId: Uuid,
  email: Type.String(),
  role: Role,
};
const Enrolment = Type.Object(Planned);
const Change = Type.Object({ ...Planned, before: Type.Object({ role: Role, status: EnrollmentStatus }) });
const RowError = Type.Object({ file: Type.String(), line: Type.Integer(), reason: Type.String() });
const Summary = {
  id: Uuid,
  hash: Type.String(),
  createdAt: Type.String(),
  appliedAt: Type.Union([Type.String(), Type.Null()]),
  counts: Type.Object({
    enrols: Type.Integer(),
    changes: Type.Integer(),
    removals: Type.Integer(),
    unchanged: Type.Integer(),
    errors: Type.Integer(),
  }),
  result: Type.Union([
    Type.Object({
      enrolled: Type.Integer(),
      waitlisted: Type.Integer(),
      changed: Type.Integer(),
      removed: Type.Integer(),
      removalsSkipped: Type.Integer(),
    }),
    Type.Null(),
  ]),
};
const PlanList = Type.Union([
  Type.Literal('enrols'),
  Type.Literal('changes'),
  Type.Literal('removals'),
  Type.Literal('errors'),
]);
const File = Type.String({ minLength: 1 });

/** OneRoster 1.1 enrolments for a tenant's admins: a dry run first, then its exact application. */
export async function rosterImportRoutes(app: ServiceApp, ctx: RouteDeps): Promise<void> {
  app.post(
    '/roster-imports',
    {
      bodyLimit: ONEROSTER_MAX_BYTES,
      schema: {
        summary: 'Dry run of OneRoster 1.1 enrolments: what would be enrolled, changed and dropped',
        description:
          "Body: the text of the export's users.csv, classes.csv and enrollments.csv (UTF-8). Each " +
          "enrolment's class is the course whose code is the class's classCode; its user is the " +
          "account with the user's email (apply the users import first). Roles student, teacher, " +
          'aide → ta, guardian/parent → observer. Bad rows are listed with their file, line and ' +
          'reason; files that cannot be OneRoster CSVs are 400 `invalid-roster-file`. Nothing ' +
          'changes: apply with `POST /roster-imports/{importId}/apply`.',
        security,
        body: Type.Object({ users: File, classes: File, enrollments: File }, { additionalProperties: false }),
        response: {
          201: Type.Object({
            ...Summary,
            enrols: Type.Array(Enrolment),
            changes: Type.Array(Change),
            removals: Type.Array(Enrolment),
            errors: Type.Array(RowError),
          }),
          ...problemResponses(400, 401, 403, 413),
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await dryRunEnrollmentImport(ctx, claimsOf(request), request.body)),
  );

  app.get(
    '/roster-imports/:importId',
    {
      schema: {
        summary: "An enrolment dry run's counts and one page of one of its lists",
        security,
        params: ImportParams,
        querystring: Type.Object({
          list: Type.Optional(PlanList),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
        }),
        response: {
          200: Type.Object({
            ...Summary,
            list: PlanList,
            total: Type.Integer(),
            items: Type.Array(Type.Union([Change, Enrolment, RowError])),
          }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { list = 'enrols', limit, offset } = request.query;
      return getEnrollmentImport(ctx, claimsOf(request), request.params.importId, { list, limit, offset });
    },
  );

  app.post(
    '/roster-imports/:importId/apply',
    {
      schema: {
        summary: 'Apply an enrolment dry run exactly as it was shown',
        description:
          "`hash` is the dry run's. The plan is computed again and must be the same (409 " +
          '`roster-changed` otherwise). Enrolments and role changes apply (a student of a full ' +
          'course is waitlisted); drops of `tobedeleted` rows only with `remove: true`.',
        security,
        params: ImportParams,
        body: Type.Object(
          { hash: Type.String({ pattern: '^[0-9a-f]{64}$' }), remove: Type.Boolean() },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object(Summary), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => applyEnrollmentImport(ctx, claimsOf(request), request.params.importId, request.body),
  );
}
