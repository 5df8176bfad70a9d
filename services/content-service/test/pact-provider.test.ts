/**
 * Provider verification: every committed pact naming content-service (packages/contracts/pacts/)
 * against the real app on the test database (listening on a free port), with the real
 * course-service behind its CheckAccess. Provider states are built through the services' own
 * routes (a course, an item, an enrolment, an upload); the caller of each interaction is the
 * state's user, swapped in for the consumer's placeholder token by the request filter. A change
 * that breaks a consumer fails here with that consumer's name (PactBroken).
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { gatewayPassThrough, verifyPacts } from '@eduspry/contracts/pact-testing';
import { courseWithItems, type Harness, harness, PDF } from './helpers.ts';

let h: Harness;
let baseUrl = '';
let token: string | undefined;

before(async () => {
  h = await harness({ CONTENT_PUBLIC_URL: 'http://content.test' });
  await h.content.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(h.content.server.address() as AddressInfo).port}`;
});
after(() => h.close());

test('content-service keeps every HTTP pact its consumers committed', async () => {
  const verified = await verifyPacts('http', {
    provider: 'content-service',
    providerBaseUrl: baseUrl,
    // The admin portal's pacts name the gateway's pass-through path; the edge function's the service's own.
    requestFilter: gatewayPassThrough('content-service', (request, _response, next) => {
      if (token) request.headers.authorization = `Bearer ${token}`;
      next();
    }),
    stateHandlers: {
      'a student enrolled in a course with an uploaded file': async () => {
        const { teacher, student, course, openItem } = await courseWithItems(h);
        const uploaded = await h.upload(teacher, `/courses/${course.id}/files?itemId=${openItem.id}`, {
          name: 'handout.pdf',
          bytes: PDF('pact'),
          contentType: 'application/pdf',
        });
        if (uploaded.status !== 201) throw new Error(JSON.stringify(uploaded.body));
        token = student.token;
        return { courseId: course.id, itemId: openItem.id, fileId: uploaded.body.id };
      },
      'a tenant admin of a tenant with an uploaded file': async () => {
        const { tenant, teacher, course } = await courseWithItems(h);
        const uploaded = await h.upload(teacher, `/courses/${course.id}/files`, {
          name: 'handout.pdf',
          bytes: PDF('pact'),
          contentType: 'application/pdf',
        });
        if (uploaded.status !== 201) throw new Error(JSON.stringify(uploaded.body));
        token = (await h.course.user(['tenant_admin'], tenant)).token;
        return { tenantId: tenant.id };
      },
    },
  });
  for (const consumer of ['admin-portal', 'edge-content-access'])
    assert.ok(verified.includes(consumer), `verified: ${verified.join(', ')}`);
});
