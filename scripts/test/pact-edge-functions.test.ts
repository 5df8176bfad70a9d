// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Pact provider-state expressions are ${…} on purpose
/**
 * Consumer contracts of the edge functions (supabase/functions/*): each function's portable handler
 * with its real self-hosted adapter, pointed at Pact's mock server, driven by a request as a
 * browser sends it. Only the token check is replaced (the provider swaps in a real token per state).
 * Node, not Deno: Pact's native core runs in Node, and the handlers are plain TypeScript.
 * Verified by each provider's test/pact-provider.test.ts.
 *
 * auth-webhook calls no EduSpry service (only Supabase's PostgREST, on Supabase), so it has no pact.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { consumerPact, Matchers } from '@eduspry/contracts/pact-testing';
import { Webhook } from 'standardwebhooks';
import { endedSessionsMirror } from '../../supabase/functions/_shared/tokens.ts';
import { analyticsServiceTracker } from '../../supabase/functions/analytics/adapters.ts';
import { createAnalyticsHandler } from '../../supabase/functions/analytics/handler.ts';
import { contentServiceAccess } from '../../supabase/functions/content-access/adapters.ts';
import { createContentAccessHandler } from '../../supabase/functions/content-access/handler.ts';
import { selfHostedWriter } from '../../supabase/functions/log-events/adapters.ts';
import { createLogEventsHandler } from '../../supabase/functions/log-events/handler.ts';
import { httpForwarder } from '../../supabase/functions/notification/adapters.ts';
import { createNotificationHandler } from '../../supabase/functions/notification/handler.ts';
import {
  configuredSecrets,
  courseServiceRoster,
  memoryDeliveries,
  standardWebhooksVerify,
} from '../../supabase/functions/webhooks/adapters.ts';
import { createIncomingWebhookHandler } from '../../supabase/functions/webhooks/handler.ts';

const { uuid, regex, integer, fromProviderState, string, eachLike, datetime } = Matchers;

const TOKEN = 'eyJ.edge.test.token';
const TENANT_ID = '3b9f6d2a-1c4e-4f7a-9b8c-2d3e4f5a6b7c';
const USER_ID = '9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const FILE_ID = '5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const COURSE_ID = '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d';
const ITEM_ID = '1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b';
const ISO = "yyyy-MM-dd'T'HH:mm:ss.SSSX";
const authorized = { authorization: regex('^Bearer .+$', `Bearer ${TOKEN}`) };
const claims = { sub: USER_ID, app_metadata: { tenant_id: TENANT_ID, roles: ['student'] } };
const verifyToken = async () => claims;
/**
 * An ISO time the provider's verifier generates as "now" (the services refuse events older than a
 * day); pact-js's `datetime` insists on an example, which turns its generator off.
 */
const now = (example = '2026-12-02T05:00:00.000Z') =>
  ({
    'pact:matcher:type': 'timestamp',
    'pact:generator:type': 'DateTime',
    format: ISO,
    value: example,
  }) as unknown as string;

const request = (url: string, init: { method?: string; body?: unknown } = {}) =>
  new Request(url, {
    method: init.method ?? 'POST',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });

describe('edge-log-events → logging-service', () => {
  const { pact, settle } = consumerPact('edge-log-events', 'logging-service');
  after(() => settle());

  test('a browser’s batch of log events goes to POST /logs/batch as the caller', async () => {
    await pact
      .addInteraction()
      .given('a student of a tenant')
      .uponReceiving('a batch of log lines of the caller’s tenant')
      .withRequest('POST', '/logs/batch', (b) =>
        b.headers({ ...authorized, 'content-type': 'application/json' }).jsonBody({
          lines: [
            {
              timestamp: now(),
              level: 'warn',
              service: 'client:web-app',
              component: 'player',
              traceId: null,
              spanId: null,
              tenantId: fromProviderState('${tenantId}', TENANT_ID),
              tenantName: null,
              userId: fromProviderState('${userId}', USER_ID),
              sessionId: null,
              message: 'video stalled',
              context: { itemId: ITEM_ID },
              tags: ['video'],
              metrics: { bufferedSeconds: 3 },
              environment: 'production',
            },
          ],
        }),
      )
      .willRespondWith(200)
      .executeTest(async (server) => {
        const handler = createLogEventsHandler(
          { verifyToken, writeEvents: selfHostedWriter({ loggingServiceUrl: server.url }) },
          { environment: 'production' },
        );
        const response = await handler(
          request('http://edge.test/functions/v1/log-events', {
            body: {
              tenantId: TENANT_ID,
              events: [
                {
                  level: 'warn',
                  service: 'web-app',
                  component: 'player',
                  message: 'video stalled',
                  context: { itemId: ITEM_ID },
                  tags: ['video'],
                  metrics: { bufferedSeconds: 3 },
                },
              ],
            },
          }),
        );
        assert.equal(response.status, 200, await response.clone().text());
        assert.deepEqual(await response.json(), { stored: 1 });
      });
  });
});

describe('edge-analytics → analytics-service', () => {
  const { pact, settle } = consumerPact('edge-analytics', 'analytics-service');
  after(() => settle());

  test('client activity goes to POST /track as the caller; accepted and duplicates come back', async () => {
    await pact
      .addInteraction()
      .given('a student of a tenant')
      .uponReceiving('a batch of tracked page views')
      .withRequest('POST', '/track', (b) =>
        b
          .headers({ ...authorized, 'content-type': 'application/json', accept: 'application/json' })
          .jsonBody({ events: [{ id: uuid(FILE_ID), type: 'page_view', at: now(), path: '/' }] }),
      )
      .willRespondWith(202, (b) => b.jsonBody({ accepted: integer(1), duplicates: integer(0) }))
      .executeTest(async (server) => {
        const handler = createAnalyticsHandler({
          verifyToken,
          track: analyticsServiceTracker({ analyticsServiceUrl: server.url }),
        });
        const response = await handler(
          request('http://edge.test/analytics', {
            body: { events: [{ id: FILE_ID, type: 'page_view', at: new Date().toISOString(), path: '/' }] },
          }),
        );
        assert.equal(response.status < 300, true, await response.clone().text());
        const body = (await response.json()) as { accepted: number; duplicates: number };
        assert.equal(body.accepted, 1);
        assert.equal(body.duplicates, 0);
      });
  });
});

describe('edge-content-access → content-service', () => {
  const { pact, settle } = consumerPact('edge-content-access', 'content-service');
  after(() => settle());
  const signed = {
    version: integer(1),
    url: regex('^https?://.+', 'http://content.test/signed/x'),
    expiresAt: datetime(ISO, '2026-12-02T06:00:00.000Z'),
  };
  const handler = (url: string) =>
    createContentAccessHandler({ verifyToken, ...contentServiceAccess({ contentServiceUrl: url }) });

  test('one file: a signed URL from POST /files/{id}/signed-url', async () => {
    await pact
      .addInteraction()
      .given('a student enrolled in a course with an uploaded file')
      .uponReceiving('a request for a signed URL of one file')
      .withRequest(
        'POST',
        fromProviderState('/files/${fileId}/signed-url', `/files/${FILE_ID}/signed-url`),
        (b) => b.headers({ ...authorized, 'content-type': 'application/json' }).jsonBody({ download: false }),
      )
      .willRespondWith(200, (b) => b.jsonBody(signed))
      .executeTest(async (server) => {
        const response = await handler(server.url)(
          request('http://edge.test/content-access', { body: { fileId: FILE_ID } }),
        );
        assert.equal(response.status, 200, await response.clone().text());
        const body = (await response.json()) as { fileId: string; version: number; url: string };
        assert.equal(body.fileId, FILE_ID);
        assert.equal(body.version, 1);
      });
  });

  test('a course item: its files from GET /courses/{id}/files?itemIds=, each signed', async () => {
    await pact
      .addInteraction()
      .given('a student enrolled in a course with an uploaded file')
      .uponReceiving('a request for the files of one course item')
      .withRequest(
        'GET',
        fromProviderState('/courses/${courseId}/files', `/courses/${COURSE_ID}/files`),
        (b) => b.query({ itemIds: fromProviderState('${itemId}', ITEM_ID) }).headers(authorized),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody({
          files: eachLike({
            id: fromProviderState('${fileId}', FILE_ID),
            name: string('handout.pdf'),
            mediaType: string('application/pdf'),
          }),
        }),
      )
      .executeTest(async (server) => {
        // Each listed file is then signed: that call is the interaction above, so here it answers
        // from a stand-in and only the listing goes to the mock server.
        const signing = async (input: string | URL | Request, init?: RequestInit) =>
          String(input).endsWith('/signed-url')
            ? Response.json({
                version: 1,
                url: 'http://content.test/signed/x',
                expiresAt: new Date().toISOString(),
              })
            : fetch(input, init);
        const item = createContentAccessHandler({
          verifyToken,
          ...contentServiceAccess({ contentServiceUrl: server.url, fetch: signing as typeof fetch }),
        });
        const response = await item(
          request('http://edge.test/content-access', { body: { courseId: COURSE_ID, itemId: ITEM_ID } }),
        );
        assert.equal(response.status, 200, await response.clone().text());
        const { files } = (await response.json()) as { files: { fileId: string; name: string }[] };
        assert.equal(files[0]?.fileId, FILE_ID);
        assert.equal(files[0]?.name, 'handout.pdf');
      });
  });
});

describe('edge-notification → notification-service', () => {
  const { pact, settle } = consumerPact('edge-notification', 'notification-service');
  after(() => settle());
  const handler = (url: string) => createNotificationHandler({ forward: httpForwarder({ baseUrl: url }) });

  test('the inbox: GET /notifications, passed through', async () => {
    await pact
      .addInteraction()
      .given('a user with an unread notification')
      .uponReceiving('a request for the caller’s inbox')
      .withRequest('GET', '/notifications', (b) => b.query({ limit: '20' }).headers(authorized))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          items: eachLike({
            id: uuid(FILE_ID),
            title: string('Welcome'),
            readAt: null,
            createdAt: now(),
          }),
          unread: integer(1),
        }),
      )
      .executeTest(async (server) => {
        const response = await handler(server.url)(
          request('http://edge.test/functions/v1/notification/inbox?limit=20', { method: 'GET' }),
        );
        assert.equal(response.status, 200);
        const body = (await response.json()) as { items: unknown[]; unread: number };
        assert.equal(body.unread, 1);
      });
  });

  test('the unread count: GET /notifications/unread-count, passed through', async () => {
    await pact
      .addInteraction()
      .given('a user with an unread notification')
      .uponReceiving('a request for the caller’s unread count')
      .withRequest('GET', '/notifications/unread-count', (b) => b.headers(authorized))
      .willRespondWith(200, (b) => b.jsonBody({ unread: integer(1) }))
      .executeTest(async (server) => {
        const response = await handler(server.url)(
          request('http://edge.test/functions/v1/notification/unread-count', { method: 'GET' }),
        );
        assert.equal(response.status, 200);
        assert.deepEqual(await response.json(), { unread: 1 });
      });
  });

  test('reading everything: POST /notifications/read-all, passed through', async () => {
    await pact
      .addInteraction()
      .given('a user with an unread notification')
      .uponReceiving('a request to mark all the caller’s notifications read')
      .withRequest('POST', '/notifications/read-all', (b) =>
        b.headers({ ...authorized, 'content-type': 'application/json' }).jsonBody({}),
      )
      .willRespondWith(200, (b) => b.jsonBody({ unread: integer(0) }))
      .executeTest(async (server) => {
        const response = await handler(server.url)(
          request('http://edge.test/functions/v1/notification/inbox/read-all', { body: {} }),
        );
        assert.equal(response.status, 200);
        assert.deepEqual(await response.json(), { unread: 0 });
      });
  });
});

describe('edge-webhooks → course-service', () => {
  const { pact, settle } = consumerPact('edge-webhooks', 'course-service');
  after(() => settle());
  const SECRET = `whsec_${Buffer.from('riverside-incoming-secret-32-bytes!').toString('base64')}`;
  /**
   * A CSV body is text, where Pact has no provider-state expressions: course-service's request
   * filter (test/pact-provider.ts) fills `${studentId}` from the state, as a generator would.
   */
  const ROSTER_CODE = 'PACT-ROSTER';
  const STUDENT = '${studentId}';

  test('a signed OneRoster delivery is applied through POST /enrollments/bulk as the tenant’s integration', async () => {
    const csv = `sourcedId,user,class,role\ne1,${STUDENT},${ROSTER_CODE},student\n`;
    await pact
      .addInteraction()
      .given('a tenant admin, a course coded PACT-ROSTER and a registered student')
      .uponReceiving('a OneRoster CSV of one enrolment')
      .withRequest('POST', '/enrollments/bulk', (b) =>
        // Pact's core sniffs a body's type from its bytes and calls CSV text/plain: the body is
        // declared as what it detects, the header still says text/csv.
        // The delivery id as the idempotency key: course-service applies a delivery once.
        b.body('text/plain', Buffer.from(csv)).headers({
          ...authorized,
          'content-type': 'text/csv',
          'idempotency-key': regex('^[\\x21-\\x7e]{1,200}$', 'msg_1'),
        }),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody({
          applied: integer(1),
          rows: eachLike({
            sourcedId: string('e1'),
            outcome: regex('^(enrolled|waitlisted|unchanged)$', 'enrolled'),
          }),
        }),
      )
      .executeTest(async (server) => {
        const handler = createIncomingWebhookHandler({
          secretsFor: configuredSecrets(JSON.stringify({ 'riverside-school-district': SECRET })),
          verify: standardWebhooksVerify,
          ...memoryDeliveries(),
          applyRoster: courseServiceRoster({ baseUrl: server.url, tokenFor: async () => TOKEN }),
        });
        const body = JSON.stringify({
          enrollments: [
            {
              sourcedId: 'e1',
              user: { sourcedId: USER_ID },
              class: { sourcedId: ROSTER_CODE },
              role: 'student',
            },
          ],
        });
        const at = new Date();
        const response = await handler(
          new Request('http://edge.test/functions/v1/webhooks/riverside-school-district/oneroster', {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'webhook-id': 'msg_1',
              'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
              'webhook-signature': new Webhook(SECRET).sign('msg_1', at, body),
            },
            body,
          }),
        );
        assert.equal(response.status, 200, await response.clone().text());
        const answer = (await response.json()) as { status: number; result: { applied: number } };
        assert.equal(answer.status, 200);
        assert.equal(answer.result.applied, 1);
      });
  });
});

describe('edge-functions → auth-service', () => {
  // _shared/tokens.ts, which log-events and analytics use self-hosted to refuse signed-out sessions.
  const { pact, settle } = consumerPact('edge-functions', 'auth-service');
  after(() => settle());

  test('the shared token verifier mirrors the ended sessions', async () => {
    await pact
      .addInteraction()
      .given('a session that ended')
      .uponReceiving('a poll for sessions ended since a time')
      .withRequest('GET', '/internal/ended-sessions', (b) => b.query({ since: '0' }))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          now: integer(1_796_000_000_000),
          items: eachLike({ sessionId: uuid(USER_ID), expiresAt: integer(4_000_000_000_000) }),
        }),
      )
      .executeTest(async (server) => {
        const mirror = endedSessionsMirror({ authServiceUrl: server.url, intervalMs: 60_000 });
        try {
          for (let i = 0; i < 100 && !mirror.has(USER_ID); i++) await new Promise((r) => setTimeout(r, 20));
        } finally {
          mirror.stop();
        }
        assert.ok(mirror.has(USER_ID), 'the mirrored session is refused');
      });
  });
});
