import { createServiceApp, type ServiceApp, type Sql } from '@eduspry/common';
import type { Logger } from '@eduspry/logging';
import { tenantRoutes } from './routes/tenants.ts';

export interface AuthDeps {
  sql: Sql;
  logger?: Logger;
}

/** Wires the auth-service: no I/O happens here beyond what the routes do per request. */
export async function buildApp({ sql, logger }: AuthDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
    name: 'auth-service',
    description: 'Tenants, users, credentials, sessions and the tokens the platform trusts',
    ...(logger ? { logger } : {}),
    readiness: { postgres: () => sql`select 1` },
  });
  await app.register(tenantRoutes, { sql });
  return app;
}
