import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { createTokenVerifier, type ServiceApp, type Sql } from '@eduspry/common';
import { serviceDb } from '@eduspry/common/testing';
import { OPERATIONS } from '@eduspry/contracts/graphql-operations';
import { buildApp as buildAnalytics } from '../../analytics-service/src/app.ts';
import { type Json, type Platform, startPlatform } from './helpers.ts';

// analytics-service as its main.ts builds it (its own role, RLS), behind a counting proxy so the
// calls are counted where they arrive; the gateway in front of auth, course and analytics.
let p: Platform;
let analytics: ServiceApp;
let analyticsSql: Sql;
let proxy: Server;
let target = '';
let analyticsDown = false;
const arrived: string[] = [];

before(async () => {
  proxy = createServer(async (request, response) => {
    arrived.push(request.url ?? '');
    if (analyticsDown) {
      response.writeHead(503).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'host',
      ),
    );
    const upstream = await fetch(target + request.url, {
      method: request.method ?? 'GET',
      headers,
      ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
    });
    response.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/json',
    });
    response.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as { port: number };
  p = await startPlatform({
    ANALYTICS_SERVICE_URL: `http://127.0.0.1:${port}`,
    GATEWAY_UPSTREAM_ATTEMPTS: '1',
  });
  const authUrl = `http://127.0.0.1:${(p.auth.server.address() as { port: number }).port}`;
  analyticsSql = serviceDb('analytics-service');
  ({ app: analytics } = await buildAnalytics({
    sql: analyticsSql,
    tokenVerifier: createTokenVerifier({
      jwksUrl: `${authUrl}/.well-known/jwks.json`,
      issuer: 'http://auth.gateway-test.eduspry',
      audience: 'eduspry',
    }),
  }));
  target = await analytics.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await p.close();
  await analytics.close();
  await analyticsSql.end();
  proxy.closeAllConnections();
  proxy.close();
});

const today = () => new Date().toISOString().slice(0, 10);

/** A published course of `teacher`'s with `student` enrolled; returns its id. */
async function courseWith(teacher: { token: string }, student: { token: string }) {
  const created = await p.graphql(teacher.token, OPERATIONS.CreateCourse, {
    input: { code: `AN-${randomUUID().slice(0, 6)}`, title: 'Analytics 101' },
  });
  assert.equal(created.body.errors, undefined, JSON.stringify(created.body.errors));
  const courseId = created.body.data.createCourse.id as string;
  await p.graphql(teacher.token, OPERATIONS.SetCourseState, { courseId, state: 'published' });
  const enrolled = await p.graphql(student.token, OPERATIONS.Enroll, { courseId });
  assert.equal(enrolled.body.errors, undefined, JSON.stringify(enrolled.body.errors));
  return courseId;
}

/** Heartbeats through the gateway's REST pass-through under the contract's `/api/analytics/` name. */
async function track(token: string, events: Record<string, unknown>[]) {
  const response = await p.gateway.inject({
    method: 'POST',
    url: '/api/analytics/track',
    headers: { authorization: `Bearer ${token}` },
    payload: { events },
  });
  assert.equal(response.statusCode, 202, response.body);
  return response.json();
}
const heartbeat = (courseId: string, seconds: number) => ({
  id: randomUUID(),
  type: 'heartbeat',
  at: new Date(Date.now() - 1000).toISOString(),
  courseId,
  seconds,
});

test('studentReport shows what the student tracked, with its course batched in one course-service call', async () => {
  const tenant = await p.tenant();
  const teacher = await p.user(tenant, ['instructor']);
  const student = await p.user(tenant);
  const first = await courseWith(teacher, student);
  const second = await courseWith(teacher, student);
  assert.deepEqual(await track(student.token, [heartbeat(first, 120), heartbeat(second, 60)]), {
    accepted: 2,
    duplicates: 0,
  });
  // The web app's own operation (on the production allow-list).
  const query = OPERATIONS.StudentReport;
  const seen: Json[] = [];
  // Freshness is the service's promise (seconds); give it a few to show the heartbeats.
  for (let attempt = 0; attempt < 50; attempt++) {
    arrived.length = 0;
    const answer = await p.graphql(student.token, query, { userId: student.id, from: today() });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.errors, undefined, JSON.stringify(answer.body.errors));
    seen.push(answer);
    const courses: Json[] = answer.body.data.studentReport.courses;
    if (courses.filter((c) => c.minutes > 0).length === 2) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const last = seen.at(-1);
  const report = last.body.data.studentReport;
  assert.equal(report.userId, student.id);
  assert.equal(report.from, today());
  const byCourse = new Map<string, Json>(report.courses.map((c: Json) => [c.courseId, c]));
  assert.equal(byCourse.get(first)?.minutes, 2);
  assert.equal(byCourse.get(second)?.minutes, 1);
  assert.equal(byCourse.get(first)?.course.title, 'Analytics 101');
  assert.equal(
    report.activity.reduce((sum: number, day: Json) => sum + day.minutes, 0),
    3,
  );
  // One report call to analytics-service, one course lookup for both courses.
  assert.equal(arrived.length, 1);
  assert.equal(last.upstreamCalls, 2);
});

test('the same report asked twice in one query is one call; tenantReport answers a tenant admin', async () => {
  const tenant = await p.tenant();
  const teacher = await p.user(tenant, ['instructor']);
  const student = await p.user(tenant);
  const admin = await p.user(tenant, ['tenant_admin']);
  const courseId = await courseWith(teacher, student);
  await track(student.token, [heartbeat(courseId, 30)]);
  arrived.length = 0;
  // As the tenant admin: staff of a course are known to analytics from course-service's enrolment
  // events on the bus, which this in-process platform does not relay.
  const twice = await p.graphql(
    admin.token,
    `query ($c: ID!) {
      a: courseReport(courseId: $c) { courseId grades { buckets { from to count } } course { title } }
      b: courseReport(courseId: $c) { courseId students { userId minutes } }
    }`,
    { c: courseId },
  );
  assert.equal(twice.body.errors, undefined, JSON.stringify(twice.body.errors));
  assert.equal(twice.body.data.a.courseId, courseId);
  assert.equal(twice.body.data.a.grades.buckets.length, 10);
  assert.equal(twice.body.data.a.course.title, 'Analytics 101');
  assert.equal(twice.body.data.b.courseId, courseId);
  assert.equal(arrived.length, 1, `analytics-service got ${arrived.join(', ')}`);

  const overview = await p.graphql(admin.token, OPERATIONS.TenantReport);
  assert.equal(overview.body.errors, undefined, JSON.stringify(overview.body.errors));
  const course = await p.graphql(admin.token, OPERATIONS.CourseReport, { courseId });
  assert.equal(course.body.errors, undefined, JSON.stringify(course.body.errors));
  assert.equal(course.body.data.courseReport.course.title, 'Analytics 101');
  assert.deepEqual(
    course.body.data.courseReport.students.map((row: Json) => [row.userId, row.minutes]),
    [[student.id, 0.5]],
  );
  const rest = await p.gateway.inject({
    method: 'GET',
    url: '/api/analytics-service/reports/tenant',
    headers: { authorization: `Bearer ${admin.token}` },
  });
  assert.equal(rest.statusCode, 200, rest.body);
  // GraphQL and REST tell the same story.
  assert.deepEqual(overview.body.data.tenantReport.totals, rest.json().totals);
  assert.deepEqual(
    overview.body.data.tenantReport.courses.map((row: Json) => [row.courseId, row.course?.title]),
    rest.json().courses.map((row: Json) => [row.courseId, 'Analytics 101']),
  );
  assert.equal(overview.body.data.tenantReport.from, rest.json().from);
});

test("upstream problems keep their meaning: a student's tenant overview is FORBIDDEN, another tenant's course no data", async () => {
  const tenant = await p.tenant();
  const other = await p.tenant();
  const teacher = await p.user(tenant, ['instructor']);
  const student = await p.user(tenant);
  const courseId = await courseWith(teacher, student);
  await track(student.token, [heartbeat(courseId, 60)]);

  const denied = await p.graphql(student.token, '{ tenantReport { from } }');
  assert.equal(denied.status, 200);
  assert.equal(denied.body.data.tenantReport, null);
  assert.equal(denied.body.errors[0].extensions.code, 'FORBIDDEN');

  const stranger = await p.user(other, ['tenant_admin']);
  const leak = await p.graphql(
    stranger.token,
    `query ($c: ID!, $u: ID!) {
      c: courseReport(courseId: $c) { students { userId minutes } engagement { minutes } }
      s: studentReport(userId: $u) { courses { courseId minutes } activity { minutes } }
    }`,
    { c: courseId, u: student.id },
  );
  // Refused, or answered with nothing of the other tenant's: never its minutes.
  for (const key of ['c', 's'] as const) {
    const data = leak.body.data?.[key];
    if (data === null || data === undefined) {
      const error = leak.body.errors.find((e: Json) => e.path[0] === key);
      assert.ok(['FORBIDDEN', 'NOT_FOUND'].includes(error.extensions.code), JSON.stringify(error));
    } else {
      assert.equal(JSON.stringify(data).includes(student.id), false, JSON.stringify(data));
      const minutes = [...(data.engagement ?? []), ...(data.activity ?? []), ...(data.students ?? [])];
      assert.ok(
        minutes.every((row: Json) => row.minutes === 0),
        JSON.stringify(data),
      );
    }
  }
});

test('bad input is BAD_USER_INPUT before any upstream call; no token is UNAUTHENTICATED', async () => {
  const tenant = await p.tenant();
  const admin = await p.user(tenant, ['tenant_admin']);
  arrived.length = 0;
  for (const query of [
    '{ tenantReport(from: "yesterday") { from } }',
    '{ tenantReport(to: "2026-13-01T00:00:00Z") { from } }',
    '{ courseReport(courseId: "not-a-uuid") { courseId } }',
    '{ studentReport(userId: "../../users") { userId } }',
  ]) {
    const answer = await p.graphql(admin.token, query);
    assert.equal(answer.status, 200, query);
    assert.equal(answer.body.errors[0].extensions.code, 'BAD_USER_INPUT', JSON.stringify(answer.body));
    assert.equal(answer.upstreamCalls, 0);
  }
  assert.equal(arrived.length, 0);
  // A day that cannot exist reaches the service, which refuses it: still BAD_USER_INPUT.
  const impossible = await p.graphql(admin.token, '{ tenantReport(from: "2026-02-30") { from } }');
  assert.equal(impossible.body.errors[0].extensions.code, 'BAD_USER_INPUT', JSON.stringify(impossible.body));
  const anonymous = await p.graphql(undefined, '{ tenantReport { from } }');
  assert.equal(anonymous.body.errors[0].extensions.code, 'UNAUTHENTICATED');
});

test('analytics-service down: only its fields are null, with UPSTREAM_UNAVAILABLE', async () => {
  const tenant = await p.tenant();
  const admin = await p.user(tenant, ['tenant_admin']);
  analyticsDown = true;
  try {
    const answer = await p.graphql(admin.token, '{ me { id } tenantReport { from } }');
    assert.equal(answer.status, 200);
    assert.equal(answer.body.data.me.id, admin.id);
    assert.equal(answer.body.data.tenantReport, null);
    assert.equal(answer.body.errors[0].extensions.code, 'UPSTREAM_UNAVAILABLE');
  } finally {
    analyticsDown = false;
  }
});
