import {
  badRequest,
  forbidden,
  HttpProblem,
  requireUser,
  type ServiceApp,
  securityEventsTotal,
} from '@eduspry/common';
import { Type } from 'typebox';
import { foreignTenantLine, InvalidLogLine, MAX_BATCH_LINES } from '../domain/log-records.ts';
import type { Ingestor } from '../ingest.ts';
import { IncomingLine } from './schemas.ts';

/**
 * POST /logs/batch: up to 1000 lines and 1 MiB per request. A tenant's caller may write its own
 * tenant's lines only; super_admin (and platform service tokens, which carry it) any tenant's.
 * The batch is stored whole or not at all: one bad or foreign line refuses all of it.
 */
export async function ingestRoutes(app: ServiceApp, { ingestor }: { ingestor: Ingestor }): Promise<void> {
  app.post(
    '/logs/batch',
    {
      schema: {
        summary: 'Store a batch of log lines (all or nothing)',
        security: [{ bearerAuth: [] }],
        body: Type.Object(
          { lines: Type.Array(IncomingLine, { minItems: 1 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ stored: Type.Integer() }),
          400: Type.Ref('Problem'),
          401: Type.Ref('Problem'),
          403: Type.Ref('Problem'),
          413: Type.Ref('Problem'),
        },
      },
    },
    async (request) => {
      const claims = await requireUser(request);
      const { lines } = request.body;
      if (lines.length > MAX_BATCH_LINES)
        throw new HttpProblem(
          413,
          'batch-too-large',
          'Payload Too Large',
          `A batch holds at most ${MAX_BATCH_LINES} lines, got ${lines.length}`,
        );
      let records: Awaited<ReturnType<Ingestor['parse']>>;
      try {
        records = await ingestor.parse(lines);
      } catch (error) {
        if (!(error instanceof InvalidLogLine)) throw error;
        ingestor.rejected('http', lines.length);
        throw badRequest(error.message, { line: error.index, field: error.field });
      }
      const superAdmin = claims.app_metadata.roles.includes('super_admin');
      const foreign = foreignTenantLine(records, { tenantId: claims.app_metadata.tenant_id, superAdmin });
      if (foreign >= 0) {
        ingestor.rejected('http', lines.length);
        securityEventsTotal.inc({ service: 'logging-service', kind: 'cross_tenant_denied' });
        throw forbidden(
          `line ${foreign} belongs to another tenant; you may write your own tenant's lines only`,
        );
      }
      return { stored: await ingestor.store(records, { claims }, 'http') };
    },
  );
}
