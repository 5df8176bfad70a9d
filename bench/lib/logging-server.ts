// The logging-service for bench/log-ingest.ts, as main.ts builds it (its own DB role), trusting
// the public key given as a JWK in argv[2] so the benchmark can sign its own tokens.
import { createDb, createTokenVerifier } from '@eduspry/common';
import { createLogger } from '@eduspry/logging';
import { importJWK, type JWK } from 'jose';
import { buildApp } from '../../services/logging-service/src/app.ts';

const key = await importJWK(JSON.parse(process.argv[2]!) as JWK, 'EdDSA');
const sql = createDb(process.env.LOGGING_SERVICE_DATABASE_URL!, {
  applicationName: 'bench-logging-service',
  max: 10,
});
const { app } = await buildApp({
  sql,
  logger: createLogger({ service: 'logging-service', level: 'warn', environment: 'production' }),
  tokenVerifier: createTokenVerifier({ getKey: async () => key, issuer: 'bench', audience: 'eduspry' }),
});
await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.({ port: (app.server.address() as { port: number }).port });
process.on('SIGTERM', () => app.close().then(() => sql.end().then(() => process.exit(0))));
