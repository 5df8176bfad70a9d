import { bindServices, createLoaders, type GatewayContext } from '../src/graphql/context.ts';
import { createUpstream } from '../src/upstream.ts';

/** The caller's token as the gateway forwards it; the provider swaps in one of its own per state. */
export const TOKEN = 'Bearer eyJ.test.token';
export const TENANT_ID = '3b9f6d2a-1c4e-4f7a-9b8c-2d3e4f5a6b7c';

/**
 * A resolver context whose upstreams all point at `baseUrl` (Pact's mock server): the gateway's
 * real client code (createUpstream → bindServices → createLoaders), one attempt, no retries.
 */
export function pactContext(baseUrl: string, roles: string[] = ['student']): GatewayContext {
  const upstream = createUpstream({
    name: 'pact-mock',
    baseUrl,
    timeoutMs: 3000,
    attempts: 1,
    breakerFailureRatio: 0.5,
    breakerMinimumCalls: 20,
    breakerWindowMs: 10_000,
    halfOpenAfterMs: 10_000,
  });
  const services = bindServices(
    { auth: upstream, course: upstream, analytics: upstream, assessment: upstream, content: upstream },
    { authorization: TOKEN },
    { count: 0 },
  );
  const claims = {
    sub: 'user',
    role: 'authenticated',
    app_metadata: { tenant_id: TENANT_ID, roles },
  } as unknown as GatewayContext['claims'];
  return { claims, authProblem: null, services, loaders: createLoaders(services) };
}
