// Servers for bench/auth-tokens.ts. `auth`: the auth-service as main.ts builds it (its own DB
// role). `verify`: a kit service that verifies bearer tokens against the auth-service's JWKS
// with the common helper, answering GET /whoami (verified) and GET /health (no token).
import {
  createDb,
  createServiceApp,
  createTokenVerifier,
  requireUser,
  useTokenVerifier,
} from '@eduspry/common';
import { buildApp } from '../../services/auth-service/src/app.ts';
import { readConfig } from '../../services/auth-service/src/config.ts';

const kind = process.argv[2];
const ready = (port: number) => process.send?.({ port });

if (kind === 'auth') {
  const config = readConfig({ ...process.env, DATABASE_URL: process.env.AUTH_SERVICE_DATABASE_URL });
  const sql = createDb(config.DATABASE_URL, { applicationName: 'bench-auth-service', max: 10 });
  const app = await buildApp({ sql, config });
  await app.listen({ port: 0, host: '127.0.0.1' });
  ready((app.server.address() as { port: number }).port);
  process.on('SIGTERM', () => app.close().then(() => sql.end().then(() => process.exit(0))));
} else {
  const app = await createServiceApp({ name: 'bench-verifying-service' });
  useTokenVerifier(
    app,
    createTokenVerifier({ jwksUrl: process.argv[3]!, issuer: process.argv[4]!, audience: process.argv[5]! }),
  );
  app.get('/whoami', async (request) => {
    const claims = await requireUser(request);
    return { sub: claims.sub, tenant: claims.app_metadata.tenant_id };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  ready((app.server.address() as { port: number }).port);
  process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
}
