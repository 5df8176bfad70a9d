/**
 * Provider verification: every committed pact naming notification-service (packages/contracts/pacts/)
 * against the real app on the test database, listening on a free port. Provider states come from
 * the service's own event consumer (an enrolment notifies the enrolled user); the caller of each
 * interaction is the state's user, swapped in for the consumer's placeholder token by the request
 * filter. A change that breaks a consumer fails here with that consumer's name (PactBroken).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { gatewayPassThrough, verifyPacts } from '@eduspry/contracts/pact-testing';
import { type Harness, harness } from './helpers.ts';

let h: Harness;
let baseUrl = '';
let token: string | undefined;

before(async () => {
  // The webhook endpoint of a provider state: a loopback address, allowed as in webhooks.test.ts
  // (no dispatcher runs here, so nothing is ever sent to it).
  h = await harness({ WEBHOOK_ALLOW_PRIVATE: '127.0.0.1:9' });
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
});
after(() => h.close());

test('notification-service keeps every HTTP pact its consumers committed', async () => {
  const verified = await verifyPacts('http', {
    provider: 'notification-service',
    providerBaseUrl: baseUrl,
    // The web app's pacts name the gateway's pass-through path; the edge function's the service's own.
    requestFilter: gatewayPassThrough('notification-service', (request, _response, next) => {
      if (token) request.headers.authorization = `Bearer ${token}`;
      next();
    }),
    stateHandlers: {
      'a user with an unread notification': async () => {
        const student = await h.user(['student'], await h.newTenant());
        await h.enroll(student, randomUUID());
        token = student.token;
        const inbox = await h.call(student, 'GET', '/notifications');
        return { userId: student.id, notificationId: inbox.body.items[0].id };
      },
      'a member of a course’s staff, and a student on its roster': async () => {
        const tenant = await h.newTenant();
        const courseId = randomUUID();
        await h.enroll(await h.user(['student'], tenant), courseId);
        // The tenant's admin speaks for every course of it, as a teacher does for their own.
        token = (await h.user(['tenant_admin'], tenant)).token;
        return { courseId };
      },
      'a tenant admin of a tenant with a webhook endpoint': async () => {
        const tenant = await h.newTenant();
        const admin = await h.user(['tenant_admin'], tenant);
        const created = await h.call(admin, 'POST', '/webhooks/endpoints', {
          url: 'http://127.0.0.1:9/eduspry',
          description: 'SIS sync',
          eventTypes: ['course.*'],
        });
        if (created.status !== 201) throw new Error(JSON.stringify(created.body));
        token = admin.token;
        return { tenantId: tenant.id };
      },
    },
  });
  for (const consumer of ['admin-portal', 'edge-notification', 'web-app'])
    assert.ok(verified.includes(consumer), `verified: ${verified.join(', ')}`);
});
