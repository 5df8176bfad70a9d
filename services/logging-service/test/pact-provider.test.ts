// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Pact provider-state expressions are ${…} on purpose
/**
 * Provider verification: every committed pact naming logging-service (packages/contracts/pacts/)
 * against the real app on the test database, listening on a free port. The caller of each
 * interaction is the state's user: the request filter swaps the consumer's placeholder token for
 * theirs. A change that breaks a consumer fails here with that consumer's name (PactBroken).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { adminDb, createTestTenant, serviceDb } from '@eduspry/common/testing';
import { gatewayPassThrough, verifyPacts } from '@eduspry/contracts/pact-testing';
import { buildApp } from '../src/app.ts';
import { capturingLogger, logLine, testAuth } from './helpers.ts';

const admin = adminDb();
const sql = serviceDb('logging-service');
const auth = await testAuth();
const { app } = await buildApp({
  sql,
  logger: capturingLogger('logging-service').logger,
  tokenVerifier: auth.verifier,
});
let baseUrl = '';
let token: string | undefined;

before(async () => {
  await app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
after(async () => {
  await app.close();
  await Promise.all([sql.end(), admin.end()]);
});

test('logging-service keeps every HTTP pact its consumers committed', async () => {
  const verified = await verifyPacts('http', {
    provider: 'logging-service',
    providerBaseUrl: baseUrl,
    // The admin portal's pacts name the gateway's pass-through path; the edge function's the service's own.
    requestFilter: gatewayPassThrough('logging-service', (request, _response, next) => {
      if (token) request.headers.authorization = `Bearer ${token}`;
      next();
    }),
    stateHandlers: {
      'a student of a tenant': async () => {
        const tenant = await createTestTenant(admin);
        const userId = randomUUID();
        token = await auth.tokenFor(tenant.id, ['student'], userId);
        return { tenantId: tenant.id, userId };
      },
      'a tenant admin of a tenant with log lines': async () => {
        const tenant = await createTestTenant(admin);
        token = await auth.tokenFor(tenant.id, ['tenant_admin']);
        const stored = await app.inject({
          method: 'POST',
          url: '/logs/batch',
          headers: { authorization: `Bearer ${token}` },
          payload: { lines: [logLine({ tenantId: tenant.id, message: 'course published' })] },
        });
        if (stored.statusCode >= 300) throw new Error(stored.body);
        return { tenantId: tenant.id };
      },
    },
  });
  for (const consumer of ['admin-portal', 'edge-log-events'])
    assert.ok(verified.includes(consumer), `verified: ${verified.join(', ')}`);
});
