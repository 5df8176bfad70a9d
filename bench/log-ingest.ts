// logging-service ingestion and search.
// 1. Log lines/s through POST /logs/batch (500-line batches, 8 connections, JWT-verified,
//    validated, RLS-checked, one insert per batch) vs raw COPY of the same rows into the same
//    table in the same run, over as many parallel COPY streams as HTTP has connections. Only
//    acknowledged lines count (2xx answers × batch size; any other answer fails the run), not
//    rows of batches still in flight when the clock stopped. Goal: HTTP ≥ 0.5× COPY.
// 2. Search latency for a tenant + time range + full-text query through GET /logs as a
//    tenant_admin over LOG_BENCH_ROWS generated lines (default 300k so CI stays within a minute;
//    the goal, p95 < 200 ms, is stated for 10M: LOG_BENCH_ROWS=10000000).
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDb } from '@eduspry/common';
import autocannon from 'autocannon';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { DURATION, onlySuccesses, ratio, report, serveInChild } from './lib/measure.ts';

const ROWS = Number(process.env.LOG_BENCH_ROWS ?? 300_000);
const BATCH = 500;
const CONNECTIONS = 8;
const TENANTS = 50;
const SEARCHES = 200;
const WORDS = Array.from({ length: 400 }, (_, i) => `w${i.toString(36)}x`);

const admin = createDb(process.env.DATABASE_URL!, { applicationName: 'bench-log-ingest', max: 2 });
const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
const server = await serveInChild(new URL('./lib/logging-server.ts', import.meta.url).pathname, [
  JSON.stringify(await exportJWK(publicKey)),
]);
const base = `http://127.0.0.1:${server.port}`;
const tenants = Array.from({ length: TENANTS }, () => randomUUID());
const tokenFor = (tenant: string, roles: string[]) =>
  new SignJWT({ role: 'authenticated', app_metadata: { tenant_id: tenant, roles } })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setSubject(randomUUID())
    .setIssuer('bench')
    .setAudience('eduspry')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);

const message = (i: number) =>
  `${WORDS[i % 397]} ${WORDS[(i * 7) % 389]} ${WORDS[(i * 13) % 383]} request ${i} finished`;
const line = (tenant: string, i: number, ts = new Date()) => ({
  timestamp: ts.toISOString(),
  level: i % 10 === 0 ? 'warn' : 'info',
  service: 'course-service',
  component: 'http',
  traceId: null,
  spanId: null,
  tenantId: tenant,
  tenantName: null,
  userId: 'u-1',
  sessionId: null,
  message: message(i),
  context: { route: '/courses/:id', statusCode: 200 },
  tags: ['bench'],
  metrics: { durationMs: 3.5 },
  environment: 'production',
});

try {
  // --- 1. HTTP batch ingest vs COPY ---------------------------------------------------------
  const tenant = tenants[0]!;
  const batch = JSON.stringify({ lines: Array.from({ length: BATCH }, (_, i) => line(tenant, i)) });
  const token = await tokenFor(tenant, ['tenant_admin']);
  await fetch(`${base}/logs/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: batch,
  }); // warm-up: JIT, partition, pool
  const http = await autocannon({
    url: `${base}/logs/batch`,
    connections: CONNECTIONS,
    duration: DURATION,
    method: 'POST',
    body: batch,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  });
  onlySuccesses(`${base}/logs/batch`, {
    requestsPerSecond: http.requests.average,
    p50Ms: http.latency.p50,
    p99Ms: http.latency.p99,
    errors: http.errors + http.timeouts,
    non2xx: http.non2xx,
  });
  const acknowledged = http['2xx'] * BATCH;
  const httpLinesPerSecond = Math.round(acknowledged / DURATION);

  // The same rows (same columns, same JSON) with COPY FROM STDIN, as many as HTTP acknowledged,
  // split over CONNECTIONS streams on connections of their own (the HTTP side's parallelism).
  const copyRows = Math.max(acknowledged, BATCH * 10 * CONNECTIONS);
  const now = new Date().toISOString();
  const tsv = (i: number) =>
    [
      now,
      i % 10 === 0 ? 'warn' : 'info',
      i % 10 === 0 ? 40 : 30,
      'course-service',
      'http',
      '\\N',
      '\\N',
      tenant,
      '\\N',
      'u-1',
      '\\N',
      message(i),
      '{"route":"/courses/:id","statusCode":200}',
      '{bench}',
      '{"durationMs":3.5}',
      'production',
    ].join('\t');
  const copiers = createDb(process.env.DATABASE_URL!, {
    applicationName: 'bench-log-ingest-copy',
    max: CONNECTIONS,
  });
  const perStream = Math.ceil(copyRows / CONNECTIONS);
  const copyStream = async (stream: number) => {
    const copy =
      await copiers`copy logging.log_entries (ts, level, severity, service, component, trace_id, span_id,
        tenant_id, tenant_name, user_id, session_id, message, context, tags, metrics, environment) from stdin`.writable();
    await pipeline(
      Readable.from(
        (function* () {
          const end = Math.min((stream + 1) * perStream, copyRows);
          for (let i = stream * perStream; i < end; i += 1000) {
            const chunk: string[] = [];
            for (let j = i; j < Math.min(i + 1000, end); j++) chunk.push(tsv(j));
            yield `${chunk.join('\n')}\n`;
          }
        })(),
      ),
      copy,
    );
  };
  await copiers`select 1`; // connections opened before the clock starts, as HTTP's pool was
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, stream) => copyStream(stream)));
  const copyLinesPerSecond = Math.round(copyRows / ((performance.now() - started) / 1000));
  await copiers.end();
  report({
    bench: 'log-ingest',
    case: 'http-batch-vs-copy',
    batchLines: BATCH,
    connections: CONNECTIONS,
    seconds: DURATION,
    httpLinesPerSecond,
    httpBatchesPerSecond: Math.round(http.requests.average),
    httpP99Ms: http.latency.p99,
    copyStreams: CONNECTIONS,
    copyLinesPerSecond,
    ratio: ratio(httpLinesPerSecond, copyLinesPerSecond),
    goal: '>= 0.5',
  });

  // --- 2. search over ROWS lines ------------------------------------------------------------
  await admin`truncate logging.log_entries`;
  const days = 7;
  const firstDay = new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
  await admin`select logging.ensure_day_partitions(${firstDay}::date, current_date + 1)`;
  // Loaded without the secondary indexes, then indexed in one build each, as a restore would:
  // building an index once is many times faster than maintaining it row by row.
  const indexes = await admin<{ name: string; definition: string }[]>`
    select indexname as name, indexdef as definition from pg_indexes
    where schemaname = 'logging' and tablename = 'log_entries' and indexname <> 'log_entries_pkey'`;
  for (const { name } of indexes) await admin`drop index ${admin(`logging.${name}`)}`;
  const generateStarted = performance.now();
  const chunk = 250_000;
  for (let offset = 0; offset < ROWS; offset += chunk) {
    const upTo = Math.min(offset + chunk, ROWS);
    await admin`
      insert into logging.log_entries (ts, level, severity, service, component, tenant_id, user_id, message, context, tags, metrics, environment)
      select now() - (random() * ${days} * interval '1 day'),
        case when n % 10 = 0 then 'warn' else 'info' end, case when n % 10 = 0 then 40 else 30 end,
        (array['course-service','auth-service','assessment-service','content-service'])[1 + n % 4], 'http',
        (${tenants}::uuid[])[1 + n % ${TENANTS}], 'u-' || (n % 1000),
        (${WORDS}::text[])[1 + n % 397] || ' ' || (${WORDS}::text[])[1 + (n * 7) % 389] || ' ' ||
          (${WORDS}::text[])[1 + (n * 13) % 383] || ' request ' || n || ' finished',
        '{"route":"/courses/:id"}', '{bench}', '{"durationMs":3.5}', 'production'
      from generate_series(${offset + 1}::bigint, ${upTo}::bigint) as n`;
  }
  // pg_indexes shows a partitioned table's index as `ON ONLY` (parent alone); build it on all.
  for (const { definition } of indexes) await admin.unsafe(definition.replace(' ON ONLY ', ' ON '));
  await admin`analyze logging.log_entries`;
  const generateSeconds = Math.round((performance.now() - generateStarted) / 100) / 10;

  const tokens = await Promise.all(tenants.map((id) => tokenFor(id, ['tenant_admin'])));
  const latencies: number[] = [];
  let found = 0;
  const to = new Date();
  const from = new Date(to.getTime() - 86_400_000);
  for (let i = 0; i < SEARCHES; i++) {
    const query = new URLSearchParams({
      from: from.toISOString(),
      to: to.toISOString(),
      q: WORDS[(i * 31) % 383]!,
      limit: '50',
    });
    const t0 = performance.now();
    const response = await fetch(`${base}/logs?${query}`, {
      headers: { authorization: `Bearer ${tokens[i % TENANTS]}` },
    });
    const body = (await response.json()) as { lines: unknown[] };
    latencies.push(performance.now() - t0);
    if (response.status !== 200) throw new Error(`search answered ${response.status}`);
    found += body.lines.length;
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]! * 10) / 10;
  report({
    bench: 'log-ingest',
    case: 'search-tenant-day-text',
    rows: ROWS,
    tenants: TENANTS,
    generateSeconds,
    searches: SEARCHES,
    averageLinesFound: Math.round(found / SEARCHES),
    p50Ms: pct(0.5),
    p95Ms: pct(0.95),
    p99Ms: pct(0.99),
    goal: 'p95 < 200 ms at 10M rows',
  });
} finally {
  await server.stop();
  await admin.end();
}
