import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { gatewayPassThrough, type ProviderVerification } from '@eduspry/contracts/pact-testing';
import { Harness, track } from './harness.ts';

/**
 * analytics-service as its pacts' provider: the real app (buildApp on the test database, listening
 * on a free port) and the provider states its consumers name, each in a tenant of its own, set up
 * through the service's own doors (the domain events its consumer ingests, then `POST /track`).
 * The caller of each interaction is the state's user: the request filter swaps the consumer's
 * placeholder token for theirs. The web app's pacts name the gateway's pass-through path.
 */
export interface AnalyticsProvider {
  h: Harness;
  baseUrl: string;
  verification: Required<Pick<ProviderVerification, 'provider' | 'stateHandlers' | 'requestFilter'>>;
  close(): Promise<void>;
}

export async function startAnalyticsProvider(): Promise<AnalyticsProvider> {
  const h = await new Harness().start();
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  let token: string | undefined;
  return {
    h,
    baseUrl,
    verification: {
      provider: 'analytics-service',
      requestFilter: gatewayPassThrough('analytics-service', (request, _response, next) => {
        if (token) request.headers.authorization = `Bearer ${token}`;
        next();
      }),
      stateHandlers: {
        'a student of a tenant': async () => {
          // The service's clock is the real one here: the pact's event times are generated as "now".
          h.now = new Date();
          const student = await h.person(await h.tenant(), ['student']);
          token = student.token;
          return { tenantId: student.tenantId, userId: student.id };
        },
        'a student with activity and a grade in a course': async () => {
          h.now = new Date();
          const tenantId = await h.tenant();
          const student = await h.person(tenantId, ['student']);
          const courseId = randomUUID();
          const itemId = randomUUID();
          const before = new Date(h.now.getTime() - 3_600_000);
          await h.deliver(h.enrolled(tenantId, student.id, courseId, 'student', before));
          const tracked = await h.call(student, 'POST', '/track', {
            events: [
              track('item_opened', new Date(h.now.getTime() - 20 * 60_000), { courseId, itemId }),
              track('heartbeat', new Date(h.now.getTime() - 15 * 60_000), { courseId, seconds: 300 }),
            ],
          });
          if (tracked.status !== 202) throw new Error(tracked.text);
          await h.deliver(h.graded(tenantId, student.id, courseId, randomUUID(), 8, before));
          token = student.token;
          return { tenantId, userId: student.id, courseId };
        },
        'a tenant admin of a tenant with activity in a course': async () => {
          h.now = new Date();
          const tenantId = await h.tenant();
          const [student, admin] = [
            await h.person(tenantId, ['student']),
            await h.person(tenantId, ['tenant_admin']),
          ];
          const courseId = randomUUID();
          await h.deliver(
            h.enrolled(tenantId, student.id, courseId, 'student', new Date(h.now.getTime() - 3_600_000)),
          );
          const tracked = await h.call(student, 'POST', '/track', {
            events: [track('heartbeat', new Date(h.now.getTime() - 15 * 60_000), { courseId, seconds: 300 })],
          });
          if (tracked.status !== 202) throw new Error(tracked.text);
          token = admin.token;
          return { tenantId };
        },
      },
    },
    close: () => h.stop(),
  };
}
