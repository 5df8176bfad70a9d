import { requireUser, type ServiceApp } from '@eduspry/common';
import { Type } from 'typebox';
import {
  completeExternalSignIn,
  configureProvider,
  listProviders,
  removeProvider,
  startExternalSignIn,
} from '../domain/oidc.ts';
import { errors, meta, Slug, Uuid } from './schemas.ts';
import type { RouteOptions } from './sessions.ts';

const Name = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 63 });
const Provider = Type.Object({
  name: Type.String(),
  issuer: Type.String(),
  client_id: Type.String(),
  has_client_secret: Type.Boolean(),
  scopes: Type.String(),
  auto_provision: Type.Boolean(),
  enabled: Type.Boolean(),
  updated_at: Type.String(),
});
const security = [{ bearerAuth: [] }];

/** A district's own IdP: configuration for its admins, and the authorization-code sign-in. */
export async function oidcRoutes(app: ServiceApp, { ctx, rateLimit }: RouteOptions): Promise<void> {
  app.put(
    '/tenants/:tenantId/identity-providers/:name',
    {
      schema: {
        summary: "Connect (or change) an OpenID Connect provider for the tenant's users",
        security,
        params: Type.Object({ tenantId: Uuid, name: Name }),
        body: Type.Object(
          {
            issuer: Type.String({ minLength: 8, maxLength: 500 }),
            client_id: Type.String({ minLength: 1, maxLength: 500 }),
            // Write-only: omitted keeps the stored secret, null removes it (a public client).
            client_secret: Type.Optional(
              Type.Union([Type.String({ minLength: 1, maxLength: 2000 }), Type.Null()]),
            ),
            scopes: Type.Optional(Type.String({ pattern: '(^|\\s)openid(\\s|$)', maxLength: 500 })),
            auto_provision: Type.Optional(Type.Boolean()),
            enabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Provider, ...errors(400, 401, 403) },
      },
    },
    async (request) =>
      configureProvider(
        ctx,
        await requireUser(request),
        request.params.tenantId,
        request.params.name,
        request.body,
        meta(request),
      ),
  );

  app.get(
    '/tenants/:tenantId/identity-providers',
    {
      schema: {
        summary: "The tenant's identity providers (secrets never shown)",
        security,
        params: Type.Object({ tenantId: Uuid }),
        response: { 200: Type.Object({ items: Type.Array(Provider) }), ...errors(401, 403) },
      },
    },
    async (request) => listProviders(ctx, await requireUser(request), request.params.tenantId),
  );

  app.delete(
    '/tenants/:tenantId/identity-providers/:name',
    {
      schema: {
        summary: 'Disconnect an identity provider',
        security,
        params: Type.Object({ tenantId: Uuid, name: Name }),
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await removeProvider(
        ctx,
        await requireUser(request),
        request.params.tenantId,
        request.params.name,
        meta(request),
      );
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/authorize',
    {
      config: { rateLimit },
      schema: {
        summary: "Sign in with the tenant's identity provider: redirects there (authorization code + PKCE)",
        querystring: Type.Object({
          tenant: Slug,
          provider: Name,
          redirect_to: Type.String({ maxLength: 2000 }),
        }),
        response: { 302: Type.Null(), ...errors(400, 404, 429) },
      },
    },
    async (request, reply) => reply.redirect(await startExternalSignIn(ctx, request.query), 302),
  );

  app.get(
    '/callback',
    {
      config: { rateLimit },
      schema: {
        summary:
          "The identity provider's redirect back: signs in and redirects to the app with tokens in the fragment",
        response: { 302: Type.Null(), ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      const url = new URL(request.url, ctx.issuer);
      return reply.redirect(await completeExternalSignIn(ctx, url, meta(request)), 302);
    },
  );
}
