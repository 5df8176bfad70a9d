import { createDb, runService } from '@eduspry/common';
import { createLogger } from '@eduspry/logging';
import { buildApp } from './app.ts';
import { readConfig } from './config.ts';

let config: ReturnType<typeof readConfig>;
await runService(
  () => {
    config = readConfig();
    return { name: 'auth-service', host: config.HOST, port: config.PORT };
  },
  async () => {
    const logger = createLogger({
      service: 'auth-service',
      level: config.LOG_LEVEL,
      environment: config.NODE_ENV,
    });
    const sql = createDb(config.DATABASE_URL, { applicationName: 'auth-service' });
    await sql`select 1`;
    const app = await buildApp({ sql, logger });
    return { app, close: () => sql.end({ timeout: 5 }) };
  },
);
