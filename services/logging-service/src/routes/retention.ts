import { forbidden, requireUser, type ServiceApp, type Sql, withTenant } from '@eduspry/common';
import { Type } from 'typebox';
import { listRetentionPolicies, upsertRetentionPolicy } from '../db/log-entries.ts';
import { Level } from './schemas.ts';

const Policy = Type.Object({
  tenantId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  level: Level,
  retainDays: Type.Integer({ minimum: 1, maximum: 3650 }),
});

/**
 * Retention per tenant and level. A tenant_admin sees the platform defaults and sets their own
 * tenant's (kept no longer than the longest platform default, whose partitions are dropped
 * anyway); super_admin sets the defaults (`tenantId: null`) and any tenant's.
 */
export async function retentionRoutes(app: ServiceApp, { sql }: { sql: Sql }): Promise<void> {
  app.get(
    '/retention-policies',
    {
      schema: {
        summary: 'Retention policies the caller may see',
        security: [{ bearerAuth: [] }],
        response: {
          200: Type.Object({ policies: Type.Array(Policy) }),
          401: Type.Ref('Problem'),
          403: Type.Ref('Problem'),
        },
      },
    },
    async (request) => {
      const claims = await requireUser(request, { anyOf: ['tenant_admin', 'super_admin'] });
      return { policies: await withTenant(sql, claims, (tx) => listRetentionPolicies(tx)) };
    },
  );
  app.put(
    '/retention-policies',
    {
      schema: {
        summary: 'Set how long lines of one level are kept for a tenant (or by default)',
        security: [{ bearerAuth: [] }],
        body: Policy,
        response: {
          200: Policy,
          400: Type.Ref('Problem'),
          401: Type.Ref('Problem'),
          403: Type.Ref('Problem'),
        },
      },
    },
    async (request) => {
      const claims = await requireUser(request, { anyOf: ['tenant_admin', 'super_admin'] });
      const policy = request.body;
      const superAdmin = claims.app_metadata.roles.includes('super_admin');
      if (!superAdmin && policy.tenantId !== claims.app_metadata.tenant_id)
        throw forbidden("A tenant_admin sets their own tenant's retention only");
      await withTenant(sql, claims, (tx) => upsertRetentionPolicy(tx, policy));
      return policy;
    },
  );
}
