import { BaseConfig, loadConfig } from '@eduspry/common';
import { type Static, Type } from 'typebox';

export const CourseConfig = Type.Object({
  ...BaseConfig,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 4002 }),
  /** gRPC (CheckAccess, GetEnrollment) listens on its own port. */
  GRPC_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 5002 }),
  /** Where auth-service publishes the keys its access tokens are signed with. */
  AUTH_JWKS_URL: Type.String({
    default: 'http://127.0.0.1:4001/.well-known/jwks.json',
    pattern: '^https?://',
  }),
  /** `iss` and `aud` every accepted access token must carry (auth-service's AUTH_ISSUER / AUTH_AUDIENCE). */
  AUTH_ISSUER: Type.String({ default: 'http://127.0.0.1:4001', pattern: '^https?://' }),
  AUTH_AUDIENCE: Type.String({ default: 'eduspry', minLength: 1 }),
});
export type CourseConfig = Static<typeof CourseConfig>;

/**
 * COURSE_SERVICE_GRPC_PORT (the platform registry's naming) also sets GRPC_PORT, and the JWKS
 * URL follows AUTH_SERVICE_URL, which `npm start` sets for every process.
 */
export const readConfig = (env: NodeJS.ProcessEnv = process.env): CourseConfig =>
  loadConfig(CourseConfig, {
    GRPC_PORT: env.COURSE_SERVICE_GRPC_PORT,
    AUTH_JWKS_URL: env.AUTH_SERVICE_URL ? `${env.AUTH_SERVICE_URL}/.well-known/jwks.json` : undefined,
    ...Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== '')),
  });
