import type { ServiceApp, Sql, TenantClaims } from '@eduspry/common';
import { adminDb, claimsFor, createTestTenant, serviceDb, type TestTenant } from '@eduspry/common/testing';
import { createEvent } from '@eduspry/contracts';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { buildApp } from '../src/app.ts';
import { createAuthenticator } from '../src/auth.ts';
import { applyUserEvent } from '../src/domain/users.ts';
import { outboxEvents } from '../src/events.ts';

const ISSUER = 'https://auth.test.eduspry';
const AUDIENCE = 'eduspry';
const keys = await generateKeyPair('ES256');
const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'test-key', alg: 'ES256' };

/** Verifies tokens the way production does, against a JWKS of a test key pair. */
export const authenticate = createAuthenticator({
  jwks: { keys: [jwk] },
  issuer: ISSUER,
  audience: AUDIENCE,
});

export async function tokenFor(claims: TenantClaims, expiresIn = '5m'): Promise<string> {
  return new SignJWT(claims as never)
    .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(keys.privateKey);
}

/** Response bodies are whatever JSON the route sent; tests assert on their shape. */
// biome-ignore lint/suspicious/noExplicitAny: test responses are arbitrary JSON
export type Json = any;

export interface User {
  claims: TenantClaims;
  id: string;
  token: string;
}

export interface Harness {
  app: ServiceApp;
  admin: Sql;
  sql: Sql;
  tenant: TestTenant;
  /**
   * A user of the tenant, registered in course-service's user directory through the consumer's
   * own use case (`applyUserEvent` with a `user_registered` event), as auth-service's event would.
   */
  user(roles?: string[], tenant?: TestTenant): Promise<User>;
  /** A user with a valid token whose registration never reached course-service. */
  unregisteredUser(roles?: string[], tenant?: TestTenant): Promise<User>;
  /** Delivers a `user_deactivated` event for the user, through the consumer's use case. */
  deactivate(user: User): Promise<void>;
  /** Delivers a `user_reactivated` event (back to active), through the consumer's use case. */
  reactivate(user: User): Promise<void>;
  call(
    user: User | undefined,
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<{ status: number; body: Json; headers: Record<string, unknown> }>;
  /** enrollment_changed events of the tenant, oldest first. */
  events(tenantId?: string): Promise<{ userId: string; courseId: string; action: string }[]>;
  newTenant(): Promise<TestTenant>;
  close(): Promise<void>;
}

export async function harness(): Promise<Harness> {
  const admin = adminDb();
  const sql = serviceDb('course-service');
  const app = await buildApp({ sql, events: outboxEvents, authenticate });
  const tenant = await createTestTenant(admin, 'course');
  return {
    app,
    admin,
    sql,
    tenant,
    newTenant: () => createTestTenant(admin, 'course'),
    async user(roles = ['student'], inTenant = tenant) {
      const claims = claimsFor(inTenant.id, roles);
      const event = createEvent('user.authentication.user_registered', {
        tenantId: inTenant.id,
        data: {
          userId: claims.sub,
          tenantId: inTenant.id,
          email: `${claims.sub}@example.org`,
          roles,
          registeredAt: new Date().toISOString(),
        },
      });
      await sql.begin((tx) => applyUserEvent(tx, outboxEvents, event));
      return { claims, id: claims.sub, token: await tokenFor(claims) };
    },
    async unregisteredUser(roles = ['student'], inTenant = tenant) {
      const claims = claimsFor(inTenant.id, roles);
      return { claims, id: claims.sub, token: await tokenFor(claims) };
    },
    async deactivate(user) {
      const tenantId = user.claims.app_metadata.tenant_id;
      const event = createEvent('user.authentication.user_deactivated', {
        tenantId,
        data: { userId: user.id, tenantId, deactivatedAt: new Date().toISOString() },
      });
      await sql.begin((tx) => applyUserEvent(tx, outboxEvents, event));
    },
    async reactivate(user) {
      const tenantId = user.claims.app_metadata.tenant_id;
      const event = createEvent('user.authentication.user_reactivated', {
        tenantId,
        data: { userId: user.id, tenantId, status: 'active', reactivatedAt: new Date().toISOString() },
      });
      await sql.begin((tx) => applyUserEvent(tx, outboxEvents, event));
    },
    async call(user, method, url, payload) {
      const response = await app.inject({
        method,
        url,
        headers: user ? { authorization: `Bearer ${user.token}` } : {},
        ...(payload === undefined ? {} : { payload: payload as never }),
      });
      const text = response.body;
      return {
        status: response.statusCode,
        body: text ? JSON.parse(text) : undefined,
        headers: response.headers,
      };
    },
    async events(tenantId = tenant.id) {
      const rows = await admin<{ payload: { data: { userId: string; courseId: string; action: string } } }[]>`
        select payload from course.outbox
        where tenant_id = ${tenantId} and event_type = 'course.management.enrollment_changed' order by id`;
      return rows.map((row) => {
        const { userId, courseId, action } = row.payload.data;
        return { userId, courseId, action };
      });
    },
    async close() {
      await app.close();
      await Promise.all([admin.end(), sql.end()]);
    },
  };
}

/** A published course created by a fresh instructor, with the given settings. */
export async function publishedCourse(
  h: Harness,
  fields: Record<string, unknown> = {},
): Promise<{ course: Json; teacher: User }> {
  const teacher = await h.user(['instructor']);
  const created = await h.call(teacher, 'POST', '/courses', {
    code: `C-${Math.random().toString(36).slice(2, 8)}`,
    title: 'A course',
    selfEnrollment: true,
    ...fields,
  });
  if (created.status !== 201) throw new Error(`course creation failed: ${JSON.stringify(created.body)}`);
  const published = await h.call(teacher, 'PATCH', `/courses/${created.body.id}`, { state: 'published' });
  return { course: published.body, teacher };
}
