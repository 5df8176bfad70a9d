import { type EndedSessions, processEndedSessions, type ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';

/**
 * The sessions this process knows to have ended (fed by the event bus), for processes that have
 * no event bus of their own (the api-gateway, self-hosted edge functions): they poll it every
 * second or so, never per request. Session ids of ended sessions grant nothing, and the gateway
 * does not expose `/internal/`.
 */
export async function endedSessionRoutes(
  app: ServiceApp,
  { sessions = processEndedSessions }: { sessions?: EndedSessions } = {},
): Promise<void> {
  app.get(
    '/internal/ended-sessions',
    {
      schema: {
        summary: 'Sessions ended since a time (ms since the epoch) whose tokens have not expired yet',
        querystring: Type.Object({ since: Type.Optional(Type.Integer({ minimum: 0 })) }),
        response: {
          200: Type.Object({
            now: Type.Integer(),
            items: Type.Array(Type.Object({ sessionId: Type.String(), expiresAt: Type.Integer() })),
          }),
        },
      },
    },
    async (request) => ({
      now: Date.now(),
      items: sessions
        .addedSince(request.query.since ?? 0)
        .map(({ sessionId, expiresAt }) => ({ sessionId, expiresAt })),
    }),
  );
}
