import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearerToken, createTokenVerifier, type ServiceApp, type Sql, unauthorized } from '@eduspry/common';
import { adminDb, createTestTenant, serviceDb, type TestTenant } from '@eduspry/common/testing';
import type { EventBus } from '@eduspry/event-bus';
import type { Logger } from '@eduspry/logging';
import { buildApp as buildAuth } from '../../auth-service/src/app.ts';
import { readConfig as readAuthConfig } from '../../auth-service/src/config.ts';
import { hashPassword } from '../../auth-service/src/domain/passwords.ts';
import { buildApp as buildCourse } from '../../course-service/src/app.ts';
import { outboxEvents } from '../../course-service/src/events.ts';
import { buildApp, upstreamsFrom } from '../src/app.ts';
import { readConfig } from '../src/config.ts';

export const PASSWORD = 'Gateway-Test-2026';
const ISSUER = 'http://auth.gateway-test.eduspry';

// biome-ignore lint/suspicious/noExplicitAny: GraphQL answers are arbitrary JSON
export type Json = any;

export interface Platform {
  gateway: ServiceApp;
  auth: ServiceApp;
  course: ServiceApp;
  admin: Sql;
  courseUrl: string;
  /** A tenant of the test's own. */
  tenant(): Promise<TestTenant>;
  /** A user with a password in `tenant`, signed in through the gateway's REST pass-through. */
  user(tenant: TestTenant, roles?: string[]): Promise<{ id: string; email: string; token: string }>;
  graphql(
    token: string | undefined,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ status: number; body: Json; upstreamCalls: number }>;
  close(): Promise<void>;
}

/**
 * auth-service and course-service as `npm start` builds them, listening on free ports against
 * the test database, and the gateway in front of them (called in-process with inject).
 */
export async function startPlatform(
  env: Record<string, string> = {},
  { logger, courseEventBus }: { logger?: Logger; courseEventBus?: (sql: Sql) => EventBus } = {},
): Promise<Platform> {
  const admin = adminDb();
  const authSql = serviceDb('auth-service');
  const courseSql = serviceDb('course-service');
  const mailDir = await mkdtemp(join(tmpdir(), 'eduspry-gateway-mail-'));
  const auth = await buildAuth({
    sql: authSql,
    config: readAuthConfig({
      NODE_ENV: 'test',
      DATABASE_URL: process.env.AUTH_SERVICE_DATABASE_URL,
      AUTH_ISSUER: ISSUER,
      MAIL_OUTBOX_DIR: mailDir,
      AUTH_RATE_LIMIT_PER_MINUTE: '1000',
    }),
  });
  const authUrl = await auth.listen({ host: '127.0.0.1', port: 0 });
  const verifier = createTokenVerifier({
    jwksUrl: `${authUrl}/.well-known/jwks.json`,
    issuer: ISSUER,
    audience: 'eduspry',
  });
  // course-service is moving from its own `authenticate` to the kit's `verifier`: give it both.
  const courseDeps = {
    sql: courseSql,
    ...(courseEventBus ? { eventBus: courseEventBus(courseSql) } : {}),
    events: outboxEvents,
    verifier,
    authenticate: async (header: string | undefined) => {
      const token = bearerToken(header);
      if (!token) throw unauthorized();
      return verifier.verify(token);
    },
  };
  const course = await buildCourse(courseDeps as Parameters<typeof buildCourse>[0]);
  const courseUrl = await course.listen({ host: '127.0.0.1', port: 0 });
  const config = readConfig({
    NODE_ENV: 'test',
    AUTH_SERVICE_URL: authUrl,
    COURSE_SERVICE_URL: courseUrl,
    AUTH_ISSUER: ISSUER,
    // Generous: this machine is shared, and password hashing is slow under load.
    GATEWAY_UPSTREAM_TIMEOUT_MS: '10000',
    GATEWAY_BREAKER_MIN_CALLS: '50',
    GATEWAY_BREAKER_HALF_OPEN_MS: '60000',
    ...env,
  });
  const gateway = await buildApp({
    config,
    verifier: createTokenVerifier({
      jwksUrl: `${authUrl}/.well-known/jwks.json`,
      issuer: ISSUER,
      audience: 'eduspry',
    }),
    upstreams: upstreamsFrom(config),
    ...(logger ? { logger } : {}),
  });

  const graphql: Platform['graphql'] = async (token, query, variables) => {
    const response = await gateway.inject({
      method: 'POST',
      url: '/graphql',
      headers: token ? { authorization: `Bearer ${token}` } : {},
      payload: { query, ...(variables ? { variables } : {}) },
    });
    return {
      status: response.statusCode,
      body: response.json(),
      upstreamCalls: Number(response.headers['x-upstream-calls']),
    };
  };

  return {
    gateway,
    auth,
    course,
    admin,
    courseUrl,
    tenant: () => createTestTenant(admin, 'gw'),
    async user(tenant, roles = ['student']) {
      const email = `${roles[0]}-${randomUUID().slice(0, 8)}@gateway.test`;
      const [row] = await admin<{ id: string }[]>`
        insert into identity.users (tenant_id, email, display_name, password_hash, roles, status, email_verified_at)
        values (${tenant.id}, ${email}, ${`Test ${roles[0]}`}, ${await hashPassword(PASSWORD)}, ${roles}, 'active', now())
        returning id`;
      const signIn = await gateway.inject({
        method: 'POST',
        url: '/api/auth-service/token?grant_type=password',
        payload: { tenant: tenant.slug, email, password: PASSWORD },
      });
      if (signIn.statusCode !== 200) throw new Error(`sign-in failed: ${signIn.body}`);
      return { id: row!.id, email, token: signIn.json().access_token };
    },
    graphql,
    async close() {
      await gateway.close();
      await Promise.all([auth.close(), course.close()]);
      await Promise.all([admin.end(), authSql.end(), courseSql.end()]);
      await rm(mailDir, { recursive: true, force: true });
    },
  };
}
