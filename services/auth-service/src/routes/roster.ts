import { requireUser, type ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import type { AuthContext } from '../domain/context.ts';
import { applyRosterImport, dryRunRoster, getRosterImport } from '../domain/roster.ts';
import { errors, meta, Uuid } from './schemas.ts';

const security = [{ bearerAuth: [] }];
const TenantParams = Type.Object({ tenantId: Uuid });
const ImportParams = Type.Object({ tenantId: Uuid, importId: Uuid });

/**
 * A 5,000-student users.csv is about 600 KB; 2 MiB (the api-gateway's pass-through limit too)
 * holds some 18,000 OneRoster rows.
 */
export const ROSTER_MAX_BYTES = 2 * 1024 * 1024;

const UserState = Type.Object({
  displayName: Type.String(),
  roles: Type.Array(Type.String()),
  status: Type.String(),
});
const Creation = Type.Object({
  line: Type.Integer(),
  sourcedId: Type.String(),
  email: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Type.String()),
});
const Change = Type.Object({
  line: Type.Integer(),
  sourcedId: Type.String(),
  userId: Type.String(),
  email: Type.String(),
  before: UserState,
  after: UserState,
});
const Removal = Type.Object({
  userId: Type.String(),
  email: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Type.String()),
  line: Type.Union([Type.Integer(), Type.Null()]),
});
const RowError = Type.Object({ file: Type.String(), line: Type.Integer(), reason: Type.String() });
const Counts = Type.Object({
  creates: Type.Integer(),
  changes: Type.Integer(),
  removals: Type.Integer(),
  unchanged: Type.Integer(),
  errors: Type.Integer(),
});
const Result = Type.Union([
  Type.Object({
    created: Type.Integer(),
    changed: Type.Integer(),
    removed: Type.Integer(),
    removalsSkipped: Type.Integer(),
  }),
  Type.Null(),
]);
const Summary = {
  id: Type.String(),
  hash: Type.String(),
  createdAt: Type.String(),
  appliedAt: Type.Union([Type.String(), Type.Null()]),
  counts: Counts,
  result: Result,
};
const DiffList = Type.Union([
  Type.Literal('creates'),
  Type.Literal('changes'),
  Type.Literal('removals'),
  Type.Literal('errors'),
]);

/** OneRoster 1.1 roster import for a tenant's admins: a dry run first, then its exact application. */
export async function rosterRoutes(app: ServiceApp, { ctx }: { ctx: AuthContext }): Promise<void> {
  app.post(
    '/tenants/:tenantId/roster-imports',
    {
      bodyLimit: ROSTER_MAX_BYTES,
      schema: {
        summary: 'Dry run of a OneRoster 1.1 users.csv: what would be created, changed and removed',
        description:
          'Body: `{ users }`, the text of users.csv (UTF-8). Users are matched by email; roles student → ' +
          'student, teacher/aide → instructor (administrator and guardian rows are refused per row). ' +
          'Bad rows are listed with their line and reason; a file that cannot be a users.csv is 400 ' +
          '`invalid-roster-file`. Nothing changes: apply with `POST …/roster-imports/{importId}/apply`.',
        security,
        params: TenantParams,
        body: Type.Object({ users: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
        response: {
          201: Type.Object({
            ...Summary,
            creates: Type.Array(Creation),
            changes: Type.Array(Change),
            removals: Type.Array(Removal),
            errors: Type.Array(RowError),
          }),
          ...errors(400, 401, 403, 404, 413),
        },
      },
    },
    async (request, reply) => {
      const dryRun = await dryRunRoster(
        ctx,
        await requireUser(request),
        request.params.tenantId,
        request.body.users,
      );
      return reply.status(201).send(dryRun);
    },
  );

  app.get(
    '/tenants/:tenantId/roster-imports/:importId',
    {
      schema: {
        summary: "A roster dry run's counts and one page of one of its lists",
        security,
        params: ImportParams,
        querystring: Type.Object({
          list: Type.Optional(DiffList),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
        }),
        response: {
          200: Type.Object({
            ...Summary,
            list: DiffList,
            total: Type.Integer(),
            items: Type.Array(Type.Union([Creation, Change, Removal, RowError])),
          }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { list = 'creates', limit, offset } = request.query;
      return getRosterImport(
        ctx,
        await requireUser(request),
        request.params.tenantId,
        request.params.importId,
        {
          list,
          limit,
          offset,
        },
      );
    },
  );

  app.post(
    '/tenants/:tenantId/roster-imports/:importId/apply',
    {
      schema: {
        summary: 'Apply a roster dry run exactly as it was shown',
        description:
          "`hash` is the dry run's. The diff is computed again and must be the same (409 `roster-changed` " +
          'otherwise). Creations and changes apply; removals (deactivations) only with `remove: true`.',
        security,
        params: ImportParams,
        body: Type.Object(
          { hash: Type.String({ pattern: '^[0-9a-f]{64}$' }), remove: Type.Boolean() },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object(Summary), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      applyRosterImport(
        ctx,
        await requireUser(request),
        request.params.tenantId,
        request.params.importId,
        request.body,
        meta(request),
      ),
  );
}
