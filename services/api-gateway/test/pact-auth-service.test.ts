// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Pact provider-state expressions are ${…} on purpose
/**
 * Consumer contract: what the gateway needs from auth-service: the tenant's users and invitations
 * (GraphQL `users`, `inviteUser`) and the ended-sessions mirror. Real client code against Pact's
 * mock server; verified by auth-service's test/pact-provider.test.ts.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createEndedSessions } from '@eduspry/common';
import { consumerPact, Matchers } from '@eduspry/contracts/pact-testing';
import { mirrorEndedSessions } from '../src/ended-sessions.ts';
import { resolvers } from '../src/graphql/resolvers.ts';
import { pactContext, TENANT_ID, TOKEN } from './pact-client.ts';

const { eachLike, uuid, regex, integer, fromProviderState, string, email } = Matchers;
const USER_ID = '9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

const { pact, settle } = consumerPact('api-gateway', 'auth-service');
after(() => settle());

const authorized = { authorization: regex('^Bearer .+$', TOKEN), accept: 'application/json' };
const user = {
  id: uuid(USER_ID),
  email: email('student@example.test'),
  displayName: string('A student'),
  roles: eachLike('student'),
  status: regex('^(active|invited|deactivated)$', 'active'),
};

// biome-ignore lint/suspicious/noExplicitAny: resolvers are typed loosely by mercurius
const resolve = resolvers as any;

describe('api-gateway → auth-service', () => {
  test('the tenant’s users (Query.users)', async () => {
    await pact
      .addInteraction()
      .given('a tenant admin of a tenant with users')
      .uponReceiving('a request for the users of the caller’s tenant')
      .withRequest(
        'GET',
        fromProviderState('/tenants/${tenantId}/users', `/tenants/${TENANT_ID}/users`),
        (b) => b.query({ limit: '50', offset: '0' }).headers(authorized),
      )
      .willRespondWith(200, (b) => b.jsonBody({ items: eachLike(user), total: integer(2) }))
      .executeTest(async (server) => {
        const page = await resolve.Query.users({}, {}, pactContext(server.url, ['tenant_admin']));
        assert.equal(page.items[0].id, USER_ID);
        assert.equal(page.total, 2);
      });
  });

  test('inviting a user (Mutation.inviteUser)', async () => {
    await pact
      .addInteraction()
      .given('a tenant admin of a tenant with users')
      .uponReceiving('a request to invite a user')
      .withRequest(
        'POST',
        fromProviderState('/tenants/${tenantId}/invitations', `/tenants/${TENANT_ID}/invitations`),
        (b) =>
          b.headers({ ...authorized, 'content-type': 'application/json' }).jsonBody({
            email: 'new.teacher@example.test',
            displayName: 'New Teacher',
            roles: ['instructor'],
          }),
      )
      .willRespondWith(201, (b) =>
        b.jsonBody({ ...user, email: 'new.teacher@example.test', roles: ['instructor'], status: 'invited' }),
      )
      .executeTest(async (server) => {
        const invited = await resolve.Mutation.inviteUser(
          {},
          { email: 'new.teacher@example.test', displayName: 'New Teacher', roles: ['instructor'] },
          pactContext(server.url, ['tenant_admin']),
        );
        assert.equal(invited.status, 'invited');
      });
  });

  test('the ended-sessions mirror', async () => {
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
        const sessions = createEndedSessions();
        const mirror = mirrorEndedSessions({ authServiceUrl: server.url, intervalMs: 60_000, sessions });
        try {
          for (let i = 0; i < 100 && !sessions.has(USER_ID); i++) await new Promise((r) => setTimeout(r, 20));
        } finally {
          mirror.stop();
        }
        assert.ok(sessions.has(USER_ID), 'the mirrored session is refused');
      });
  });
});
