import { requireUser, type ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import type { AuthContext } from '../domain/context.ts';
import {
  createTenant,
  getTenant,
  listAllTenants,
  publicTenant,
  setTenantStatus,
  tenantAudit,
  updateTenantDetails,
} from '../domain/tenants.ts';
import { errors, meta, Page, Slug, Uuid } from './schemas.ts';

const PublicTenant = Type.Object({ id: Type.String({ format: 'uuid' }), slug: Slug, name: Type.String() });
const Settings = Type.Object(
  {
    selfRegistration: Type.Optional(Type.Boolean()),
    requireEmailVerification: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const Tenant = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  status: Type.String(),
  settings: Type.Object({ selfRegistration: Type.Boolean(), requireEmailVerification: Type.Boolean() }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const Name = Type.String({ minLength: 1, maxLength: 200 });
const security = [{ bearerAuth: [] }];
const IdParams = Type.Object({ id: Uuid });

/** Tenants: the public face for sign-in pages, and management for super_admin and tenant admins. */
export async function tenantRoutes(app: ServiceApp, { ctx }: { ctx: AuthContext }): Promise<void> {
  app.get(
    '/tenants/by-slug/:slug',
    {
      schema: {
        summary: 'Public information about a tenant, for its sign-in page',
        params: Type.Object({ slug: Slug }),
        response: { 200: PublicTenant, 404: Type.Ref('Problem') },
      },
    },
    async (request) => publicTenant(ctx, request.params.slug, request.log),
  );

  app.post(
    '/tenants',
    {
      schema: {
        summary: 'Create a tenant (super_admin)',
        security,
        body: Type.Object(
          { slug: Slug, name: Name, settings: Type.Optional(Settings) },
          { additionalProperties: false },
        ),
        response: { 201: Tenant, ...errors(400, 401, 403, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createTenant(ctx, await requireUser(request), request.body, meta(request))),
  );

  app.get(
    '/tenants',
    {
      schema: {
        summary: 'Every tenant (super_admin)',
        security,
        querystring: Type.Object(Page),
        response: {
          200: Type.Object({
            items: Type.Array(Tenant),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
          ...errors(401, 403),
        },
      },
    },
    async (request) =>
      listAllTenants(ctx, await requireUser(request), request.query.limit, request.query.offset),
  );

  app.get(
    '/tenants/:id',
    {
      schema: {
        summary: 'A tenant (its members, super_admin)',
        security,
        params: IdParams,
        response: { 200: Tenant, ...errors(401, 404) },
      },
    },
    async (request) => getTenant(ctx, await requireUser(request), request.params.id),
  );

  app.patch(
    '/tenants/:id',
    {
      schema: {
        summary: "Change a tenant's name or settings (its tenant_admin, super_admin)",
        security,
        params: IdParams,
        body: Type.Object(
          { name: Type.Optional(Name), settings: Type.Optional(Settings) },
          { additionalProperties: false },
        ),
        response: { 200: Tenant, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) =>
      updateTenantDetails(ctx, await requireUser(request), request.params.id, request.body, meta(request)),
  );

  for (const [action, status] of [
    ['suspend', 'suspended'],
    ['reactivate', 'active'],
  ] as const) {
    app.post(
      `/tenants/:id/${action}`,
      {
        schema: {
          summary:
            action === 'suspend'
              ? 'Suspend a tenant: its users can no longer sign in or refresh (super_admin)'
              : 'Reactivate a suspended tenant (super_admin)',
          security,
          params: IdParams,
          response: { 200: Tenant, ...errors(401, 403, 404) },
        },
      },
      async (request) =>
        setTenantStatus(ctx, await requireUser(request), request.params.id, status, meta(request)),
    );
  }

  app.get(
    '/tenants/:id/audit-events',
    {
      schema: {
        summary: "The tenant's security audit log, newest first (its tenant_admin, super_admin)",
        security,
        params: IdParams,
        querystring: Type.Object({
          action: Type.Optional(Type.String({ maxLength: 100 })),
          actorId: Type.Optional(Type.String({ format: 'uuid', description: 'Only what this user did' })),
          from: Type.Optional(
            Type.String({ format: 'date-time', description: 'Events at or after this instant' }),
          ),
          to: Type.Optional(Type.String({ format: 'date-time', description: 'Events before this instant' })),
          ...Page,
        }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                action: Type.String(),
                actorId: Type.Union([Type.String(), Type.Null()]),
                subjectId: Type.Union([Type.String(), Type.Null()]),
                ip: Type.Union([Type.String(), Type.Null()]),
                detail: Type.Record(Type.String(), Type.Unknown()),
                createdAt: Type.String(),
              }),
            ),
          }),
          ...errors(401, 403),
        },
      },
    },
    async (request) => tenantAudit(ctx, await requireUser(request), request.params.id, request.query),
  );

  app.post(
    '/keys/rotate',
    {
      schema: {
        summary:
          'Rotate the signing key now; tokens signed with the old key stay valid until they expire (super_admin)',
        security,
        response: { 200: Type.Object({ kid: Type.String() }), ...errors(401, 403) },
      },
    },
    async (request) => {
      await requireUser(request, { anyOf: ['super_admin'] });
      const kid = await ctx.keys.rotate('manual');
      request.log.info({ kid }, 'signing key rotated');
      return { kid };
    },
  );
}
