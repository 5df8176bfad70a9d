import { errors, requireUser, type ServiceApp } from '@eduspry/common';
import type { AnalyticsContext } from '../domain/context.ts';
import { trackEvents } from '../domain/ingest.ts';
import { security, TrackBody, TrackReply } from './schemas.ts';

/** Transport only: schema, one use case, the reply. */
export async function trackRoutes(app: ServiceApp, { ctx }: { ctx: AnalyticsContext }): Promise<void> {
  app.post(
    '/track',
    {
      bodyLimit: 1024 * 1024,
      schema: {
        summary: 'Client activity of the token’s user (at most 500 events; tenant and user from the token)',
        security,
        body: TrackBody,
        response: { 202: TrackReply, ...errors(400, 401, 413, 415) },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await trackEvents(ctx, await requireUser(request), request.body as never)),
  );
}
