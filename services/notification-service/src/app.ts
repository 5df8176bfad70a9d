import { createHash } from 'node:crypto';
import {
  createRealtimeClient,
  createServiceApp,
  createTokenVerifier,
  noRealtime,
  type RealtimePort,
  type ServiceApp,
  type Sql,
  type TokenVerifier,
  useTokenVerifier,
} from '@eduspry/common';
import { createOutboxMailer, createSmtpMailer, type Mailer } from '@eduspry/common/mailer';
import { busAdminRoutes, type EventBus } from '@eduspry/event-bus';
import type { Logger } from '@eduspry/logging';
import { createWebPush, type PushSender } from './channels/push.ts';
import { createOutboxSms, type SmsSender } from './channels/sms.ts';
import type { NotificationConfig } from './config.ts';
import type { NotificationContext } from './domain/context.ts';
import { inboxRoutes } from './routes/inbox.ts';
import { preferenceRoutes } from './routes/preferences.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { type Resolver, SafeHttpClient } from './webhooks/outbound.ts';

export interface NotificationDeps {
  /** The service's event bus: mounts the super-admin routes `GET /admin/bus` and dead-letter replay. */
  eventBus?: EventBus;
  sql: Sql;
  config: NotificationConfig;
  logger?: Logger;
  /** Verifies bearer tokens; defaults to auth-service's JWKS from config. */
  verifier?: TokenVerifier;
  realtime?: RealtimePort;
  mailer?: Mailer;
  /** Replaces the web push adapter (which needs VAPID keys in config). */
  push?: PushSender;
  sms?: SmsSender;
  /** DNS for outgoing webhooks (tests make public-looking names resolve to loopback). */
  resolver?: Resolver;
  now?: () => Date;
}

export interface NotificationApp {
  app: ServiceApp;
  ctx: NotificationContext;
}

/** Wires notification-service: no I/O happens here beyond what the routes and workers do. */
export async function buildApp(deps: NotificationDeps): Promise<NotificationApp> {
  const { sql, config } = deps;
  const app = await createServiceApp({
    name: 'notification-service',
    description:
      'Notifications (in-app inbox, email, web push, SMS), preferences, digests and outgoing webhooks',
    ...(deps.logger ? { logger: deps.logger } : {}),
    readiness: { postgres: () => sql`select 1` },
  });
  const http = new SafeHttpClient({
    allowPrivate: config.WEBHOOK_ALLOW_PRIVATE.split(','),
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    maxResponseBytes: config.WEBHOOK_MAX_RESPONSE_BYTES,
    connections: config.WEBHOOK_CONCURRENCY,
    ...(deps.resolver ? { resolver: deps.resolver } : {}),
  });
  const ctx: NotificationContext = {
    sql,
    log: app.log,
    realtime:
      deps.realtime ??
      (config.REALTIME_SERVICE_URL && config.REALTIME_SERVICE_KEY
        ? createRealtimeClient({
            url: config.REALTIME_SERVICE_URL,
            key: config.REALTIME_SERVICE_KEY,
            timeoutMs: config.REALTIME_TIMEOUT_MS,
          })
        : noRealtime),
    mailer:
      deps.mailer ??
      (config.SMTP_URL
        ? createSmtpMailer(config.SMTP_URL, config.MAIL_FROM)
        : createOutboxMailer(config.MAIL_OUTBOX_DIR, config.MAIL_FROM)),
    push:
      deps.push ??
      (config.VAPID_PUBLIC_KEY && config.VAPID_PRIVATE_KEY
        ? createWebPush({
            publicKey: config.VAPID_PUBLIC_KEY,
            privateKey: config.VAPID_PRIVATE_KEY,
            subject: config.VAPID_SUBJECT,
            http,
          })
        : undefined),
    sms: deps.sms ?? createOutboxSms(config.MAIL_OUTBOX_DIR),
    http,
    webhooks: {
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      retryInitialMs: config.WEBHOOK_RETRY_INITIAL_MS,
      retryMaxMs: config.WEBHOOK_RETRY_MAX_MS,
      retryHorizonMs: config.WEBHOOK_RETRY_HORIZON_MS,
      disableAfterMs: config.WEBHOOK_DISABLE_AFTER_MS,
      secretOverlapSeconds: config.WEBHOOK_SECRET_OVERLAP_SECONDS,
      concurrency: config.WEBHOOK_CONCURRENCY,
    },
    // Development without a secret: derived from the database URL, stable per machine, never used in production.
    linkSecret:
      config.NOTIFICATION_LINK_SECRET ??
      createHash('sha256').update(`eduspry-unsubscribe:${config.DATABASE_URL}`).digest('hex'),
    publicAppUrl: config.PUBLIC_APP_URL.replace(/\/$/, ''),
    publicUrl: config.NOTIFICATION_PUBLIC_URL.replace(/\/$/, ''),
    vapidPublicKey: config.VAPID_PUBLIC_KEY,
    now: deps.now ?? (() => new Date()),
  };
  useTokenVerifier(
    app,
    deps.verifier ??
      createTokenVerifier({
        jwksUrl: config.AUTH_JWKS_URL,
        issuer: config.AUTH_ISSUER,
        audience: config.AUTH_AUDIENCE,
      }),
  );
  app.addHook('onClose', () => ctx.http.close());
  await app.register(inboxRoutes, { ctx });
  await app.register(preferenceRoutes, { ctx });
  await app.register(webhookRoutes, { ctx });
  if (deps.eventBus)
    await app.register(busAdminRoutes, {
      bus: deps.eventBus,
      schema: 'notification',
      service: 'notification-service',
    });
  return { app, ctx };
}
