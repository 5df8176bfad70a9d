/**
 * Provider verification: every committed pact naming course-service (packages/contracts/pacts/),
 * HTTP and messages, against the real app on the test database. A change that breaks a consumer
 * fails here with that consumer's name (PactBroken).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pactsFor, verifyPacts } from '@eduspry/contracts/pact-testing';
import { type CourseProvider, startCourseProvider } from './pact-provider.ts';

let provider: CourseProvider;
before(async () => {
  provider = await startCourseProvider();
});
after(() => provider.close());

test('course-service keeps every HTTP pact its consumers committed', async () => {
  const { stateHandlers, requestFilter } = provider.verification;
  const verified = await verifyPacts('http', {
    provider: 'course-service',
    providerBaseUrl: provider.baseUrl,
    stateHandlers,
    requestFilter,
  });
  for (const consumer of ['api-gateway', 'edge-webhooks'])
    assert.ok(verified.includes(consumer), `verified: ${verified.join(', ')}`);
});

test('course-service’s events carry what their consumers read', async (t) => {
  if (!pactsFor('course-service', 'message').length) return t.skip('no message pact names course-service');
  const verified = await verifyPacts('message', {
    provider: 'course-service',
    messageProviders: provider.verification.messageProviders,
  });
  for (const consumer of ['notification-service', 'analytics-service', 'content-service'])
    assert.ok(verified.includes(consumer), `verified: ${verified.join(', ')}`);
});
