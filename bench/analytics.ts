// analytics-service: ingestion, reports, freshness, footprint (issue 19).
// 1. N tracking events for 50 tenants through the service's ingestion path (POST /track, 500-event
//    batches from signed-in students, 8 in flight: token verified, validated, ids claimed, raw rows
//    stored, every rollup upserted, all in one transaction per batch) vs COPY of as many rows into
//    the same raw table (analytics.events) in the same run. Goal: ≥ 0.5× COPY.
// 2. Over those N events: course report p95 (goal < 100 ms) and tenant overview p95 (< 250 ms),
//    as each tenant's admin.
// 3. Memory (the service's RSS, sampled) and disk (the analytics schema) per million events.
// 4. Freshness: while 2,000 events/s are being ingested, a probe event's time until it shows in a
//    report (polled every 20 ms). Goal: p99 < 5 s.
// N: BENCH_ANALYTICS_EVENTS; default 10,000,000 (the README figure), or 25,000 per second of
// BENCH_DURATION when that is set (CI's short runs).
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDb } from '@eduspry/common';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Agent, request as undiciRequest } from 'undici';
import { DURATION, ratio, report } from './lib/measure.ts';

const N = Number(
  process.env.BENCH_ANALYTICS_EVENTS ?? (process.env.BENCH_DURATION ? DURATION * 25_000 : 10_000_000),
);
const TENANTS = 50;
const COURSES = 20;
const STUDENTS = 200;
const ITEMS = 30;
const BATCH = 500;
const CONNECTIONS = 8;
const COURSE_REPORTS = 200;
const TENANT_REPORTS = 100;
const FRESHNESS_RATE = 2000;
const FRESHNESS_SECONDS = Math.max(10, DURATION * 2);

const admin = createDb(process.env.DATABASE_URL!, { applicationName: 'bench-analytics', max: 2 });
const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });

// The service in its own process (the load generator must not share its event loop).
const child = fork(
  new URL('./lib/analytics-server.ts', import.meta.url).pathname,
  [JSON.stringify(await exportJWK(publicKey))],
  { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
);
const port = await new Promise<number>((resolve, reject) => {
  child.once('message', (message) => resolve((message as { port: number }).port));
  child.once('exit', (code) => reject(new Error(`analytics-server exited with ${code} before listening`)));
});
const base = `http://127.0.0.1:${port}`;
const rss = () =>
  new Promise<number>((resolve) => {
    const onMessage = (message: unknown) => {
      const value = (message as { rss?: number }).rss;
      if (typeof value !== 'number') return;
      child.off('message', onMessage);
      resolve(value);
    };
    child.on('message', onMessage);
    child.send({ ask: 'rss' });
  });

const sign = (tenant: string, user: string, roles: string[]) =>
  new SignJWT({ role: 'authenticated', app_metadata: { tenant_id: tenant, roles } })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setSubject(user)
    .setIssuer('bench')
    .setAudience('eduspry')
    .setIssuedAt()
    .setExpirationTime('6h')
    .sign(privateKey);

interface Tenant {
  id: string;
  adminToken: string;
  courses: string[];
  items: string[][];
  students: { id: string; token: string }[];
}
const tenants: Tenant[] = [];
for (let t = 0; t < TENANTS; t++) {
  const id = randomUUID();
  const students = [];
  for (let s = 0; s < STUDENTS; s++) {
    const user = randomUUID();
    students.push({ id: user, token: await sign(id, user, ['student']) });
  }
  tenants.push({
    id,
    adminToken: await sign(id, randomUUID(), ['tenant_admin']),
    courses: Array.from({ length: COURSES }, () => randomUUID()),
    items: Array.from({ length: COURSES }, () => Array.from({ length: ITEMS }, () => randomUUID())),
    students,
  });
}

const TYPES = [
  'heartbeat',
  'heartbeat',
  'heartbeat',
  'heartbeat',
  'heartbeat',
  'page_view',
  'page_view',
  'item_opened',
  'item_opened',
  'video_played',
  'video_seeked',
] as const;
/** One event of student `s` of tenant `t`, number `i`: within the last 20 h, in one of their 4 courses. */
function trackEvent(tenant: Tenant, s: number, i: number, now: number) {
  const c = (s + (i % 4) * 5) % COURSES;
  const type = TYPES[i % TYPES.length]!;
  const event: Record<string, unknown> = {
    id: randomUUID(),
    type,
    at: new Date(now - ((i * 7919) % 72_000) * 1000).toISOString(),
    courseId: tenant.courses[c],
  };
  if (type === 'heartbeat') event.seconds = 15 + (i % 46);
  else if (type === 'page_view') event.path = `/courses/${tenant.courses[c]}`;
  else {
    event.itemId = tenant.items[c]![(i * 13) % ITEMS];
    if (type !== 'item_opened') event.positionSeconds = (i * 17) % 900;
  }
  return event;
}

const agent = new Agent({ connections: CONNECTIONS * 2, keepAliveTimeout: 30_000 });
async function post(path: string, token: string, body: string) {
  const response = await undiciRequest(`${base}${path}`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  const text = await response.body.text();
  if (response.statusCode !== 202) throw new Error(`${path} answered ${response.statusCode}: ${text}`);
  return JSON.parse(text) as { accepted: number; duplicates: number };
}
async function get(path: string, token: string) {
  const response = await undiciRequest(`${base}${path}`, {
    dispatcher: agent,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`${path} answered ${response.statusCode}: ${text}`);
  return JSON.parse(text);
}
const percentile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10;
};
const mb = (bytes: number) => Math.round(bytes / 1024 / 102.4) / 10;
async function analyticsBytes(): Promise<{ total: number; raw: number }> {
  const [row] = await admin<{ total: string; raw: string }[]>`
    select coalesce(sum(pg_total_relation_size(c.oid)), 0)::text as total,
      coalesce(sum(pg_total_relation_size(c.oid)) filter (where c.relname like 'events\\_%'), 0)::text as raw
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'analytics' and c.relkind = 'r'`;
  return { total: Number(row!.total), raw: Number(row!.raw) };
}

try {
  // Warm-up: JIT, the day partitions, the pool.
  await post(
    '/track',
    tenants[0]!.students[0]!.token,
    JSON.stringify({
      events: Array.from({ length: BATCH }, (_, i) => trackEvent(tenants[0]!, 0, i, Date.now())),
    }),
  );
  const diskBefore = await analyticsBytes();
  const rssIdle = await rss();

  // --- 1. ingestion path vs COPY -------------------------------------------------------------
  const batches = Math.ceil(N / BATCH);
  let next = 0;
  let accepted = 0;
  let rssPeak = rssIdle;
  const sampler = setInterval(() => void rss().then((value) => (rssPeak = Math.max(rssPeak, value))), 500);
  const ingestStarted = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      for (;;) {
        const b = next++;
        if (b >= batches) return;
        const tenant = tenants[b % TENANTS]!;
        const s = (Math.floor(b / TENANTS) * 7) % STUDENTS;
        const size = Math.min(BATCH, N - b * BATCH);
        const now = Date.now();
        const body = JSON.stringify({
          events: Array.from({ length: size }, (_, i) => trackEvent(tenant, s, b * BATCH + i, now)),
        });
        // (not `accepted += await …`: that reads `accepted` before the await and loses updates)
        const answer = await post('/track', tenant.students[s]!.token, body);
        accepted += answer.accepted;
        if (b % Math.max(1, Math.round(batches / 10)) === 0)
          console.error(`analytics bench: ${Math.round((b / batches) * 100)} % ingested`);
      }
    }),
  );
  const ingestSeconds = (performance.now() - ingestStarted) / 1000;
  clearInterval(sampler);
  const rssAfterIngest = await rss();
  const ingestPerSecond = Math.round(accepted / ingestSeconds);

  // The same rows into the same raw table, in a day of their own (truncated afterwards, so the
  // reports and the footprint are those of the ingested events only).
  const copyDay = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
  await admin`select analytics.ensure_day_partitions(${copyDay}::date, ${copyDay}::date)`;
  const copyRows = accepted;
  const copyStarted = performance.now();
  const copy =
    await admin`copy analytics.events (tenant_id, ts, event_id, type, user_id, course_id, item_id, data) from stdin`.writable();
  const dayStart = Date.parse(`${copyDay}T00:00:00Z`);
  await pipeline(
    Readable.from(
      (function* () {
        for (let i = 0; i < copyRows; i += 1000) {
          const chunk: string[] = [];
          for (let j = i; j < Math.min(i + 1000, copyRows); j++) {
            const tenant = tenants[j % TENANTS]!;
            const s = Math.floor(j / TENANTS) % STUDENTS;
            const e = trackEvent(tenant, s, j, Date.now());
            const { id, type, courseId, itemId, ...data } = e as Record<string, string>;
            chunk.push(
              [
                tenant.id,
                new Date(dayStart + (j % 86_000) * 1000).toISOString(),
                id,
                type,
                tenant.students[s]!.id,
                courseId,
                itemId ?? '\\N',
                JSON.stringify({ ...data, at: undefined }),
              ].join('\t'),
            );
          }
          yield `${chunk.join('\n')}\n`;
        }
      })(),
    ),
    copy,
  );
  const copySeconds = (performance.now() - copyStarted) / 1000;
  const copyPerSecond = Math.round(copyRows / copySeconds);
  await admin.unsafe(`truncate analytics.events_${copyDay.replaceAll('-', '')}`);
  report({
    bench: 'analytics',
    case: 'ingest-vs-copy',
    events: accepted,
    tenants: TENANTS,
    batchEvents: BATCH,
    connections: CONNECTIONS,
    ingestSeconds: Math.round(ingestSeconds * 10) / 10,
    ingestEventsPerSecond: ingestPerSecond,
    copyEventsPerSecond: copyPerSecond,
    ratio: ratio(ingestPerSecond, copyPerSecond),
    goal: '>= 0.5',
  });

  // --- 3. footprint ---------------------------------------------------------------------------
  await admin`vacuum analyze analytics.events`;
  await admin`analyze`;
  const disk = await analyticsBytes();
  const millions = accepted / 1_000_000;
  report({
    bench: 'analytics',
    case: 'footprint',
    events: accepted,
    diskMbPerMillionEvents: mb((disk.total - diskBefore.total) / millions),
    rawMbPerMillionEvents: mb((disk.raw - diskBefore.raw) / millions),
    rollupMbPerMillionEvents: mb((disk.total - disk.raw - (diskBefore.total - diskBefore.raw)) / millions),
    serviceRssIdleMb: mb(rssIdle),
    serviceRssPeakMb: mb(rssPeak),
    serviceRssAfterMb: mb(rssAfterIngest),
    serviceRssGrowthMbPerMillionEvents: mb(Math.max(0, rssAfterIngest - rssIdle) / millions),
  });

  // --- 2. report latency over the N events ----------------------------------------------------
  const courseLatencies: number[] = [];
  let studentsSeen = 0;
  for (let i = 0; i < COURSE_REPORTS; i++) {
    const tenant = tenants[(i * 7) % TENANTS]!;
    const t0 = performance.now();
    const body = await get(`/reports/courses/${tenant.courses[i % COURSES]}`, tenant.adminToken);
    courseLatencies.push(performance.now() - t0);
    studentsSeen += body.students.length;
  }
  const tenantLatencies: number[] = [];
  let coursesSeen = 0;
  for (let i = 0; i < TENANT_REPORTS; i++) {
    const tenant = tenants[i % TENANTS]!;
    const t0 = performance.now();
    const body = await get('/reports/tenant', tenant.adminToken);
    tenantLatencies.push(performance.now() - t0);
    coursesSeen += body.courses.length;
  }
  report({
    bench: 'analytics',
    case: 'reports',
    events: accepted,
    courseReports: COURSE_REPORTS,
    courseAverageStudents: Math.round((studentsSeen / COURSE_REPORTS) * 10) / 10,
    courseP50Ms: percentile(courseLatencies, 0.5),
    courseP95Ms: percentile(courseLatencies, 0.95),
    courseGoal: 'p95 < 100 ms',
    tenantReports: TENANT_REPORTS,
    tenantAverageCourses: Math.round((coursesSeen / TENANT_REPORTS) * 10) / 10,
    tenantP50Ms: percentile(tenantLatencies, 0.5),
    tenantP95Ms: percentile(tenantLatencies, 0.95),
    tenantGoal: 'p95 < 250 ms',
  });

  // --- 4. freshness under 2,000 events/s --------------------------------------------------------
  // Background: 20 batches of 100 events per second, each due at its time (an open model).
  const perBatch = 100;
  const due = FRESHNESS_RATE / perBatch;
  let background = 0;
  let backgroundErrors = 0;
  const stopAt = performance.now() + FRESHNESS_SECONDS * 1000;
  const load = (async () => {
    const pending: Promise<void>[] = [];
    const started = performance.now();
    for (let b = 0; performance.now() < stopAt; b++) {
      const wait = started + (b * 1000) / due - performance.now();
      if (wait > 1) await sleep(wait);
      const tenant = tenants[b % TENANTS]!;
      const s = (b * 31) % STUDENTS;
      const now = Date.now();
      const body = JSON.stringify({
        events: Array.from({ length: perBatch }, (_, i) => trackEvent(tenant, s, b * perBatch + i, now)),
      });
      pending.push(
        post('/track', tenant.students[s]!.token, body).then(
          (answer) => {
            background += answer.accepted;
          },
          () => {
            backgroundErrors++;
          },
        ),
      );
    }
    await Promise.all(pending);
  })();
  // Probes: a student nobody has seen yet sends one heartbeat; the tenant admin polls that
  // student's report until the minute shows.
  const probeTenant = tenants[0]!;
  const freshness: number[] = [];
  let missed = 0;
  await sleep(500);
  while (performance.now() < stopAt - 1000) {
    const user = randomUUID();
    const token = await sign(probeTenant.id, user, ['student']);
    const sent = performance.now();
    await post(
      '/track',
      token,
      JSON.stringify({
        events: [
          {
            id: randomUUID(),
            type: 'heartbeat',
            at: new Date().toISOString(),
            courseId: probeTenant.courses[0],
            seconds: 60,
          },
        ],
      }),
    );
    let seen = false;
    while (performance.now() - sent < 10_000) {
      const body = await get(`/reports/students/${user}`, probeTenant.adminToken);
      const minutes = (body.activity as { minutes: number }[]).reduce((sum, day) => sum + day.minutes, 0);
      if (minutes > 0) {
        seen = true;
        break;
      }
      await sleep(20);
    }
    if (seen) freshness.push(performance.now() - sent);
    else missed++;
    await sleep(200);
  }
  await load;
  report({
    bench: 'analytics',
    case: 'freshness',
    backgroundEventsPerSecond: Math.round(background / FRESHNESS_SECONDS),
    backgroundTarget: FRESHNESS_RATE,
    backgroundErrors,
    probes: freshness.length + missed,
    missedAfter10s: missed,
    p50Ms: percentile(freshness, 0.5),
    p99Ms: percentile(freshness, 0.99),
    maxMs: percentile(freshness, 1),
    goal: 'p99 < 5000 ms',
  });
} finally {
  await agent.close();
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  await admin.end();
}
