import type { Redis } from '@eduspry/common';
import {
  createServiceApp,
  createTokenVerifier,
  rateLimitSettings,
  type ServiceApp,
  type Sql,
  useTokenVerifier,
} from '@eduspry/common';
import { createOutboxMailer, createSmtpMailer, type Mailer } from '@eduspry/common/mailer';
import { busAdminRoutes, type EventBus } from '@eduspry/event-bus';
import type { Logger } from '@eduspry/logging';
import proxyAddr from '@fastify/proxy-addr';
import rateLimit from '@fastify/rate-limit';
import type { AuthConfig } from './config.ts';
import type { AuthContext } from './domain/context.ts';
import { type EventSink, outboxSink } from './domain/events.ts';
import { KeyStore } from './domain/signing-keys.ts';
import { createOidcClient } from './idp/oidc.ts';
import type { IdentityProviderFactory } from './idp/port.ts';
import { accountRoutes } from './routes/accounts.ts';
import { endedSessionRoutes } from './routes/ended-sessions.ts';
import { oidcRoutes } from './routes/oidc.ts';
import { rosterRoutes } from './routes/roster.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { tenantRoutes } from './routes/tenants.ts';
import { userRoutes } from './routes/users.ts';
import { wellKnownRoutes } from './routes/well-known.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The client's address: X-Forwarded-For as far as trusted proxies (AUTH_TRUSTED_PROXIES) go. */
    clientIp: string;
  }
}

export interface AuthDeps {
  /** The service's event bus: mounts the super-admin routes `GET /admin/bus` and dead-letter replay. */
  eventBus?: EventBus;
  sql: Sql;
  config: AuthConfig;
  logger?: Logger;
  /** Defaults from config: SMTP when SMTP_URL is set, else files in MAIL_OUTBOX_DIR. */
  mailer?: Mailer;
  /** Where user events go: identity.outbox (the transactional outbox) unless replaced. */
  events?: EventSink;
  /** The external IdP port; OpenID Connect unless replaced. */
  identityProviders?: IdentityProviderFactory;
  /** Shares rate-limit counters between instances. */
  redis?: Redis;
}

/** Wires the auth-service: no I/O happens here beyond what the routes do per request. */
export async function buildApp({
  sql,
  eventBus,
  config,
  logger,
  mailer,
  events,
  redis,
  identityProviders,
}: AuthDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
    name: 'auth-service',
    description: 'Tenants, users, credentials, sessions and the tokens the platform trusts',
    ...(logger ? { logger } : {}),
    readiness: { postgres: () => sql`select 1` },
  });
  const keys = new KeyStore({
    sql,
    alg: config.AUTH_SIGNING_ALG,
    encryptionSecret: config.AUTH_KEY_ENCRYPTION_SECRET,
    // A retired key stays published until every token it signed has expired (plus clock skew).
    overlapSeconds: config.AUTH_ACCESS_TOKEN_TTL_SECONDS + 300,
    rotateAfterDays: config.AUTH_KEY_ROTATION_DAYS,
  });
  const ctx: AuthContext = {
    sql,
    keys,
    mailer:
      mailer ??
      (config.SMTP_URL
        ? createSmtpMailer(config.SMTP_URL, config.MAIL_FROM)
        : createOutboxMailer(config.MAIL_OUTBOX_DIR, config.MAIL_FROM)),
    events: events ?? outboxSink,
    secretsKey: config.AUTH_KEY_ENCRYPTION_SECRET,
    identityProviders: identityProviders ?? createOidcClient,
    log: app.log,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    accessTokenTtlSeconds: config.AUTH_ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: config.AUTH_REFRESH_TOKEN_TTL_SECONDS,
    refreshTokenReuseIntervalSeconds: config.AUTH_REFRESH_TOKEN_REUSE_INTERVAL_SECONDS,
    publicAppUrl: config.AUTH_PUBLIC_APP_URL.replace(/\/$/, ''),
    redirectOrigins: config.AUTH_REDIRECT_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  };
  // auth-service verifies its own tokens in-process, with the same checks as every other service.
  useTokenVerifier(
    app,
    createTokenVerifier({ getKey: keys.getKey, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE }),
  );
  const trusted = proxyAddr.compile(
    config.AUTH_TRUSTED_PROXIES.split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  );
  app.decorateRequest('clientIp', '');
  app.addHook('onRequest', async (request) => {
    request.clientIp = proxyAddr(request.raw, trusted);
  });
  await app.register(rateLimit, {
    ...rateLimitSettings(redis, 'eduspry-auth-rl-'),
    keyGenerator: (request) => request.clientIp,
  });
  const limits = { ctx, rateLimit: { max: config.AUTH_RATE_LIMIT_PER_MINUTE, timeWindow: 60_000 } };
  await app.register(wellKnownRoutes, { ctx });
  await app.register(sessionRoutes, limits);
  await app.register(accountRoutes, limits);
  await app.register(tenantRoutes, { ctx });
  await app.register(userRoutes, { ctx });
  await app.register(rosterRoutes, { ctx });
  await app.register(oidcRoutes, limits);
  await app.register(endedSessionRoutes);
  if (eventBus)
    await app.register(busAdminRoutes, { bus: eventBus, schema: 'identity', service: 'auth-service' });
  return app;
}
