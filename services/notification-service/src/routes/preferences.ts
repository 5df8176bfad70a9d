import { requireUser, type ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import type { NotificationContext } from '../domain/context.ts';
import {
  getPreferences,
  getTenantDefaults,
  setPreferences,
  setTenantDefaults,
  subscribePush,
  unsubscribe,
} from '../domain/preferences.ts';
import { errors, PreferenceEntry, Preferences, Settings, security } from './schemas.ts';

const Entries = Type.Array(PreferenceEntry, { maxItems: 200 });

export async function preferenceRoutes(
  app: ServiceApp,
  { ctx }: { ctx: NotificationContext },
): Promise<void> {
  app.get(
    '/preferences',
    {
      schema: {
        summary: 'My effective preferences (every category × channel) and delivery settings',
        security,
        response: { 200: Preferences, ...errors(401) },
      },
    },
    async (request) => getPreferences(ctx, await requireUser(request)),
  );

  app.put(
    '/preferences',
    {
      schema: {
        summary: 'Change some of my preferences (immediately, daily, weekly, never) and settings',
        security,
        body: Type.Object(
          { preferences: Type.Optional(Entries), settings: Type.Optional(Type.Partial(Settings)) },
          { additionalProperties: false },
        ),
        response: { 200: Preferences, ...errors(400, 401) },
      },
    },
    async (request) => setPreferences(ctx, await requireUser(request), request.body),
  );

  app.get(
    '/preferences/tenant-defaults',
    {
      schema: {
        summary: "The tenant's default preferences (tenant admins)",
        security,
        response: { 200: Type.Object({ preferences: Entries }), ...errors(401, 403) },
      },
    },
    async (request) => getTenantDefaults(ctx, await requireUser(request)),
  );

  app.put(
    '/preferences/tenant-defaults',
    {
      schema: {
        summary: "Change the tenant's defaults (tenant admins); users' own choices still win",
        security,
        body: Type.Object({ preferences: Entries }, { additionalProperties: false }),
        response: { 200: Type.Object({ preferences: Entries }), ...errors(400, 401, 403) },
      },
    },
    async (request) => setTenantDefaults(ctx, await requireUser(request), request.body.preferences),
  );

  app.post(
    '/push-subscriptions',
    {
      schema: {
        summary: "Register this browser's PushSubscription for web push",
        security,
        body: Type.Object({
          endpoint: Type.String({ pattern: '^https?://', maxLength: 2000 }),
          keys: Type.Object({
            p256dh: Type.String({ minLength: 1, maxLength: 200 }),
            auth: Type.String({ minLength: 1, maxLength: 100 }),
          }),
        }),
        response: {
          201: Type.Object({ id: Type.String(), vapidPublicKey: Type.Union([Type.String(), Type.Null()]) }),
          ...errors(400, 401, 422),
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await subscribePush(ctx, await requireUser(request), request.body)),
  );

  // RFC 8058's one-click POST and the page's form are form-encoded.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4096 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );
  const Token = Type.Object({ token: Type.String({ minLength: 10, maxLength: 1000 }) });
  // The link in every mail: a page with one button (mail scanners fetch links; they do not post forms).
  app.get(
    '/unsubscribe',
    { schema: { summary: 'The unsubscribe page a mail links to', querystring: Token } },
    async (request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(
          `<!doctype html><meta charset="utf-8"><title>Unsubscribe</title><form method="post"><input type="hidden" name="token" value="${request.query.token.replace(/[^A-Za-z0-9_.-]/g, '')}"><button>Stop these notifications</button></form>`,
        ),
  );
  app.post(
    '/unsubscribe',
    {
      schema: {
        summary: 'One-click unsubscribe (RFC 8058): this category stops on this channel',
        querystring: Type.Partial(Token),
        response: {
          200: Type.Object({
            category: Type.String(),
            channel: Type.String(),
            frequency: Type.Literal('never'),
          }),
          ...errors(400),
        },
      },
    },
    async (request) => {
      const body = (request.body ?? {}) as { token?: unknown };
      return unsubscribe(ctx, String(request.query.token ?? body.token ?? ''));
    },
  );
}
