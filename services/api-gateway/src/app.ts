import { readFileSync } from 'node:fs';
import type { Redis } from '@eduspry/common';
import {
  bearerToken,
  createServiceApp,
  HttpProblem,
  logAs,
  rateLimitSettings,
  type ServiceApp,
  type TokenVerifier,
  useTokenVerifier,
} from '@eduspry/common';
import { OPERATIONS } from '@eduspry/contracts/graphql-operations';
import type { Logger } from '@eduspry/logging';
import rateLimit from '@fastify/rate-limit';
import { parse, print } from 'graphql';
import { directiveEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import mercurius from 'mercurius';
import { type GatewayConfig, operationsMode, UPSTREAM_ALIASES, UPSTREAMS } from './config.ts';
import { mirrorEndedSessions } from './ended-sessions.ts';
import { bindServices, createLoaders, type GatewayContext } from './graphql/context.ts';
import { loaders, resolvers } from './graphql/resolvers.ts';
import { platformHealthRoutes } from './platform-health.ts';
import { forwardHeaders, restRoutes, trustedProxies } from './rest.ts';
import { createUpstream, type Upstream } from './upstream.ts';

export interface GatewayDeps {
  config: GatewayConfig;
  verifier: TokenVerifier;
  logger?: Logger;
  /** Shares rate-limit counters between gateway instances. */
  redis?: Redis;
  /** Upstreams by service name; built from config and the platform registry unless given. */
  upstreams?: Map<string, Upstream>;
}

declare module 'fastify' {
  interface FastifyRequest {
    authProblem: string | null;
  }
}

const SCHEMA = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');
const UNMETERED = /^\/(health|ready|metrics)$/;

/** Every platform service the edge routes to, each behind its own timeout, retries and breaker. */
export function upstreamsFrom(config: GatewayConfig): Map<string, Upstream> {
  return new Map(
    Object.entries(UPSTREAMS).map(([name, field]) => [
      name,
      createUpstream({
        name,
        baseUrl: config[field],
        timeoutMs: config.GATEWAY_UPSTREAM_TIMEOUT_MS,
        attempts: config.GATEWAY_UPSTREAM_ATTEMPTS,
        breakerFailureRatio: config.GATEWAY_BREAKER_FAILURE_RATIO,
        breakerMinimumCalls: config.GATEWAY_BREAKER_MIN_CALLS,
        breakerWindowMs: config.GATEWAY_BREAKER_WINDOW_MS,
        halfOpenAfterMs: config.GATEWAY_BREAKER_HALF_OPEN_MS,
      }),
    ]),
  );
}

/** The public edge: GraphQL at /graphql, REST pass-through at /api/<service>/…, rate limits on both. */
export async function buildApp({
  config,
  verifier,
  logger,
  redis,
  upstreams,
}: GatewayDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
    name: 'api-gateway',
    description:
      'The public edge of EduSpry: GraphQL at /graphql, each service REST API under /api/<service>/',
    ...(logger ? { logger } : {}),
    readiness: redis ? { redis: () => redis.ping() } : {},
  });
  const routes = upstreams ?? upstreamsFrom(config);
  const auth = routes.get('auth-service')!;
  const course = routes.get('course-service')!;
  const analytics = routes.get('analytics-service')!;
  const assessment = routes.get('assessment-service')!;
  const content = routes.get('content-service')!;
  const trusted = trustedProxies(config.GATEWAY_TRUSTED_PROXIES);

  // Signed-out sessions: the verifier refuses their tokens once the mirror has them (≤ 1 s or so).
  let mirror: { stop(): void } | undefined;
  app.addHook('onReady', async () => {
    mirror = mirrorEndedSessions({
      authServiceUrl: auth.baseUrl,
      intervalMs: config.GATEWAY_ENDED_SESSIONS_POLL_MS,
      logger: app.log,
    });
  });
  app.addHook('onClose', async () => mirror?.stop());

  // Who is calling: verified once here, used by the per-user rate limit and every resolver.
  useTokenVerifier(app, verifier);
  app.decorateRequest('authProblem', null);
  app.decorateRequest('upstreamCalls', null as never);
  app.addHook('onRequest', async (request) => {
    request.upstreamCalls = { count: 0 };
    const token = bearerToken(request.headers.authorization);
    if (!token) return;
    try {
      request.claims = await verifier.verify(token);
      logAs(request.claims);
    } catch (error) {
      request.authProblem = (error as Error).message;
    }
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-upstream-calls', String(request.upstreamCalls?.count ?? 0));
  });

  await app.register(rateLimit, rateLimitSettings(redis, 'eduspry-gateway-rl-'));
  // A signed-in caller is limited as a user (wherever they call from, and however many share
  // an address, e.g. a school's NAT); anyone else by client address.
  const limit = app.rateLimit({
    timeWindow: 60_000,
    keyGenerator: (request) => (request.claims ? `user:${request.claims.sub}` : `ip:${request.ip}`),
    max: (request) =>
      request.claims ? config.GATEWAY_RATE_LIMIT_PER_USER : config.GATEWAY_RATE_LIMIT_PER_IP,
  });
  app.addHook('onRequest', async (request, reply) => {
    if (UNMETERED.test(request.routeOptions.url ?? '')) return;
    try {
      await limit.call(app, request, reply);
    } catch (error) {
      // Answered here: mercurius's own error handler would turn a 429 on /graphql into a 200.
      if (!(error instanceof HttpProblem)) throw error;
      const document = error.toDocument(request.url);
      if (typeof document.retryAfter === 'number') reply.header('retry-after', String(document.retryAfter));
      return reply.status(error.status).type('application/problem+json').send(document);
    }
  });

  const mode = operationsMode(config);
  const allowed = new Set(Object.values(OPERATIONS).map((source) => print(parse(source))));
  await app.register(mercurius, {
    schema: SCHEMA,
    resolvers,
    loaders,
    path: '/graphql',
    graphiql: mode === 'open',
    jit: 1,
    allowBatchedQueries: false,
    queryDepth: config.GATEWAY_MAX_QUERY_DEPTH,
    context: (request): GatewayContext => {
      const services = bindServices(
        { auth, course, analytics, assessment, content },
        forwardHeaders(request, { trusted }),
        request.upstreamCalls,
      );
      return {
        claims: request.claims,
        authProblem: request.authProblem,
        services,
        loaders: createLoaders(services),
      };
    },
  });
  // Complexity needs the variables (`first: $n`), so it is checked after validation (whose
  // results mercurius caches per query text) and before anything executes.
  const estimators = [directiveEstimator(), simpleEstimator({ defaultComplexity: 1 })];
  app.graphql.addHook('preExecution', async (schema, document, _context, variables) => {
    const complexity = getComplexity({ schema, query: document, variables: variables ?? {}, estimators });
    if (complexity > config.GATEWAY_MAX_QUERY_COMPLEXITY)
      throw new mercurius.ErrorWithProps(
        `The query is too complex: ${complexity}, the limit is ${config.GATEWAY_MAX_QUERY_COMPLEXITY}`,
        { code: 'QUERY_TOO_COMPLEX' },
        400,
      );
  });
  if (mode === 'allow-list') {
    app.graphql.addHook('preValidation', async (_schema, document) => {
      if (!allowed.has(print(document)))
        throw new mercurius.ErrorWithProps(
          'This operation is not on the allow-list of this gateway',
          { code: 'OPERATION_NOT_ALLOWED' },
          400,
        );
    });
  }

  const passThrough = new Map(routes);
  for (const [alias, name] of Object.entries(UPSTREAM_ALIASES))
    if (routes.has(name) && !routes.has(alias)) passThrough.set(alias, routes.get(name)!);
  await app.register(platformHealthRoutes, {
    upstreams: routes,
    timeoutMs: config.GATEWAY_HEALTH_TIMEOUT_MS,
  });
  await app.register(restRoutes, { upstreams: passThrough, bodyLimit: 2 * 1024 * 1024, trusted });
  return app;
}
