import { BaseConfig, ConfigError, loadConfig } from '@eduspry/common';
import { type Static, Type } from 'typebox';

export const NotificationConfig = Type.Object({
  ...BaseConfig,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 4007 }),
  /** Where auth-service publishes the keys its access tokens are signed with. */
  AUTH_JWKS_URL: Type.String({
    default: 'http://127.0.0.1:4001/.well-known/jwks.json',
    pattern: '^https?://',
  }),
  AUTH_ISSUER: Type.String({ default: 'http://127.0.0.1:4001', pattern: '^https?://' }),
  AUTH_AUDIENCE: Type.String({ default: 'eduspry', minLength: 1 }),
  /** realtime-service, for live pushes to `user:<userId>`; unset: no live push (the inbox still fills). */
  REALTIME_SERVICE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** The shared secret realtime-service accepts on POST /api/broadcast. */
  REALTIME_SERVICE_KEY: Type.Optional(Type.String({ minLength: 16 })),
  REALTIME_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 30_000, default: 2000 }),
  /** Set: mail goes out over SMTP; unset: written as files to MAIL_OUTBOX_DIR (as auth-service does). */
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  MAIL_FROM: Type.String({ default: 'EduSpry <no-reply@eduspry.example>' }),
  MAIL_OUTBOX_DIR: Type.String({ default: new URL('../../../.eduspry/mail', import.meta.url).pathname }),
  /** Signs one-click unsubscribe links. Required in production (at least 32 characters). */
  NOTIFICATION_LINK_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  /** Where links in mail point: the web app, and this service's public URL (unsubscribe). */
  PUBLIC_APP_URL: Type.String({ default: 'http://127.0.0.1:3000', pattern: '^https?://' }),
  NOTIFICATION_PUBLIC_URL: Type.String({ default: 'http://127.0.0.1:4007', pattern: '^https?://' }),
  /** Web push (VAPID). Unset: push messages are skipped with a logged reason. */
  VAPID_PUBLIC_KEY: Type.Optional(Type.String({ minLength: 40 })),
  VAPID_PRIVATE_KEY: Type.Optional(Type.String({ minLength: 20 })),
  VAPID_SUBJECT: Type.String({ default: 'mailto:no-reply@eduspry.example', pattern: '^(mailto:|https://)' }),
  /** Outgoing webhooks: the request timeout, the response bytes read, retries, disabling. */
  WEBHOOK_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 10_000 }),
  WEBHOOK_MAX_RESPONSE_BYTES: Type.Integer({ minimum: 1024, maximum: 10 * 1024 * 1024, default: 64 * 1024 }),
  /** Backoff: first delay, doubled per attempt with jitter, capped; retries stop after the horizon. */
  WEBHOOK_RETRY_INITIAL_MS: Type.Integer({ minimum: 10, default: 5000 }),
  WEBHOOK_RETRY_MAX_MS: Type.Integer({ minimum: 10, default: 3_600_000 }),
  WEBHOOK_RETRY_HORIZON_MS: Type.Integer({ minimum: 100, default: 24 * 3_600_000 }),
  /** An endpoint that has failed without a single success for this long is disabled. */
  WEBHOOK_DISABLE_AFTER_MS: Type.Integer({ minimum: 100, default: 5 * 24 * 3_600_000 }),
  /** A rotated-out secret keeps signing (beside the new one) for this long. */
  WEBHOOK_SECRET_OVERLAP_SECONDS: Type.Integer({ minimum: 0, maximum: 30 * 24 * 3600, default: 24 * 3600 }),
  WEBHOOK_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 512, default: 32 }),
  /**
   * Development only: comma-separated `address` or `address:port` entries that outgoing webhooks
   * may reach although they are loopback/private (test receivers on 127.0.0.1). Empty by default.
   */
  WEBHOOK_ALLOW_PRIVATE: Type.String({ default: '' }),
  /** Run the workers (channel sender, live push, webhook dispatcher) in this process. */
  NOTIFICATION_WORKERS: Type.Boolean({ default: true }),
});
export type NotificationConfig = Static<typeof NotificationConfig>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): NotificationConfig {
  const config = loadConfig(NotificationConfig, {
    AUTH_JWKS_URL: env.AUTH_SERVICE_URL ? `${env.AUTH_SERVICE_URL}/.well-known/jwks.json` : undefined,
    ...Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== '')),
  });
  if (config.NODE_ENV === 'production') {
    if (!config.NOTIFICATION_LINK_SECRET)
      throw new ConfigError('invalid configuration: NOTIFICATION_LINK_SECRET must be set in production');
    if (config.WEBHOOK_ALLOW_PRIVATE)
      throw new ConfigError('invalid configuration: WEBHOOK_ALLOW_PRIVATE is for development only');
  }
  return config;
}
