/**
 * Provider verification: every committed pact naming analytics-service (packages/contracts/pacts/)
 * against the real app on the test database. A change that breaks a consumer fails here with that
 * consumer's name (PactBroken).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { verifyPacts } from '@eduspry/contracts/pact-testing';
import { type AnalyticsProvider, startAnalyticsProvider } from './pact-provider.ts';

let provider: AnalyticsProvider;
before(async () => {
  provider = await startAnalyticsProvider();
});
after(() => provider.close());

test('analytics-service keeps every HTTP pact its consumers committed', async () => {
  const verified = await verifyPacts('http', { ...provider.verification, providerBaseUrl: provider.baseUrl });
  for (const consumer of ['admin-portal', 'edge-analytics', 'web-app'])
    assert.ok(verified.includes(consumer), `verified: ${verified.join(', ')}`);
});
