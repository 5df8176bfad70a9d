import { errors, requireUser, type ServiceApp, type Sql } from '@eduspry/common';
import { Type } from 'typebox';
import { searchLogs } from '../domain/search.ts';
import { Level, StoredLine } from './schemas.ts';

/** GET /logs: search for tenant_admin (their tenant's lines) and super_admin (everyone's). */
export async function searchRoutes(app: ServiceApp, { sql }: { sql: Sql }): Promise<void> {
  app.get(
    '/logs',
    {
      schema: {
        summary: 'Search log lines',
        security: [{ bearerAuth: [] }],
        querystring: Type.Object(
          {
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            tenantId: Type.Optional(Type.String({ format: 'uuid' })),
            service: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            level: Type.Optional(Level),
            traceId: Type.Optional(Type.String({ pattern: '^[0-9a-f]{32}$' })),
            q: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
            cursor: Type.Optional(Type.String({ maxLength: 100 })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            lines: Type.Array(StoredLine),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => searchLogs(sql, await requireUser(request), request.query),
  );
}
