// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Pact provider-state expressions are ${…} on purpose
/**
 * Consumer contracts of the admin portal's server for the REST routes it reaches through the
 * gateway's `/api/<service>/` pass-through: its real lib code (lib/gateway.ts `api`, lib/audit.ts,
 * lib/logs.ts, the sign-in, sign-out and presence actions, the refreshing proxy.ts) with the paths its pages use, against Pact's mock server standing where the gateway
 * is. Each provider is the upstream (auth, logging, notification, content, analytics and realtime services),
 * for the reason given in apps/web-app/test/pact-gateway.test.ts; the platform health page reads
 * a route of the gateway's own, so there the gateway is the provider. Every mock server takes the one
 * port the portal was told at import; the describe blocks run one after another.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { consumerPact, Matchers } from '@eduspry/contracts/pact-testing';
import { appSessionPacts } from '../../../scripts/lib/app-auth-pacts.ts';
import { freePort } from '../../../scripts/lib/database.ts';
import { redirectedTo, stubNextServer } from '../../../scripts/lib/next-server-stub.ts';

const { uuid, regex, integer, number, boolean, fromProviderState, string, eachLike, email, like } = Matchers;
const TOKEN = 'eyJ.admin-portal.test.token';
const TENANT_ID = '3b9f6d2a-1c4e-4f7a-9b8c-2d3e4f5a6b7c';
const TIME = regex('^\\d{4}-\\d{2}-\\d{2}T.+Z$', '2026-12-01T10:00:00.000Z');
const DAY = regex('^\\d{4}-\\d{2}-\\d{2}$', '2026-12-01');
const LEVEL = regex('^(trace|debug|info|warn|error|fatal)$', 'info');
const authorized = { authorization: regex('^Bearer .+$', `Bearer ${TOKEN}`), accept: 'application/json' };

// The portal reads its gateway address once, at import: the mock server takes that port.
const port = await freePort();
process.env.API_GATEWAY_URL = `http://127.0.0.1:${port}`;
const next = stubNextServer();
next.cookies.set('eduspry_admin_at', TOKEN);
// Imported by URL, not by name: the portal's modules type-check under its own tsconfig (Next,
// bundler resolution), not under the root one this test belongs to.
type Answer<T> = { ok: true; status: number; data: T } | { ok: false; status: number; problem: unknown };
const load = (path: string) => import(new URL(path, import.meta.url).href);
const { api, query } = (await load('../lib/gateway.ts')) as {
  api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer<T>>;
  query(params: Record<string, string | number | undefined | null>): string;
};
const { gateway } = (await load('../lib/gateway.ts')) as {
  gateway<T>(method: 'GET', path: string): Promise<Answer<T>>;
};
const { signIn, signOut } = (await load('../lib/actions.ts')) as {
  signIn(form: FormData): Promise<void>;
  signOut(): Promise<void>;
};
const { proxy } = (await load('../proxy.ts')) as Pick<Parameters<typeof appSessionPacts>[0], 'proxy'>;
const { searchLogs } = (await load('../lib/logs.ts')) as {
  searchLogs(filters: Record<string, string>): Promise<Answer<{ lines: { message: string }[] }>>;
};
const { savePresence } = (await load('../lib/operations.ts')) as {
  savePresence(form: FormData): Promise<void>;
};
const { auditEvents } = (await load('../lib/audit.ts')) as {
  auditEvents(
    tenantId: string,
    filters: Record<string, string>,
    max: number,
  ): Promise<{ ok: true; items: { action: string }[]; more: boolean } | { ok: false; status: number }>;
};

describe('admin-portal → auth-service (through the gateway)', () => {
  const { pact, settle } = consumerPact('admin-portal', 'auth-service', undefined, { port });
  after(() => settle());
  appSessionPacts({
    pact,
    who: 'tenant admin',
    jar: next.cookies,
    cookies: { access: 'eduspry_admin_at', refresh: 'eduspry_admin_rt' },
    page: ':3001/users',
    token: TOKEN,
    signIn,
    signOut,
    proxy,
    // The portal lets only administrators in: it reads the roles from the answer.
    signInAnswer: { user: { roles: eachLike('tenant_admin') } },
    afterSignIn: '/users',
    afterSignOut: '/sign-in?notice=signIn.signedOut',
  });

  test('the users page: the tenant’s users, a page at a time', async () => {
    await pact
      .addInteraction()
      .given('a tenant admin of a tenant with users')
      .uponReceiving('a request for a page of the tenant’s users through the gateway')
      .withRequest(
        'GET',
        fromProviderState(
          '/api/auth-service/tenants/${tenantId}/users',
          `/api/auth-service/tenants/${TENANT_ID}/users`,
        ),
        (b) => b.query({ limit: '50', offset: '0' }).headers(authorized),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody({
          items: eachLike({
            id: uuid(),
            email: email('teacher@example.test'),
            displayName: like('A teacher'),
            roles: eachLike('instructor'),
            status: regex('^(invited|active|deactivated)$', 'active'),
          }),
          total: integer(2),
        }),
      )
      .executeTest(async () => {
        const answer = await api<{ items: { status: string }[]; total: number }>(
          'GET',
          `auth-service/tenants/${TENANT_ID}/users${query({ q: '', limit: 50, offset: 0 })}`,
        );
        assert.equal(answer.ok, true);
        if (answer.ok) assert.equal(answer.data.items[0]?.status, 'active');
      });
  });

  test('the audit page: the tenant’s audit events, 100 at a time', async () => {
    await pact
      .addInteraction()
      .given('a tenant admin of a tenant with users')
      .uponReceiving('a request for the tenant’s audit events through the gateway')
      .withRequest(
        'GET',
        fromProviderState(
          '/api/auth-service/tenants/${tenantId}/audit-events',
          `/api/auth-service/tenants/${TENANT_ID}/audit-events`,
        ),
        (b) => b.query({ limit: '100', offset: '0' }).headers(authorized),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody({
          items: eachLike({
            id: string('1'),
            action: string('session.created'),
            // actorId, subjectId and ip are nullable: Pact has no "string or null" matcher, so they
            // are left to the OpenAPI breaking gate (packages/contracts/openapi/auth-service.json).
            detail: like({}),
            createdAt: TIME,
          }),
        }),
      )
      .executeTest(async () => {
        const result = await auditEvents(TENANT_ID, {}, 10);
        assert.equal(result.ok, true);
        if (result.ok) assert.equal(result.items[0]?.action, 'session.created');
      });
  });
});

describe('admin-portal → logging-service (through the gateway)', () => {
  const { pact, settle } = consumerPact('admin-portal', 'logging-service', undefined, { port });
  after(() => settle());

  test('the logs page: the newest lines of the tenant, and the cursor of older ones', async () => {
    await pact
      .addInteraction()
      .given('a tenant admin of a tenant with log lines')
      .uponReceiving('a search of the tenant’s log lines through the gateway')
      .withRequest('GET', '/api/logging-service/logs', (b) => b.query({ limit: '50' }).headers(authorized))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          lines: eachLike({
            id: string('1'),
            timestamp: TIME,
            level: LEVEL,
            service: string('course-service'),
            message: string('course published'),
            tenantId: uuid(TENANT_ID),
            context: like({}),
          }),
          // nextCursor is a string or null: left to the OpenAPI breaking gate, as above.
        }),
      )
      .executeTest(async () => {
        const answer = await searchLogs({});
        assert.equal(answer.ok, true);
        if (answer.ok) assert.equal(answer.data.lines[0]?.message, 'course published');
      });
  });

  test('the retention page: the platform defaults and the tenant’s own policies', async () => {
    await pact
      .addInteraction()
      .given('a tenant admin of a tenant with log lines')
      .uponReceiving('a request for the retention policies through the gateway')
      .withRequest('GET', '/api/logging-service/retention-policies', (b) => b.headers(authorized))
      .willRespondWith(200, (b) =>
        b.jsonBody({ policies: eachLike({ level: LEVEL, retainDays: integer(30) }) }),
      )
      .executeTest(async () => {
        const answer = await api<{ policies: { retainDays: number }[] }>(
          'GET',
          'logging-service/retention-policies',
        );
        assert.equal(answer.ok, true);
        if (answer.ok) assert.equal(answer.data.policies[0]?.retainDays, 30);
      });
  });
});

describe('admin-portal → notification-service (through the gateway)', () => {
  const { pact, settle } = consumerPact('admin-portal', 'notification-service', undefined, { port });
  after(() => settle());

  test('the webhooks page: the tenant’s endpoints and their health', async () => {
    await pact
      .addInteraction()
      .given('a tenant admin of a tenant with a webhook endpoint')
      .uponReceiving('a request for the tenant’s webhook endpoints through the gateway')
      .withRequest('GET', '/api/notification-service/webhooks/endpoints', (b) => b.headers(authorized))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          items: eachLike({
            id: uuid(),
            url: string('https://hooks.example.test/eduspry'),
            description: string('SIS sync'),
            eventTypes: eachLike('course.*'),
            ordered: boolean(false),
            status: regex('^(active|disabled)$', 'active'),
            createdAt: TIME,
          }),
        }),
      )
      .executeTest(async () => {
        const answer = await api<{ items: { status: string }[] }>(
          'GET',
          'notification-service/webhooks/endpoints',
        );
        assert.equal(answer.ok, true);
        if (answer.ok) assert.equal(answer.data.items[0]?.status, 'active');
      });
  });

  test('the notification defaults page: the tenant’s defaults per category and channel', async () => {
    await pact
      .addInteraction()
      .given('a tenant admin of a tenant with a webhook endpoint')
      .uponReceiving('a request for the tenant’s notification defaults through the gateway')
      .withRequest('GET', '/api/notification-service/preferences/tenant-defaults', (b) =>
        b.headers(authorized),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody({
          preferences: eachLike({
            category: regex('^[a-z_]+$', 'grade'),
            channel: regex('^(in_app|email|push|sms)$', 'email'),
            frequency: regex('^(immediately|daily|weekly|never)$', 'daily'),
          }),
        }),
      )
      .executeTest(async () => {
        const answer = await api<{ preferences: { frequency: string }[] }>(
          'GET',
          'notification-service/preferences/tenant-defaults',
        );
        assert.equal(answer.ok, true);
        if (answer.ok) assert.equal(answer.data.preferences[0]?.frequency, 'daily');
      });
  });
});

describe('admin-portal → content-service (through the gateway)', () => {
  const { pact, settle } = consumerPact('admin-portal', 'content-service', undefined, { port });
  after(() => settle());

  test('the storage page: the tenant’s quota, usage and upload limits', async () => {
    await pact
      .addInteraction()
      .given('a tenant admin of a tenant with an uploaded file')
      .uponReceiving('a request for the tenant’s storage settings through the gateway')
      .withRequest(
        'GET',
        fromProviderState(
          '/api/content-service/tenants/${tenantId}/storage',
          `/api/content-service/tenants/${TENANT_ID}/storage`,
        ),
        (b) => b.headers(authorized),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody({
          quotaBytes: integer(10_737_418_240),
          usedBytes: integer(2048),
          maxFileBytes: integer(1_073_741_824),
          allowedMediaTypes: eachLike('application/pdf'),
        }),
      )
      .executeTest(async () => {
        const answer = await api<{ usedBytes: number }>(
          'GET',
          `content-service/tenants/${TENANT_ID}/storage`,
        );
        assert.equal(answer.ok, true);
        if (answer.ok) assert.equal(answer.data.usedBytes, 2048);
      });
  });
});

describe('admin-portal → analytics-service (through the gateway)', () => {
  const { pact, settle } = consumerPact('admin-portal', 'analytics-service', undefined, { port });
  after(() => settle());

  test('the analytics page: the tenant’s overview', async () => {
    await pact
      .addInteraction()
      .given('a tenant admin of a tenant with activity in a course')
      .uponReceiving('a request for the tenant overview through the gateway')
      .withRequest('GET', '/api/analytics-service/reports/tenant', (b) => b.headers(authorized))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          from: DAY,
          to: DAY,
          activeUsers: eachLike({ day: DAY, count: integer(1) }),
          totals: {
            users: integer(2),
            activeUsers: integer(1),
            itemsCompleted: integer(0),
            attemptsSubmitted: integer(0),
            minutes: number(5),
          },
          courses: eachLike({ courseId: uuid(), activeStudents: integer(1), completionRate: number(0) }),
        }),
      )
      .executeTest(async () => {
        const answer = await api<{ totals: { users: number } }>('GET', 'analytics-service/reports/tenant');
        assert.equal(answer.ok, true);
        if (answer.ok) assert.equal(answer.data.totals.users, 2);
      });
  });
});

describe('admin-portal → realtime-service (through the gateway)', () => {
  const { pact, settle } = consumerPact('admin-portal', 'realtime-service', undefined, { port });
  after(() => settle());

  test('the presence page: the tenant’s presence privacy', async () => {
    await pact
      .addInteraction()
      .given('a tenant admin of a tenant')
      .uponReceiving('a request for the tenant’s presence privacy through the gateway')
      .withRequest('GET', '/api/realtime-service/settings/presence', (b) => b.headers(authorized))
      .willRespondWith(200, (b) =>
        b.jsonBody({ coursePresence: regex('^(everyone|staff|off)$', 'everyone') }),
      )
      .executeTest(async () => {
        const answer = await api<{ coursePresence: string }>('GET', 'realtime-service/settings/presence');
        assert.equal(answer.ok, true);
        if (answer.ok) assert.equal(answer.data.coursePresence, 'everyone');
      });
  });

  test('the presence page’s action: only teachers and TAs show as here now', async () => {
    // The action checks the admin's claims before it calls (lib/viewer.ts reads the token's payload).
    const claims = {
      sub: '6f0c2a1e-8d4b-4c3a-9e7f-1a2b3c4d5e6f',
      exp: Math.floor(Date.now() / 1000) + 600,
      app_metadata: { tenant_id: TENANT_ID, tenant_slug: 'pact-district', roles: ['tenant_admin'] },
    };
    const adminToken = `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.x`;
    await pact
      .addInteraction()
      .given('a tenant admin of a tenant')
      .uponReceiving('a change of the tenant’s presence privacy through the gateway')
      .withRequest('PUT', '/api/realtime-service/settings/presence', (b) =>
        b.headers(authorized).jsonBody({ coursePresence: 'staff' }),
      )
      .willRespondWith(200, (b) => b.jsonBody({ coursePresence: 'staff' }))
      .executeTest(async () => {
        next.cookies.set('eduspry_admin_at', adminToken);
        try {
          const form = new FormData();
          form.set('current', 'everyone');
          form.set('coursePresence', 'staff');
          assert.equal(
            redirectedTo(await savePresence(form).catch((error) => error)),
            '/presence?notice=presence.saved',
          );
        } finally {
          next.cookies.set('eduspry_admin_at', TOKEN);
        }
      });
  });
});

describe('admin-portal → api-gateway', () => {
  const { pact, settle } = consumerPact('admin-portal', 'api-gateway', undefined, { port });
  after(() => settle());

  test('the platform health page: every service’s readiness', async () => {
    await pact
      .addInteraction()
      .given('a super admin of a running platform')
      .uponReceiving('a request for the platform health')
      .withRequest('GET', '/platform/health', (b) => b.headers(authorized))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          checkedAt: TIME,
          ready: boolean(false),
          // A service's bus is an object or null (no bus): left to the OpenAPI breaking gate.
          services: eachLike({
            service: string('auth-service'),
            ready: boolean(true),
            checks: like({}),
            latencyMs: integer(3),
          }),
        }),
      )
      .executeTest(async () => {
        const answer = await gateway<{ services: { service: string }[] }>('GET', '/platform/health');
        assert.equal(answer.ok, true);
        if (answer.ok) assert.equal(answer.data.services[0]?.service, 'auth-service');
      });
  });
});
