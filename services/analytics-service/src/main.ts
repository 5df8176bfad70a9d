import '@eduspry/common/telemetry-register';
import { createDb, createTokenVerifier, runService } from '@eduspry/common';
import { createEventBus, startOutboxRelay } from '@eduspry/event-bus';
import { createLogger } from '@eduspry/logging';
import { buildApp } from './app.ts';
import { readConfig } from './config.ts';
import { subscribeToDomainEvents } from './consumers/domain-events.ts';
import { applyRetention, sweepAtRisk } from './domain/at-risk.ts';

let config: ReturnType<typeof readConfig>;
await runService(
  () => {
    config = readConfig();
    return { name: 'analytics-service', host: config.HOST, port: config.PORT };
  },
  async () => {
    const logger = createLogger({
      service: 'analytics-service',
      level: config.LOG_LEVEL,
      environment: config.NODE_ENV,
    });
    const sql = createDb(config.DATABASE_URL, { applicationName: 'analytics-service', max: 20 });
    await sql`select 1`;
    const tokenVerifier = createTokenVerifier({
      jwksUrl: new URL('/.well-known/jwks.json', config.AUTH_SERVICE_URL),
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
    });
    const bus = createEventBus({ sql, service: 'analytics-service', logger });
    const { app, ctx } = await buildApp({ sql, tokenVerifier, logger, eventBus: bus });
    const relay = startOutboxRelay({ sql, schema: 'analytics', bus, logger });
    const subscription = await subscribeToDomainEvents(bus);
    const every = (name: string, seconds: number, work: () => Promise<unknown>) => {
      const log = logger.child({ component: name });
      const timer = setInterval(() => {
        work()
          .then((result) => log.info({ result }, `${name} done`))
          .catch((error: unknown) => log.error({ err: error }, `${name} failed`));
      }, seconds * 1000);
      timer.unref();
      return timer;
    };
    const timers = [
      every('at-risk-sweep', config.AT_RISK_SWEEP_SECONDS, () => sweepAtRisk(ctx)),
      every('retention', config.RETENTION_INTERVAL_SECONDS, () => applyRetention(ctx)),
    ];
    return {
      app,
      close: async () => {
        for (const timer of timers) clearInterval(timer);
        await subscription.stop();
        await relay.stop();
        await bus.close();
        await sql.end({ timeout: 5 });
      },
    };
  },
);
