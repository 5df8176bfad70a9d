import '@eduspry/common/telemetry-register';
import { createTokenVerifier, runService } from '@eduspry/common';
import { createLogger } from '@eduspry/logging';
import { Redis } from 'ioredis';
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
    const redis = config.REDIS_URL
      ? new Redis(config.REDIS_URL, {
          connectTimeout: 2000,
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
        })
      : undefined;
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
