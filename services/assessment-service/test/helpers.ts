import type { ServiceApp, Sql, TenantClaims } from '@eduspry/common';
import { createTokenVerifier } from '@eduspry/common';
import { adminDb, claimsFor, createTestTenant, serviceDb, type TestTenant } from '@eduspry/common/testing';
import { createLogger } from '@eduspry/logging';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
// course-service runs for real (its HTTP app to build courses, its gRPC server for CheckAccess).
import { buildApp as buildCourseApp } from '../../course-service/src/app.ts';
import { createAuthenticator } from '../../course-service/src/auth.ts';
import { outboxEvents as courseEvents } from '../../course-service/src/events.ts';
import { startGrpcServer } from '../../course-service/src/grpc/server.ts';
import { buildApp } from '../src/app.ts';
import type { AssessmentContext } from '../src/domain/context.ts';
import type { LiveFeed } from '../src/domain/live.ts';
import { grpcCourseAccess } from '../src/grpc/course-access.ts';

const ISSUER = 'https://auth.test.eduspry';
const AUDIENCE = 'eduspry';
const keys = await generateKeyPair('ES256');
const jwks = { keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'test-key', alg: 'ES256' }] };

/** Verifies the tokens `tokenFor` signs (the service's, and realtime-service's in the live test). */
export const testVerifier = () =>
  createTokenVerifier({ getKey: createLocalJWKSet(jwks), issuer: ISSUER, audience: AUDIENCE });

export async function tokenFor(claims: TenantClaims, expiresIn = '30m'): Promise<string> {
  return new SignJWT(claims as never)
    .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(keys.privateKey);
}

// biome-ignore lint/suspicious/noExplicitAny: test responses are arbitrary JSON
export type Json = any;

export interface User {
  claims: TenantClaims;
  id: string;
  token: string;
}

export interface Reply {
  status: number;
  body: Json;
  text: string;
  headers: Record<string, unknown>;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

async function inject(
  app: ServiceApp,
  user: User | undefined,
  method: Method,
  url: string,
  payload?: unknown,
): Promise<Reply> {
  const response = await app.inject({
    method,
    url,
    headers: user ? { authorization: `Bearer ${user.token}` } : {},
    ...(payload === undefined ? {} : { payload: payload as never }),
  });
  const text = response.body;
  let body: Json;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.statusCode, body, text, headers: response.headers };
}

export interface Harness {
  app: ServiceApp;
  ctx: AssessmentContext;
  admin: Sql;
  tenant: TestTenant;
  /** Moves the service's clock (deadlines, release dates). */
  clock: { offsetMs: number };
  user(roles?: string[], tenant?: TestTenant): Promise<User>;
  call(user: User | undefined, method: Method, url: string, payload?: unknown): Promise<Reply>;
  /** course-service's HTTP API. */
  course(user: User | undefined, method: Method, url: string, payload?: unknown): Promise<Reply>;
  newTenant(): Promise<TestTenant>;
  events(type: string, tenantId?: string): Promise<Json[]>;
  close(): Promise<void>;
}

/**
 * `database`: another database of the test server (a tenant moved there), `tenant` one it holds;
 * `live` where attempts' progress goes.
 */
export async function harness(
  options: { database?: string; tenant?: TestTenant; live?: LiveFeed } = {},
): Promise<Harness> {
  const { database } = options;
  const admin = adminDb(database);
  const courseSql = serviceDb('course-service', database);
  const authenticate = createAuthenticator({ jwks, issuer: ISSUER, audience: AUDIENCE });
  const courseApp = await buildCourseApp({ sql: courseSql, events: courseEvents, authenticate });
  const grpcSql = serviceDb('course-service', database);
  const grpc = await startGrpcServer({ sql: grpcSql, authenticate, host: '127.0.0.1', port: 0 });
  const courses = grpcCourseAccess({ address: `127.0.0.1:${grpc.port}`, timeoutMs: 5000, cacheSeconds: 0 });
  const sql = serviceDb('assessment-service', database);
  const clock = { offsetMs: 0 };
  const { app, ctx } = await buildApp({
    sql,
    courses,
    verifier: testVerifier(),
    graceSeconds: 10,
    ...(options.live ? { live: options.live } : {}),
    // ASSESSMENT_TEST_LOG=debug shows the service's log lines (failing requests included).
    ...(process.env.ASSESSMENT_TEST_LOG
      ? {
          logger: createLogger({
            service: 'assessment-service',
            level: process.env.ASSESSMENT_TEST_LOG,
            environment: 'test',
          }),
        }
      : {}),
    now: () => new Date(Date.now() + clock.offsetMs),
  });
  const tenant = options.tenant ?? (await createTestTenant(admin, 'assess'));
  return {
    app,
    ctx,
    admin,
    tenant,
    clock,
    newTenant: () => createTestTenant(admin, 'assess'),
    async user(roles = ['student'], inTenant = tenant) {
      const claims = claimsFor(inTenant.id, roles);
      return { claims, id: claims.sub, token: await tokenFor(claims) };
    },
    call: (user, method, url, payload) => inject(app, user, method, url, payload),
    course: (user, method, url, payload) => inject(courseApp, user, method, url, payload),
    async events(type, tenantId = tenant.id) {
      const rows = await admin<{ payload: Json }[]>`
        select payload from assessment.outbox where tenant_id = ${tenantId} and event_type = ${type} order by id`;
      return rows.map((r) => r.payload);
    },
    async close() {
      await app.close();
      await courseApp.close();
      courses.close();
      await grpc.close();
      await Promise.all([admin.end(), sql.end(), courseSql.end(), grpcSql.end()]);
    },
  };
}

export function expectOk(reply: Reply, status = 200): Json {
  if (reply.status !== status)
    throw new Error(`expected ${status}, got ${reply.status}: ${reply.text.slice(0, 500)}`);
  return reply.body;
}

/** A published course with a teacher and enrolled students. */
export async function courseWith(h: Harness, students = 1, tenant = h.tenant) {
  const teacher = await h.user(['instructor'], tenant);
  const created = expectOk(
    await h.course(teacher, 'POST', '/courses', {
      code: `C-${Math.random().toString(36).slice(2, 8)}`,
      title: 'Physics',
      selfEnrollment: true,
    }),
    201,
  );
  expectOk(await h.course(teacher, 'PATCH', `/courses/${created.id}`, { state: 'published' }));
  const module = expectOk(
    await h.course(teacher, 'POST', `/courses/${created.id}/modules`, { title: 'Week 1', published: true }),
    201,
  );
  const learners: User[] = [];
  for (let i = 0; i < students; i++) {
    const student = await h.user(['student'], tenant);
    expectOk(await h.course(student, 'POST', `/courses/${created.id}/enrollments`, {}), 201);
    learners.push(student);
  }
  return { courseId: created.id as string, moduleId: module.id as string, teacher, students: learners };
}

/** Places a quiz in the course as an `assessment` item and links the quiz to it. */
export async function placeQuiz(
  h: Harness,
  course: { courseId: string; moduleId: string; teacher: User },
  quizId: string,
) {
  const item = expectOk(
    await h.course(course.teacher, 'POST', `/courses/${course.courseId}/modules/${course.moduleId}/items`, {
      kind: 'assessment',
      title: 'Quiz',
      assessmentId: quizId,
      published: true,
    }),
    201,
  );
  expectOk(
    await h.call(course.teacher, 'PATCH', `/quizzes/${quizId}`, { courseItemId: item.id, published: true }),
  );
  return item.id as string;
}
