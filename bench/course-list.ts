// A student's course list, end to end: `GET /courses?enrolled=true` with a bearer token, so
// each request verifies an ES256 JWT, opens a transaction under the student's claims (RLS) and
// runs the catalog query. 10k students × 20 courses each (500 courses, 200k enrolments).
// Compared in the same run with the bare node:http ceiling (a fixed body), with bare node:http
// doing the same work without the framework, and with the same SQL through pgbench (same role,
// same claims, same RLS); then p99 latency at a steady half the measured max rate.
import { createDb } from '@eduspry/common';
import autocannon from 'autocannon';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { DURATION, loadAtRate, onlySuccesses, pgbench, ratio, report, serveInChild } from './lib/measure.ts';

const STUDENTS = 10_000;
const COURSES = 500;
const PER_STUDENT = 20;
const TOKENS = 2_000;
const CONNECTIONS = 20;
const ISSUER = 'https://auth.bench.eduspry';
const TENANT = '00000000-0000-4000-8000-00000000be0c';
const URL_PATH = '/courses?enrolled=true&limit=20';

// Data: generate_series keeps setup to a couple of seconds.
const admin = createDb(process.env.DATABASE_URL!, { applicationName: 'bench-course-list-setup', max: 1 });
const setupStarted = performance.now();
// Setup only: skip per-row foreign-key triggers (the rows are consistent by construction).
await admin`set session_replication_role = replica`;
await admin`insert into identity.tenants (id, slug, name) values (${TENANT}, 'bench-course-list', 'Bench')`;
await admin`
  insert into course.courses (id, tenant_id, code, title, description, term, state, self_enrollment)
  select md5('bench-course:' || n)::uuid, ${TENANT}, format('BENCH-%s', lpad(n::text, 3, '0')),
         format('Course %s', n), 'A course for the benchmark', '2026-fall', 'published', false
  from generate_series(0, ${COURSES - 1}) as n`;
await admin`
  insert into course.enrollments (tenant_id, course_id, user_id, role, status)
  select ${TENANT}, md5('bench-course:' || ((s * 7 + k * 25) % ${COURSES}))::uuid,
         md5('bench-student:' || s)::uuid, 'student', 'active'
  from generate_series(1, ${STUDENTS}) as s, generate_series(0, ${PER_STUDENT - 1}) as k`;
await admin`
  insert into course.enrollments (tenant_id, course_id, user_id, role, status)
  select ${TENANT}, md5('bench-course:' || n)::uuid, md5('bench-teacher:' || (n % 40))::uuid, 'teacher', 'active'
  from generate_series(0, ${COURSES - 1}) as n`;
// Vacuumed now, not by autovacuum in the middle of a measurement: that stalled requests for
// tens of ms and was the whole of the p99 at half rate.
await admin`vacuum analyze course.courses`;
await admin`vacuum analyze course.enrollments`;
const students = await admin<{ id: string }[]>`
  select md5('bench-student:' || s)::uuid as id from generate_series(1, ${TOKENS}) as s`;
await admin.end();
const setupMs = Math.round(performance.now() - setupStarted);
const progress = (step: string) => process.stderr.write(`course-list: ${step}\n`);
progress(`data ready in ${setupMs} ms`);

// Tokens as auth-service issues them; the server verifies every one (no cache).
const keys = await generateKeyPair('ES256');
const jwks = { keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'bench', alg: 'ES256' }] };
const tokens = await Promise.all(
  students.map(({ id }) =>
    new SignJWT({ role: 'authenticated', app_metadata: { tenant_id: TENANT, roles: ['student'] } })
      .setProtectedHeader({ alg: 'ES256', kid: 'bench' })
      .setSubject(id)
      .setIssuer(ISSUER)
      .setAudience('eduspry')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(keys.privateKey),
  ),
);

async function load(port: number, path: string, duration: number) {
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    connections: CONNECTIONS,
    duration,
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` },
        }),
      },
    ],
  });
  return onlySuccesses(path, {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  });
}

progress('tokens signed');
/** The max rate: a second's warm-up, then DURATION seconds. */
async function maxRate(port: number, path: string) {
  await load(port, path, 1);
  return load(port, path, DURATION);
}

/** course-server.ts as `kind`, once it answers a student's list in full. */
async function courseServer(kind: 'bare' | 'service') {
  const server = await serveInChild(new URL('./lib/course-server.ts', import.meta.url).pathname, [kind], {
    ...process.env,
    BENCH_JWKS: JSON.stringify(jwks),
    BENCH_ISSUER: ISSUER,
  });
  const check = await fetch(`http://127.0.0.1:${server.port}${URL_PATH}`, {
    headers: { authorization: `Bearer ${tokens[0]}` },
  });
  const body = (await check.json().catch(() => ({}))) as { items?: unknown[] };
  if (check.status !== 200 || body.items?.length !== PER_STUDENT) {
    await server.stop();
    throw new Error(`${kind}: course list answered ${check.status} with ${body.items?.length} courses`);
  }
  return server;
}

// 1. The ceiling: bare node:http answering a fixed body.
const bareServer = await serveInChild(new URL('./lib/health-servers.ts', import.meta.url).pathname, ['bare']);
const bare = await maxRate(bareServer.port, '/').finally(bareServer.stop);
progress(`bare: ${bare.requestsPerSecond}/s`);

// 2. The same work on bare node:http: what the framework and the kit cost on this route.
const bareServerSameWork = await courseServer('bare');
const bareSameWork = await maxRate(bareServerSameWork.port, URL_PATH).finally(bareServerSameWork.stop);
progress(`bare, same work: ${bareSameWork.requestsPerSecond}/s`);

// 3. course-service, then 4. the same rate halved for latency.
const server = await courseServer('service');
let service: Awaited<ReturnType<typeof load>>;
let halfRate: Awaited<ReturnType<typeof load>>;
try {
  service = await maxRate(server.port, URL_PATH);
  let next = 0;
  const rate = Math.max(1, Math.round(service.requestsPerSecond / 2));
  const steady = (duration: number) =>
    loadAtRate(`http://127.0.0.1:${server.port}${URL_PATH}`, {
      rate,
      duration,
      connections: CONNECTIONS,
      headers: () => ({ authorization: `Bearer ${tokens[next++ % tokens.length]}` }),
    });
  // Settle first: the max-rate run leaves a backlog of garbage whose collection is not what
  // a server running steadily at this rate sees.
  await steady(2);
  // At least 1000 requests, so the p99 rests on ten of them rather than a handful.
  halfRate = await steady(Math.max(DURATION, Math.ceil(1000 / rate)));
} finally {
  await server.stop();
}

progress(`service: ${service.requestsPerSecond}/s`);
// 5. The same SQL through pgbench: same role, same claims per transaction, same RLS, and prepared
//    statements as postgres.js uses them.
const pgbenchScript = `
\\set n random(1, ${STUDENTS})
begin;
select set_config('request.jwt.claims', format('{"sub":"%s","role":"authenticated","app_metadata":{"tenant_id":"${TENANT}","roles":["student"]}}', md5('bench-student:' || :n)::uuid), true), set_config('role', 'authenticated', true);
select c.id, c.code, c.title, c.description, c.term, c.state, c.starts_on::text, c.ends_on::text,
  c.self_enrollment, c.capacity, c.auto_enroll_on_registration,
  coalesce((select array_agg(t.user_id order by t.created_at) from course.enrollments t
            where t.course_id = c.id and t.role = 'teacher' and t.status = 'active'), '{}'),
  my.role, my.status, c.created_at, c.updated_at
from course.courses c
join course.enrollments my on my.course_id = c.id and my.user_id = md5('bench-student:' || :n)::uuid
where ((my.status = 'active' and my.role in ('teacher', 'ta'))
       or (c.state = 'published' and (c.self_enrollment or my.status in ('active', 'waitlisted'))))
  and c.tenant_id = '${TENANT}' and my.status in ('active', 'waitlisted')
order by c.code, c.id limit 21;
commit;
`;
const pgbenchResult = await pgbench(pgbenchScript, process.env.COURSE_SERVICE_DATABASE_URL!, 10);

report({
  benchmark: 'course-list',
  request: `GET ${URL_PATH} (ES256 JWT verify + withTenant/RLS + catalog query)`,
  students: STUDENTS,
  coursesPerStudent: PER_STUDENT,
  courses: COURSES,
  setupMs,
  connections: CONNECTIONS,
  bare,
  bareSameWork,
  service,
  pgbench: pgbenchResult,
  ratioToBare: ratio(service.requestsPerSecond, bare.requestsPerSecond),
  ratioToBareSameWork: ratio(service.requestsPerSecond, bareSameWork.requestsPerSecond),
  ratioToPgbench:
    'transactionsPerSecond' in pgbenchResult
      ? ratio(service.requestsPerSecond, pgbenchResult.transactionsPerSecond)
      : null,
  atHalfMaxRate: { targetRate: Math.round(service.requestsPerSecond / 2), ...halfRate },
  goals: { ratioToBare: 0.4, p99MsAtHalfRate: 25 },
  met: {
    ratioToBare: service.requestsPerSecond >= 0.4 * bare.requestsPerSecond,
    p99AtHalfRate: halfRate.p99Ms < 25,
  },
});
