import { badRequest, requireUser, type ServiceApp, type Sql, withTenant } from '@eduspry/common';
import { Type } from 'typebox';
import { searchLogLines } from '../db/log-entries.ts';
import { decodeCursor, encodeCursor, type Level, SEVERITY } from '../domain/log-records.ts';
import { Level as LevelSchema, StoredLine } from './schemas.ts';

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 31;

/**
 * GET /logs: newest first, filtered by time range (default: the last 24 hours), tenant,
 * service, minimum level, trace id and words of the message, paged by an opaque cursor.
 * tenant_admin sees their own tenant's lines and super_admin everyone's: the query runs under
 * the caller's claims, so Row-Level Security enforces it, not this code.
 */
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
            level: Type.Optional(LevelSchema),
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
          400: Type.Ref('Problem'),
          401: Type.Ref('Problem'),
          403: Type.Ref('Problem'),
        },
      },
    },
    async (request) => {
      const claims = await requireUser(request, { anyOf: ['tenant_admin', 'super_admin'] });
      const query = request.query;
      const to = query.to ? new Date(query.to) : new Date();
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - DAY_MS);
      if (from >= to) throw badRequest('from must be before to', { field: 'querystring.from' });
      if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS)
        throw badRequest(`a search spans at most ${MAX_RANGE_DAYS} days`, { field: 'querystring.from' });
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      if (query.cursor && !after)
        throw badRequest('cursor is not one this API returned', { field: 'querystring.cursor' });
      const rows = await withTenant(sql, claims, (tx) =>
        searchLogLines(tx, {
          from,
          to,
          ...(query.tenantId ? { tenantId: query.tenantId } : {}),
          ...(query.service ? { service: query.service } : {}),
          ...(query.level ? { minSeverity: SEVERITY[query.level as Level] } : {}),
          ...(query.traceId ? { traceId: query.traceId } : {}),
          ...(query.q ? { text: query.q } : {}),
          ...(after ? { after } : {}),
          limit: query.limit + 1,
        }),
      );
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        lines: page.map(({ tsMicros: _ts, ...line }) => line),
        nextCursor:
          rows.length > query.limit && last ? encodeCursor({ tsMicros: last.tsMicros, id: last.id }) : null,
      };
    },
  );
}
