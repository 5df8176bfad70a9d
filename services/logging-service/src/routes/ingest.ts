import { errors, requireUser, type ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import { type Ingestor, ingestBatch } from '../domain/ingest.ts';
import { IncomingLine } from './schemas.ts';

/**
 * POST /logs/batch: up to 1000 lines and 1 MiB per request. A tenant's caller may write its own
 * tenant's lines only; super_admin (and platform service tokens, which carry it) any tenant's.
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
        response: { 200: Type.Object({ stored: Type.Integer() }), ...errors(400, 401, 403, 413) },
      },
    },
    async (request) => ({
      stored: await ingestBatch(ingestor, await requireUser(request), request.body.lines),
    }),
  );
}
