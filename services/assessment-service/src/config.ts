import { BaseConfig, loadConfig } from '@eduspry/common';
import { type Static, Type } from 'typebox';

export const AssessmentConfig = Type.Object({
  ...BaseConfig,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 4004 }),
  /** Where auth-service publishes the keys its access tokens are signed with. */
  AUTH_JWKS_URL: Type.String({
    default: 'http://127.0.0.1:4001/.well-known/jwks.json',
    pattern: '^https?://',
  }),
  AUTH_ISSUER: Type.String({ default: 'http://127.0.0.1:4001', pattern: '^https?://' }),
  AUTH_AUDIENCE: Type.String({ default: 'eduspry', minLength: 1 }),
  /** course-service's gRPC address (CheckAccess), host:port. */
  COURSE_SERVICE_GRPC: Type.String({
    default: '127.0.0.1:5002',
    pattern: '^[A-Za-z0-9.:\\[\\]-]+:\\d+$',
  }),
  /** Deadline of each CheckAccess call. */
  COURSE_ACCESS_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 30_000, default: 2000 }),
  /** How long an allowed CheckAccess answer is reused for the same user, course and item. */
  COURSE_ACCESS_CACHE_SECONDS: Type.Integer({ minimum: 0, maximum: 300, default: 20 }),
  /** Saves and submits this long after an attempt's deadline still count (network latency). */
  ATTEMPT_GRACE_SECONDS: Type.Integer({ minimum: 0, maximum: 600, default: 30 }),
  /** How often attempts past their deadline are submitted automatically. */
  AUTO_SUBMIT_INTERVAL_SECONDS: Type.Integer({ minimum: 1, maximum: 3600, default: 15 }),
  /** realtime-service, where the course staff's live view of a running quiz is broadcast. */
  REALTIME_SERVICE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** The shared secret realtime-service accepts on POST /api/broadcast. */
  REALTIME_SERVICE_KEY: Type.Optional(Type.String({ minLength: 16 })),
  REALTIME_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 30_000, default: 2000 }),
  /** Attempts' progress is sent live at most this often (coalesced per attempt). */
  LIVE_PROGRESS_INTERVAL_MS: Type.Integer({ minimum: 50, maximum: 60_000, default: 1000 }),
});
export type AssessmentConfig = Static<typeof AssessmentConfig>;

/** COURSE_SERVICE_GRPC_PORT (the platform's naming, set by `npm start`) also sets the address. */
export const readConfig = (env: NodeJS.ProcessEnv = process.env): AssessmentConfig =>
  loadConfig(AssessmentConfig, {
    AUTH_JWKS_URL: env.AUTH_SERVICE_URL ? `${env.AUTH_SERVICE_URL}/.well-known/jwks.json` : undefined,
    COURSE_SERVICE_GRPC: env.COURSE_SERVICE_GRPC_PORT
      ? `127.0.0.1:${env.COURSE_SERVICE_GRPC_PORT}`
      : undefined,
    ...Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== '')),
  });
