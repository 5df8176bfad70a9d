// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Pact provider-state expressions are ${…} on purpose
/**
 * Consumer contracts of the admin portal's server for the REST routes it reaches through the
 * gateway's `/api/<service>/` pass-through: its real lib code (lib/gateway.ts `api`, lib/audit.ts)
 * with the paths its pages use, against Pact's mock server standing where the gateway is. The
 * provider is the upstream (auth-service), for the reason given in apps/web-app/test/pact-gateway.test.ts.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { consumerPact, Matchers } from '@eduspry/contracts/pact-testing';
import { freePort } from '../../../scripts/lib/database.ts';
import { stubNextServer } from '../../../scripts/lib/next-server-stub.ts';

const { uuid, regex, integer, fromProviderState, string, eachLike, email, like } = Matchers;
const TOKEN = 'eyJ.admin-portal.test.token';
const TENANT_ID = '3b9f6d2a-1c4e-4f7a-9b8c-2d3e4f5a6b7c';
const TIME = regex('^\\d{4}-\\d{2}-\\d{2}T.+Z$', '2026-12-01T10:00:00.000Z');
const authorized = { authorization: regex('^Bearer .+$', `Bearer ${TOKEN}`), accept: 'application/json' };

// The portal reads its gateway address once, at import: the mock server takes that port.
const port = await freePort();
process.env.API_GATEWAY_URL = `http://127.0.0.1:${port}`;
stubNextServer().cookies.set('eduspry_admin_at', TOKEN);
// Imported by URL, not by name: the portal's modules type-check under its own tsconfig (Next,
// bundler resolution), not under the root one this test belongs to.
type Answer<T> = { ok: true; status: number; data: T } | { ok: false; status: number; problem: unknown };
const load = (path: string) => import(new URL(path, import.meta.url).href);
const { api, query } = (await load('../lib/gateway.ts')) as {
  api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer<T>>;
  query(params: Record<string, string | number | undefined | null>): string;
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
