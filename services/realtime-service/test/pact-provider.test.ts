/**
 * Provider verification: every committed pact naming realtime-service (packages/contracts/pacts/;
 * the admin portal's presence privacy page) against the real app on the test database, listening
 * on a free port. Each provider state is a tenant of its own; the caller of each interaction is the
 * state's user, swapped in for the consumer's placeholder token by the request filter. The
 * portal's pacts name the gateway's pass-through path. A change that breaks a consumer fails here
 * with that consumer's name (PactBroken).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { gatewayPassThrough, verifyPacts } from '@eduspry/contracts/pact-testing';
import { startServer, type TestAuth, type TestServer, testAuth } from './helpers.ts';

let auth: TestAuth;
let server: TestServer;
let token: string | undefined;

before(async () => {
  auth = await testAuth();
  server = await startServer(auth);
});
after(() => server?.close());

test('realtime-service keeps every HTTP pact its consumers committed', async () => {
  const verified = await verifyPacts('http', {
    provider: 'realtime-service',
    providerBaseUrl: server.httpUrl,
    requestFilter: gatewayPassThrough('realtime-service', (request, _response, next) => {
      if (token) request.headers.authorization = `Bearer ${token}`;
      next();
    }),
    stateHandlers: {
      'a tenant admin of a tenant': async () => {
        // A new tenant has no setting of its own yet: it reads the default, everyone.
        const tenantId = randomUUID();
        token = await auth.tokenFor(tenantId, ['tenant_admin']);
        return { tenantId };
      },
    },
  });
  assert.ok(verified.includes('admin-portal'), `verified: ${verified.join(', ')}`);
});
