import type { ServiceApp } from '@eduspry/common';
import type { AuthContext } from '../domain/context.ts';
import { discoveryDocument } from '../domain/tokens.ts';

/** OpenID Connect discovery and the JWKS every service verifies access tokens against. */
export async function wellKnownRoutes(app: ServiceApp, { ctx }: { ctx: AuthContext }): Promise<void> {
  app.get(
    '/.well-known/jwks.json',
    { schema: { summary: 'Public keys that sign access tokens (JWKS)' } },
    async (_request, reply) => {
      // Short cache: a rotated key appears within a minute; verifiers refetch on an unknown kid anyway.
      reply.header('cache-control', 'public, max-age=60');
      return ctx.keys.jwks();
    },
  );

  app.get(
    '/.well-known/openid-configuration',
    { schema: { summary: 'OpenID Connect discovery document' } },
    async () => discoveryDocument(ctx),
  );
}
