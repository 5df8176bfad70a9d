import { errors, requireUser, type ServiceApp, type Sql } from '@eduspry/common';
import { Type } from 'typebox';
import { readPresenceSettings, writePresenceSettings } from '../domain/settings.ts';

const PresenceSettings = Type.Object(
  {
    coursePresence: Type.Union([Type.Literal('everyone'), Type.Literal('staff'), Type.Literal('off')], {
      description:
        'Who shows as present on a course:<id> channel: every member, only its teachers and TAs (and tenant admins), or nobody. Default everyone.',
    }),
  },
  { additionalProperties: false },
);

export async function settingsRoutes(app: ServiceApp, { sql }: { sql: Sql }) {
  app.get(
    '/settings/presence',
    {
      schema: {
        summary: 'The tenant’s presence privacy (any signed-in user of the tenant)',
        security: [{ bearerAuth: [] }],
        response: { 200: PresenceSettings, ...errors(401) },
      },
    },
    async (request) => readPresenceSettings(sql, await requireUser(request)),
  );
  app.put(
    '/settings/presence',
    {
      schema: {
        summary: 'Change the tenant’s presence privacy (tenant admins)',
        security: [{ bearerAuth: [] }],
        body: PresenceSettings,
        response: { 200: PresenceSettings, ...errors(400, 401, 403) },
      },
    },
    async (request) => writePresenceSettings(sql, await requireUser(request), request.body),
  );
}
