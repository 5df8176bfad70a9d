/**
 * Provider verification of the gateway's own routes: every committed pact naming api-gateway
 * (packages/contracts/pacts/; the admin portal's platform health page) against the real gateway in
 * front of the real auth-service and course-service on the test database, the other upstreams
 * down. The caller is the state's user: the request filter swaps the consumer's placeholder token
 * for theirs. A change that breaks a consumer fails here with that consumer's name (PactBroken).
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { verifyPacts } from '@eduspry/contracts/pact-testing';
import { type Platform, startPlatform } from './helpers.ts';

const DOWN = 'http://127.0.0.1:9';
let p: Platform;
let baseUrl = '';
let token: string | undefined;

before(async () => {
  p = await startPlatform({
    LOGGING_SERVICE_URL: DOWN,
    CONTENT_SERVICE_URL: DOWN,
    ASSESSMENT_SERVICE_URL: DOWN,
    NOTIFICATION_SERVICE_URL: DOWN,
    ANALYTICS_SERVICE_URL: DOWN,
    REALTIME_SERVICE_URL: DOWN,
  });
  await p.gateway.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(p.gateway.server.address() as AddressInfo).port}`;
});
after(() => p.close());

test('api-gateway keeps every HTTP pact its consumers committed', async () => {
  const verified = await verifyPacts('http', {
    provider: 'api-gateway',
    providerBaseUrl: baseUrl,
    requestFilter: (request, _response, next) => {
      if (token) request.headers.authorization = `Bearer ${token}`;
      next();
    },
    stateHandlers: {
      'a super admin of a running platform': async () => {
        token = (await p.user(await p.tenant(), ['super_admin'])).token;
        return {};
      },
    },
  });
  assert.ok(verified.includes('admin-portal'), `verified: ${verified.join(', ')}`);
});
