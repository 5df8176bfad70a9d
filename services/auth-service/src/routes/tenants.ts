import { asPlatform, notFound, type ServiceApp, type Sql } from '@eduspry/common';
import { Type } from 'typebox';
import { findTenantBySlug } from '../db/tenants.ts';

const Slug = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 63 });
const PublicTenant = Type.Object({ id: Type.String({ format: 'uuid' }), slug: Slug, name: Type.String() });

/** What a sign-in page may know before anyone signs in: the tenant's public face. */
export async function tenantRoutes(app: ServiceApp, { sql }: { sql: Sql }): Promise<void> {
  app.get(
    '/tenants/by-slug/:slug',
    {
      schema: {
        summary: 'Public information about a tenant, for its sign-in page',
        params: Type.Object({ slug: Slug }),
        response: { 200: PublicTenant, 404: Type.Ref('Problem') },
      },
    },
    async (request) => {
      const tenant = await asPlatform(sql, 'public tenant lookup before sign-in', request.log, (tx) =>
        findTenantBySlug(tx, request.params.slug),
      );
      if (tenant?.status !== 'active') throw notFound(`No active tenant ${request.params.slug}`);
      return { id: tenant.id, slug: tenant.slug, name: tenant.name };
    },
  );
}
