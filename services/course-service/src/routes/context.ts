import { requireUser, type ServiceApp, type TenantClaims, useTokenVerifier } from '@eduspry/common';
import type { FastifyRequest } from 'fastify';
import { type Authenticate, verifierFrom } from '../auth.ts';
import type { CourseContext } from '../domain/context.ts';

/** What every route plugin gets: the use cases' context, and how tokens are checked. */
export interface RouteDeps extends CourseContext {
  authenticate: Authenticate;
}

/** Every route of `app` runs under the caller's verified claims (401 otherwise); none is public. */
export function requireAuthentication(app: ServiceApp, authenticate: Authenticate): void {
  useTokenVerifier(app, verifierFrom(authenticate));
  app.addHook('onRequest', async (request) => {
    await requireUser(request);
  });
}

/** The claims the onRequest hook verified for this request. */
export function claimsOf(request: FastifyRequest): TenantClaims {
  if (!request.claims) throw new Error('requireAuthentication(app) was not called for this route');
  return request.claims;
}
