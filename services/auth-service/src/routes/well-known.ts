import type { ServiceApp } from '@eduspry/common';
import type { AuthContext } from '../domain/context.ts';

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
    async () => {
      const base = ctx.issuer.replace(/\/$/, '');
      const alg = (await ctx.keys.signingKey()).alg;
      return {
        issuer: ctx.issuer,
        jwks_uri: `${base}/.well-known/jwks.json`,
        token_endpoint: `${base}/token`,
        grant_types_supported: ['password', 'refresh_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: [alg],
        token_endpoint_auth_methods_supported: ['none'],
        scopes_supported: ['openid', 'email', 'profile'],
        claims_supported: [
          'sub',
          'iss',
          'aud',
          'exp',
          'iat',
          'email',
          'role',
          'app_metadata',
          'user_metadata',
          'session_id',
        ],
      };
    },
  );
}
