import { bearerToken, errors, type ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import type { Hub } from '../domain/hub.ts';
import { broadcastFromService, requireServiceKey } from '../domain/server-broadcast.ts';

const BroadcastBody = Type.Object(
  {
    messages: Type.Array(
      Type.Object(
        {
          topic: Type.String({ minLength: 1, maxLength: 255, pattern: '^[^\\u0000-\\u001f]+$' }),
          event: Type.String({ minLength: 1, maxLength: 255 }),
          payload: Type.Record(Type.String(), Type.Unknown()),
          private: Type.Optional(Type.Boolean()),
          tenant_id: Type.Optional(Type.String({ format: 'uuid' })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);

const Accepted = Type.Object({
  delivered: Type.Integer({ description: 'local subscribers reached (other instances not counted)' }),
});

export async function broadcastRoutes(
  app: ServiceApp,
  { hub, serviceKey }: { hub: Hub; serviceKey: string },
) {
  for (const url of ['/api/broadcast', '/realtime/v1/api/broadcast']) {
    app.post(
      url,
      {
        schema: {
          summary: 'Broadcast messages to channels from a service (Supabase Realtime broadcast API)',
          security: [{ bearerAuth: [] }],
          body: BroadcastBody,
          response: { 202: Accepted, ...errors(400, 401, 413, 415) },
          ...(url.startsWith('/realtime') ? { hide: true } : {}),
        },
      },
      async (request, reply) => {
        requireServiceKey(serviceKey, bearerToken(request.headers.authorization));
        return reply.status(202).send(broadcastFromService(hub, request.body.messages));
      },
    );
  }
}
