import '@eduspry/common/telemetry-register';
import { createRateLimitRedis, createTokenVerifier, runService } from '@eduspry/common';
import { createLogger } from '@eduspry/logging';
import { buildApp } from './app.ts';
import { operationsMode, readConfig } from './config.ts';

let config: ReturnType<typeof readConfig>;
await runService(
  () => {
    config = readConfig();
    return { name: 'api-gateway', host: config.HOST, port: config.PORT };
  },
  async () => {
    const logger = createLogger({
      service: 'api-gateway',
      level: config.LOG_LEVEL,
      environment: config.NODE_ENV,
    });
    const redis = createRateLimitRedis(config.REDIS_URL);
    const verifier = createTokenVerifier({
      jwksUrl: `${config.AUTH_SERVICE_URL}/.well-known/jwks.json`,
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
    });
    const app = await buildApp({ config, verifier, logger, ...(redis ? { redis } : {}) });
    logger.info({ operations: operationsMode(config) }, `GraphQL operations: ${operationsMode(config)}`);
    return { app, close: async () => redis?.disconnect() };
  },
);
