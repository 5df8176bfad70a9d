import { errors, requireUser, type ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import type { AnalyticsContext } from '../domain/context.ts';
import { eraseUser, rebuildRollups } from '../domain/ingest.ts';
import { readSettings, writeSettings } from '../domain/reports.ts';
import { Settings, security, Uuid } from './schemas.ts';

/** Transport only: schema, one use case, the reply. */
export async function adminRoutes(app: ServiceApp, { ctx }: { ctx: AnalyticsContext }): Promise<void> {
  app.delete(
    '/users/:userId/analytics',
    {
      schema: {
        summary: 'Erase a user’s raw events and rollups (tenant admins; FERPA/GDPR requests)',
        security,
        params: Type.Object({ userId: Uuid }),
        response: { 204: Type.Null(), ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      await eraseUser(ctx, await requireUser(request), request.params.userId);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/tenants/:tenantId/rollups/rebuild',
    {
      schema: {
        summary: 'Drop and rebuild a tenant’s rollups from its raw events (its admins, super_admin)',
        security,
        params: Type.Object({ tenantId: Uuid }),
        response: { 200: Type.Object({ events: Type.Integer() }), ...errors(400, 401, 403) },
      },
    },
    async (request) => rebuildRollups(ctx, await requireUser(request), request.params.tenantId),
  );
  app.get(
    '/settings',
    {
      schema: {
        summary: 'The tenant’s retention and at-risk thresholds (tenant admins)',
        security,
        response: { 200: Settings, ...errors(401, 403) },
      },
    },
    async (request) => readSettings(ctx, await requireUser(request)),
  );
  app.put(
    '/settings',
    {
      schema: {
        summary: 'Change the tenant’s retention and at-risk thresholds (tenant admins)',
        security,
        body: Settings,
        response: { 200: Settings, ...errors(400, 401, 403) },
      },
    },
    async (request) => writeSettings(ctx, await requireUser(request), request.body),
  );
}
