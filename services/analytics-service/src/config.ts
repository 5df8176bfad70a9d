import { BaseConfig, loadConfig } from '@eduspry/common';
import { type Static, Type } from 'typebox';

export const AnalyticsConfig = Type.Object({
  ...BaseConfig,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 4006 }),
  /** auth-service, whose JWKS verifies bearer tokens; `npm start` sets it. */
  AUTH_SERVICE_URL: Type.String({ default: 'http://127.0.0.1:4001', pattern: '^https?://' }),
  AUTH_ISSUER: Type.String({ default: 'http://127.0.0.1:4001', pattern: '^https?://' }),
  AUTH_AUDIENCE: Type.String({ default: 'eduspry', minLength: 1 }),
  /** How often the at-risk sweep runs (emits analytics.engagement.student_at_risk). */
  AT_RISK_SWEEP_SECONDS: Type.Integer({ minimum: 5, maximum: 86400, default: 300 }),
  /** How often raw events past their tenant's retention are deleted. */
  RETENTION_INTERVAL_SECONDS: Type.Integer({ minimum: 60, maximum: 86400, default: 3600 }),
});
export type AnalyticsConfig = Static<typeof AnalyticsConfig>;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): AnalyticsConfig =>
  loadConfig(AnalyticsConfig, env);
