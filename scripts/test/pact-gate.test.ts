/**
 * The Pact gate itself: a provider change that breaks a consumer fails verification naming that
 * consumer. Each breaking change is made on an in-memory variant (a rewriting proxy in front of the
 * real course-service, a wrapped event builder of the real auth-service), never in the services.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { PactBroken, verifyPacts } from '@eduspry/contracts/pact-testing';
import {
  type AnalyticsProvider,
  startAnalyticsProvider,
} from '../../services/analytics-service/test/pact-provider.ts';
import { type AuthProvider, startAuthProvider } from '../../services/auth-service/test/pact-provider.ts';
import {
  type CourseProvider,
  startCourseProvider,
} from '../../services/course-service/test/pact-provider.ts';

type Rewrite = (
  method: string,
  path: string,
  status: number,
  body: string,
) => { status: number; body: string };

/** A proxy to `target` that passes every request on and rewrites the answers. */
async function rewritingProxy(target: string, rewrite: Rewrite): Promise<{ url: string; server: Server }> {
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(
        ([name]) => !['host', 'content-length', 'connection'].includes(name),
      ),
    ) as Record<string, string>;
    const answer = await fetch(target + request.url, {
      method: request.method!,
      headers,
      ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
    });
    const out = rewrite(request.method!, request.url!.split('?')[0]!, answer.status, await answer.text());
    response.writeHead(out.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
    });
    response.end(out.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function brokenConsumers(check: () => Promise<unknown>): Promise<string> {
  try {
    await check();
  } catch (error) {
    assert.ok(error instanceof PactBroken, `a PactBroken, not ${error}`);
    return error.message;
  }
  assert.fail('verification passed although the provider broke its consumer');
}

describe('the Pact gate', () => {
  let course: CourseProvider;
  let auth: AuthProvider;
  let analytics: AnalyticsProvider;
  const servers: Server[] = [];
  before(async () => {
    [course, auth, analytics] = await Promise.all([
      startCourseProvider(),
      startAuthProvider(),
      startAnalyticsProvider(),
    ]);
  });
  after(async () => {
    for (const server of servers) server.close();
    await Promise.all([course.close(), auth.close(), analytics.close()]);
  });

  const verifyCourseThrough = async (rewrite: Rewrite) => {
    const proxy = await rewritingProxy(course.baseUrl, rewrite);
    servers.push(proxy.server);
    const { stateHandlers, requestFilter } = course.verification;
    return verifyPacts('http', {
      provider: 'course-service',
      providerBaseUrl: proxy.url,
      stateHandlers,
      requestFilter,
    });
  };

  test('renaming a response field the gateway reads fails, naming api-gateway', async () => {
    const message = await brokenConsumers(() =>
      verifyCourseThrough((_method, _path, status, body) => ({
        status,
        body: body.replaceAll('"selfEnrollment":', '"selfEnrolment":'),
      })),
    );
    assert.match(message, /^api-gateway's pact with course-service is broken/);
    assert.match(message, /selfEnrollment/);
  });

  test('removing a route the gateway calls fails, naming api-gateway', async () => {
    const message = await brokenConsumers(() =>
      verifyCourseThrough((method, path, status, body) =>
        method === 'GET' && /^\/courses\/[^/]+\/modules$/.test(path)
          ? {
              status: 404,
              body: JSON.stringify({ type: 'https://eduspry.dev/problems/not-found', status: 404 }),
            }
          : { status, body },
      ),
    );
    assert.match(message, /^api-gateway's pact with course-service is broken/);
    assert.match(message, /modules of a course/);
  });

  test('renaming a response field an edge function reads fails, naming the edge function', async () => {
    const proxy = await rewritingProxy(analytics.baseUrl, (_method, _path, status, body) => ({
      status,
      body: body.replaceAll('"accepted":', '"acceptedCount":'),
    }));
    servers.push(proxy.server);
    const message = await brokenConsumers(() =>
      verifyPacts('http', { ...analytics.verification, providerBaseUrl: proxy.url }),
    );
    assert.match(message, /^edge-analytics's pact with analytics-service is broken/);
    assert.match(message, /accepted/);
  });

  test('renaming a response field the web app reads through the gateway fails, naming web-app', async () => {
    const proxy = await rewritingProxy(analytics.baseUrl, (_method, path, status, body) => ({
      status,
      body: path.startsWith('/reports/students/') ? body.replaceAll('"itemsTotal":', '"itemCount":') : body,
    }));
    servers.push(proxy.server);
    const message = await brokenConsumers(() =>
      verifyPacts('http', { ...analytics.verification, providerBaseUrl: proxy.url }),
    );
    assert.match(message, /^web-app's pact with analytics-service is broken/);
    assert.match(message, /itemsTotal/);
  });

  test('changing an event field its consumers read fails, naming each consumer', async () => {
    const { messageProviders } = auth.verification;
    const registered = 'a user_registered event for a user who accepted an invitation';
    const message = await brokenConsumers(() =>
      verifyPacts('message', {
        provider: 'auth-service',
        messageProviders: {
          ...messageProviders,
          [registered]: async (message) => {
            const event = (await messageProviders[registered]!(message)) as { data: Record<string, unknown> };
            const { userId, ...data } = event.data;
            return { ...event, data: { ...data, user_id: userId } };
          },
        },
      }),
    );
    assert.match(
      message,
      /^analytics-service, course-service, notification-service's pact with auth-service is broken/,
    );
    assert.match(message, /userId/);
  });
});
