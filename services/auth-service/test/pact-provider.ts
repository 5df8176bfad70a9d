import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { processEndedSessions } from '@eduspry/common';
import { gatewayPassThrough, type ProviderVerification } from '@eduspry/contracts/pact-testing';
import {
  bearer,
  createWorld,
  type Harness,
  mailsTo,
  outboxEvents,
  PASSWORD,
  startAuth,
  tokensFor,
} from './helpers.ts';

/**
 * auth-service as its pacts' provider: the real app on the test database, listening on a free
 * port. Each provider state gets a tenant of its own (the harness's world: an admin and a
 * student); the caller is that tenant's admin, signed in with a real token. Message providers
 * make the change through the service's own routes and hand over the event its outbox got, as
 * createEvent built it.
 */
export interface AuthProvider {
  h: Harness;
  baseUrl: string;
  verification: Required<
    Pick<ProviderVerification, 'provider' | 'stateHandlers' | 'requestFilter' | 'messageProviders'>
  >;
  close(): Promise<void>;
}

export async function startAuthProvider(): Promise<AuthProvider> {
  const h = await startAuth();
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  let token: string | undefined;

  async function adminWorld() {
    const world = await createWorld(h.admin, 'pact');
    const admin = await tokensFor(h.app, world.tenant.slug, world.adminUser.email);
    return { ...world, token: admin.access_token };
  }

  async function call(method: 'POST' | 'PUT', url: string, auth: string | undefined, payload: unknown) {
    const response = await h.app.inject({
      method,
      url,
      payload: payload as never,
      headers: auth ? bearer(auth) : {},
    });
    if (response.statusCode >= 300)
      throw new Error(`${method} ${url} answered ${response.statusCode}: ${response.body}`);
    return response;
  }

  async function lastEvent(tenantId: string, eventType: string) {
    const event = (await outboxEvents(h.admin, tenantId)).filter((e) => e.event_type === eventType).at(-1);
    if (!event) throw new Error(`auth-service wrote no ${eventType}`);
    return event.payload;
  }

  return {
    h,
    baseUrl,
    verification: {
      provider: 'auth-service',
      // The admin portal's pacts name the gateway's pass-through path (`/api/auth-service/…`).
      requestFilter: gatewayPassThrough('auth-service', (request, _response, next) => {
        if (token) request.headers.authorization = `Bearer ${token}`;
        next();
      }),
      stateHandlers: {
        'a tenant admin of a tenant with users': async () => {
          const world = await adminWorld();
          token = world.token;
          return { tenantId: world.tenant.id };
        },
        // The apps' sign-in: no caller token, the body carries who signs in.
        'a student with a password': async () => {
          const world = await createWorld(h.admin, 'pact');
          token = undefined;
          return { tenant: world.tenant.slug, email: world.student.email, password: PASSWORD };
        },
        'a signed-in student': async () => {
          const world = await createWorld(h.admin, 'pact');
          const student = await tokensFor(h.app, world.tenant.slug, world.student.email);
          token = student.access_token;
          return { refreshToken: student.refresh_token };
        },
        'a tenant admin with a password': async () => {
          const world = await createWorld(h.admin, 'pact');
          token = undefined;
          return { tenant: world.tenant.slug, email: world.adminUser.email, password: PASSWORD };
        },
        'a signed-in tenant admin': async () => {
          const world = await createWorld(h.admin, 'pact');
          const admin = await tokensFor(h.app, world.tenant.slug, world.adminUser.email);
          token = admin.access_token;
          return { refreshToken: admin.refresh_token };
        },
        'a session that ended': async () => {
          processEndedSessions.add(randomUUID(), Date.now() + 10 * 60_000);
          token = undefined;
          return {};
        },
      },
      messageProviders: {
        'a user_registered event for a user who accepted an invitation': async () => {
          const world = await adminWorld();
          const email = `invited-${randomUUID().slice(0, 8)}@example.test`;
          await call('POST', `/tenants/${world.tenant.id}/invitations`, world.token, {
            email,
            displayName: 'Invited',
            roles: ['instructor'],
          });
          const [mail] = await mailsTo(h.mailDir, email);
          await call('POST', '/invitations/accept', undefined, {
            token: mail!.data.token,
            password: 'teaching-is-fun-2026',
          });
          return lastEvent(world.tenant.id, 'user.authentication.user_registered');
        },
        'a user_role_changed event for a student made an instructor': async () => {
          const world = await adminWorld();
          await call('PUT', `/tenants/${world.tenant.id}/users/${world.student.id}/roles`, world.token, {
            roles: ['instructor', 'student'],
          });
          return lastEvent(world.tenant.id, 'user.authentication.user_role_changed');
        },
        'a user_profile_changed event for a student renamed by a roster import': async () => {
          const world = await adminWorld();
          const users = [
            'sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password',
            `s1,active,2026-12-04,true,org1,student,${world.student.email},,New,Name,,,${world.student.email},,,,09,`,
            `a1,active,2026-12-04,true,org1,administrator,${world.adminUser.email},,Admin,User,,,${world.adminUser.email},,,,,`,
          ].join('\n');
          const shown = (
            await call('POST', `/tenants/${world.tenant.id}/roster-imports`, world.token, { users })
          ).json();
          await call('POST', `/tenants/${world.tenant.id}/roster-imports/${shown.id}/apply`, world.token, {
            hash: shown.hash,
            remove: false,
          });
          return lastEvent(world.tenant.id, 'user.authentication.user_profile_changed');
        },
        'a user_deactivated event for a deactivated student': async () => {
          const world = await adminWorld();
          await call(
            'POST',
            `/tenants/${world.tenant.id}/users/${world.student.id}/deactivate`,
            world.token,
            {},
          );
          return lastEvent(world.tenant.id, 'user.authentication.user_deactivated');
        },
      },
    },
    close: () => h.close(),
  };
}
