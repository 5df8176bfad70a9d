// The student dashboard (20 courses with progress) through the api-gateway's GraphQL, against
// the same data fetched straight from course-service's REST routes, in the same run: dashboards
// per second, latency, and upstream calls per GraphQL query (goal: ≥ 0.7× direct, ≤ 3 calls).
import { randomUUID } from 'node:crypto';
import { adminDb, createTestTenant } from '@eduspry/common/testing';
import { OPERATIONS } from '@eduspry/contracts/graphql-operations';
import { startPlatformProcesses } from '../scripts/lib/platform-processes.ts';
import { hashPassword } from '../services/auth-service/src/domain/passwords.ts';
import { DURATION, ratio, report } from './lib/measure.ts';

const COURSES = 20;
const CONNECTIONS = 10;
const PASSWORD = 'Bench-Dashboard-2026';

const platform = await startPlatformProcesses({
  // The bench measures throughput, not the limiter: one user far beyond a person's rate.
  env: {
    GATEWAY_RATE_LIMIT_PER_USER: '100000000',
    GATEWAY_RATE_LIMIT_PER_IP: '100000000',
  },
});
const admin = adminDb();
try {
  const tenant = await createTestTenant(admin, 'bench');
  const hash = await hashPassword(PASSWORD);
  const signIn = async (roles: string[]) => {
    const email = `${roles[0]}-${randomUUID().slice(0, 8)}@bench.test`;
    await admin`insert into identity.users (tenant_id, email, display_name, password_hash, roles, status, email_verified_at)
      values (${tenant.id}, ${email}, ${roles[0]!}, ${hash}, ${roles}, 'active', now())`;
    const response = await fetch(`${platform.gatewayUrl}/api/auth-service/token?grant_type=password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: tenant.slug, email, password: PASSWORD }),
    });
    if (!response.ok) throw new Error(`sign-in failed: ${await response.text()}`);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const teacher = await signIn(['instructor']);
  const student = await signIn(['student']);
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${platform.courseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<{ id: string; items?: { id: string }[] }>;
  };
  for (let i = 0; i < COURSES; i++) {
    const course = await call(teacher, 'POST', '/courses', {
      code: `BENCH-${i}`,
      title: `Bench ${i}`,
      selfEnrollment: true,
    });
    const module = await call(teacher, 'POST', `/courses/${course.id}/modules`, {
      title: 'Week 1',
      published: true,
    });
    await call(teacher, 'POST', `/courses/${course.id}/modules/${module.id}/items`, {
      kind: 'page',
      title: 'Read',
      body: 'x',
      published: true,
    });
    await call(teacher, 'PATCH', `/courses/${course.id}`, { state: 'published' });
    await call(student, 'POST', `/courses/${course.id}/enrollments`, {});
  }
  const userId = JSON.parse(Buffer.from(student.split('.')[1]!, 'base64url').toString()).sub as string;
  const auth = { authorization: `Bearer ${student}` };

  /** One dashboard through GraphQL: one request to the gateway. */
  let upstreamCalls = 0;
  let queries = 0;
  const viaGateway = async () => {
    const response = await fetch(`${platform.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ query: OPERATIONS.Dashboard }),
    });
    const body = (await response.json()) as { data?: { me: { courses: unknown[] } }; errors?: unknown };
    if (!response.ok || body.errors || body.data?.me.courses.length !== COURSES)
      throw new Error(JSON.stringify(body).slice(0, 300));
    upstreamCalls += Number(response.headers.get('x-upstream-calls'));
    queries++;
  };
  /** The same data straight from course-service: its course list, then progress for all of them. */
  const direct = async () => {
    const list = await fetch(`${platform.courseUrl}/courses?enrolled=true&limit=50`, { headers: auth });
    const { items } = (await list.json()) as { items: { id: string }[] };
    const query = items.map((course) => `courseIds=${course.id}`).join('&');
    const progress = await fetch(`${platform.courseUrl}/progress?${query}`, { headers: auth });
    if (!list.ok || !progress.ok || items.length !== COURSES) throw new Error('direct dashboard failed');
    await progress.arrayBuffer();
  };
  /** Without the batch route: the course list, then each course's progress route. */
  const directPerCourse = async () => {
    const list = await fetch(`${platform.courseUrl}/courses?enrolled=true&limit=50`, { headers: auth });
    const { items } = (await list.json()) as { items: { id: string }[] };
    await Promise.all(
      items.map(async (course) => {
        const response = await fetch(`${platform.courseUrl}/courses/${course.id}/progress/${userId}`, {
          headers: auth,
        });
        if (!response.ok) throw new Error(`progress ${response.status}`);
        await response.arrayBuffer();
      }),
    );
  };

  // Two alternating rounds, best of each: on a shared machine the order of runs (warmer JIT,
  // a neighbour's load) otherwise decides more than the gateway does.
  const results: Record<string, Awaited<ReturnType<typeof closedLoop>>> = {};
  const runs = [
    ['gateway', viaGateway],
    ['direct', direct],
    ['directPerCourse', directPerCourse],
  ] as const;
  for (const [, run] of runs) await closedLoop(run, 1); // warm-up (JIT, pools, JWKS)
  for (let round = 0; round < 2; round++) {
    for (const [name, run] of round ? [...runs].reverse() : runs) {
      const result = await closedLoop(run, DURATION);
      if (!results[name] || result.dashboardsPerSecond > results[name].dashboardsPerSecond)
        results[name] = result;
    }
  }
  report({
    benchmark: 'dashboard',
    courses: COURSES,
    connections: CONNECTIONS,
    gateway: { ...results.gateway, upstreamCallsPerQuery: Math.round((upstreamCalls / queries) * 100) / 100 },
    direct: results.direct,
    directPerCourse: results.directPerCourse,
    ratio: ratio(results.gateway!.dashboardsPerSecond, results.direct!.dashboardsPerSecond),
    goal: '≥ 0.7× direct, ≤ 3 upstream calls per query',
  });
} finally {
  await admin.end();
  await platform.stop();
}

/** `CONNECTIONS` workers each loading dashboards back to back for `seconds`. */
async function closedLoop(run: () => Promise<void>, seconds: number) {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) {
        const started = performance.now();
        try {
          await run();
          latencies.push(performance.now() - started);
        } catch (error) {
          if (errors++ === 0) process.stderr.write(`dashboard bench: ${(error as Error).message}\n`);
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round((latencies[Math.floor(q * (latencies.length - 1))] ?? 0) * 10) / 10;
  return {
    dashboardsPerSecond: Math.round(latencies.length / seconds),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    errors,
  };
}
