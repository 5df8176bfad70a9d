import { BaseConfig, ConfigError, loadConfig } from '@eduspry/common';
import { type Static, Type } from 'typebox';

export const AuthConfig = Type.Object({
  ...BaseConfig,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 4001 }),
  /** `iss` of every token and the base of the discovery document. */
  AUTH_ISSUER: Type.String({ default: 'http://127.0.0.1:4001', pattern: '^https?://' }),
  /** `aud` of every access token. */
  AUTH_AUDIENCE: Type.String({ default: 'eduspry', minLength: 1 }),
  AUTH_SIGNING_ALG: Type.Union([Type.Literal('EdDSA'), Type.Literal('ES256')], { default: 'EdDSA' }),
  AUTH_ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 30, maximum: 3600, default: 900 }),
  AUTH_REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 300, default: 30 * 24 * 3600 }),
  /**
   * A refresh token used again within this many seconds of its first use is a second tab or a
   * retried request, not a thief: it gets a token of its own instead of revoking the session
   * (Supabase's refresh-token reuse interval). 0: any reuse revokes.
   */
  AUTH_REFRESH_TOKEN_REUSE_INTERVAL_SECONDS: Type.Integer({ minimum: 0, maximum: 60, default: 10 }),
  /** A new signing key is generated when the current one is older than this. */
  AUTH_KEY_ROTATION_DAYS: Type.Integer({ minimum: 1, default: 30 }),
  /** Encrypts private signing keys at rest. Required in production; at least 32 characters. */
  AUTH_KEY_ENCRYPTION_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  /** Where links in emails point (verification, reset, invitation). */
  AUTH_PUBLIC_APP_URL: Type.String({ default: 'http://127.0.0.1:3000', pattern: '^https?://' }),
  /** Comma-separated origins that an external sign-in may redirect back to. */
  AUTH_REDIRECT_ORIGINS: Type.String({ default: 'http://127.0.0.1:3000,http://127.0.0.1:3001' }),
  /**
   * Per IP and minute on sign-in, refresh, registration and password reset. Generous because a
   * whole school often shares one public IP; per-account lockout does the fine-grained work.
   */
  AUTH_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 300 }),
  /**
   * Comma-separated proxies (IPs, CIDRs, or `loopback`, `linklocal`, `uniquelocal`) whose
   * X-Forwarded-For is believed: the api-gateway. Rate limits and the audit log use the client
   * address it reports; from any other peer the header is ignored.
   */
  AUTH_TRUSTED_PROXIES: Type.String({ default: 'loopback' }),
  /** Set: rate-limit counters are shared through Redis; unset: in memory per instance. */
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  /** Set: mail goes out over SMTP; unset: written as files to MAIL_OUTBOX_DIR. */
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  MAIL_FROM: Type.String({ default: 'EduSpry <no-reply@eduspry.example>' }),
  MAIL_OUTBOX_DIR: Type.String({ default: new URL('../../../.eduspry/mail', import.meta.url).pathname }),
});
export type AuthConfig = Static<typeof AuthConfig>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const config = loadConfig(AuthConfig, env);
  if (config.NODE_ENV === 'production' && !config.AUTH_KEY_ENCRYPTION_SECRET)
    throw new ConfigError(
      'invalid configuration: AUTH_KEY_ENCRYPTION_SECRET must be set in production (it encrypts signing keys)',
    );
  return config;
}
