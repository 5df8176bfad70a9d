// analytics-service for bench/analytics.ts, as main.ts builds its HTTP app (its own DB role),
// trusting the public key given as a JWK in argv[2] so the benchmark signs its own tokens.
// Answers `{ rss }` over IPC when asked, so the benchmark samples the service's own memory.
import { createDb, createTokenVerifier } from '@eduspry/common';
import { createLogger } from '@eduspry/logging';
import { importJWK, type JWK } from 'jose';
import { buildApp } from '../../services/analytics-service/src/app.ts';

const key = await importJWK(JSON.parse(process.argv[2]!) as JWK, 'EdDSA');
const sql = createDb(process.env.ANALYTICS_SERVICE_DATABASE_URL!, {
  applicationName: 'bench-analytics-service',
  max: 20,
});
const { app } = await buildApp({
  sql,
  logger: createLogger({ service: 'analytics-service', level: 'warn', environment: 'production' }),
  tokenVerifier: createTokenVerifier({ getKey: async () => key, issuer: 'bench', audience: 'eduspry' }),
});
await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.({ port: (app.server.address() as { port: number }).port });
process.on('message', (message) => {
  if ((message as { ask?: string }).ask === 'rss') process.send?.({ rss: process.memoryUsage().rss });
});
process.on('SIGTERM', () => app.close().then(() => sql.end().then(() => process.exit(0))));
