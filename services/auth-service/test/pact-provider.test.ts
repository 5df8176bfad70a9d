/**
 * Provider verification: every committed pact naming auth-service (packages/contracts/pacts/),
 * HTTP and messages, against the real app on the test database. A change that breaks a consumer
 * fails here with that consumer's name (PactBroken).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { verifyPacts } from '@eduspry/contracts/pact-testing';
import { type AuthProvider, startAuthProvider } from './pact-provider.ts';

let provider: AuthProvider;
before(async () => {
  provider = await startAuthProvider();
});
after(() => provider.close());

test('auth-service keeps every HTTP pact its consumers committed', async () => {
  const { stateHandlers, requestFilter } = provider.verification;
  const verified = await verifyPacts('http', {
    provider: 'auth-service',
    providerBaseUrl: provider.baseUrl,
    stateHandlers,
    requestFilter,
  });
  for (const consumer of ['admin-portal', 'api-gateway', 'web-app'])
    assert.ok(verified.includes(consumer), `verified: ${verified.join(', ')}`);
});

test('auth-service’s user events carry what their consumers read', async () => {
  const verified = await verifyPacts('message', {
    provider: 'auth-service',
    messageProviders: provider.verification.messageProviders,
  });
  assert.ok(verified.includes('notification-service'), `verified: ${verified.join(', ')}`);
  assert.ok(verified.includes('course-service'), `verified: ${verified.join(', ')}`);
  assert.ok(verified.includes('analytics-service'), `verified: ${verified.join(', ')}`);
});
