import { BaseConfig, ConfigError, loadConfig } from '@eduspry/common';
import { type Static, Type } from 'typebox';

export const DEFAULT_MEDIA_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/svg+xml',
  'video/mp4',
  'video/webm',
  'audio/mpeg',
  'audio/ogg',
  'text/plain',
  'text/html',
  'application/zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
];

export const ContentConfig = Type.Object({
  ...BaseConfig,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 4003 }),
  /** Where auth-service publishes its signing keys. */
  AUTH_JWKS_URL: Type.String({
    default: 'http://127.0.0.1:4001/.well-known/jwks.json',
    pattern: '^https?://',
  }),
  AUTH_ISSUER: Type.String({ default: 'http://127.0.0.1:4001', pattern: '^https?://' }),
  AUTH_AUDIENCE: Type.String({ default: 'eduspry', minLength: 1 }),
  /** course-service's gRPC address (host:port): every read decision asks its CheckAccess. */
  COURSE_SERVICE_GRPC: Type.String({ default: '127.0.0.1:5002', minLength: 3 }),
  /** Deadline of one CheckAccess call. */
  CONTENT_ACCESS_DEADLINE_MS: Type.Integer({ minimum: 50, maximum: 30_000, default: 2000 }),
  /** How long an access answer is reused for the same user and item. */
  CONTENT_ACCESS_CACHE_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 5000 }),
  /** Consecutive transient failures that open the breaker in front of course-service. */
  CONTENT_ACCESS_BREAKER_THRESHOLD: Type.Integer({ minimum: 1, default: 5 }),
  /** Signs the service's own delivery URLs (HMAC-SHA256). Required in production; ≥ 32 characters. */
  CONTENT_SIGNING_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  /** Lifetime of a signed URL. */
  CONTENT_SIGNED_URL_TTL_SECONDS: Type.Integer({ minimum: 10, maximum: 86_400, default: 300 }),
  /** The base of signed URLs this service hands out (what a browser reaches it at). */
  CONTENT_PUBLIC_URL: Type.String({ default: 'http://127.0.0.1:4003', pattern: '^https?://' }),
  /** A tenant's defaults until its admin changes them. */
  CONTENT_DEFAULT_QUOTA_BYTES: Type.Integer({ minimum: 0, default: 10 * 1024 ** 3 }),
  CONTENT_DEFAULT_MAX_FILE_BYTES: Type.Integer({ minimum: 1, default: 2 * 1024 ** 3 }),
  CONTENT_DEFAULT_MEDIA_TYPES: Type.String({ default: DEFAULT_MEDIA_TYPES.join(',') }),
  /** Resumable uploads in flight live here until they complete (tus). */
  CONTENT_UPLOAD_DIR: Type.String({
    default: new URL('../../../.eduspry/uploads', import.meta.url).pathname,
  }),
  /** An upload untouched this long is stale: the sweeper removes it and its `uploading` row. */
  CONTENT_STALE_UPLOAD_SECONDS: Type.Integer({ minimum: 1, default: 24 * 3600 }),
  CONTENT_SWEEP_INTERVAL_SECONDS: Type.Integer({ minimum: 1, default: 600 }),
  /**
   * Comma-separated origins whose pages may upload straight to `/uploads` (tus) from the browser
   * (CORS); default the web app's own (`WEB_APP_URL`, which `npm start` sets), else its local port.
   */
  CONTENT_ALLOWED_ORIGINS: Type.String({ default: 'http://127.0.0.1:3000,http://localhost:3000' }),
});
export type ContentConfig = Static<typeof ContentConfig>;

const DEV_SECRET = 'development-only-content-signing-secret-000';

export function readConfig(env: NodeJS.ProcessEnv = process.env): ContentConfig & { signingSecret: string } {
  const config = loadConfig(ContentConfig, {
    AUTH_JWKS_URL: env.AUTH_SERVICE_URL ? `${env.AUTH_SERVICE_URL}/.well-known/jwks.json` : undefined,
    COURSE_SERVICE_GRPC: env.COURSE_SERVICE_GRPC_PORT
      ? `127.0.0.1:${env.COURSE_SERVICE_GRPC_PORT}`
      : undefined,
    CONTENT_PUBLIC_URL: env.CONTENT_SERVICE_URL,
    CONTENT_ALLOWED_ORIGINS: env.WEB_APP_URL ? new URL(env.WEB_APP_URL).origin : undefined,
    ...Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== '')),
  });
  if (config.NODE_ENV === 'production' && !config.CONTENT_SIGNING_SECRET)
    throw new ConfigError('invalid configuration: CONTENT_SIGNING_SECRET must be set in production');
  return { ...config, signingSecret: config.CONTENT_SIGNING_SECRET ?? DEV_SECRET };
}
