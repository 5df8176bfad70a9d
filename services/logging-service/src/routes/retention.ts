import { errors, requireUser, type ServiceApp, type Sql } from '@eduspry/common';
import { Type } from 'typebox';
import { retentionPolicies, setRetentionPolicy } from '../domain/retention.ts';
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
        response: { 200: Type.Object({ policies: Type.Array(Policy) }), ...errors(401, 403) },
      },
    },
    async (request) => ({ policies: await retentionPolicies(sql, await requireUser(request)) }),
  );
  app.put(
    '/retention-policies',
    {
      schema: {
        summary: 'Set how long lines of one level are kept for a tenant (or by default)',
        security: [{ bearerAuth: [] }],
        body: Policy,
        response: { 200: Policy, ...errors(400, 401, 403) },
      },
    },
    async (request) => setRetentionPolicy(sql, await requireUser(request), request.body),
  );
}
