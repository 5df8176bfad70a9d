import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { after, test } from 'node:test';
import { type Tx, withTenant } from '@eduspry/common';
import { adminDb, claimsFor, createTestTenant, serviceDb } from '@eduspry/common/testing';
import { logLineProblems } from '@eduspry/logging';
import { LOG_LINE_LIMITS } from '@eduspry/logging/log-line';
import { createElasticsearchSink } from '../src/adapters/elasticsearch-sink.ts';
import { buildApp } from '../src/app.ts';
import { InvalidLogLine, toLogRecord } from '../src/domain/log-records.ts';
import { applyRetention } from '../src/domain/retention.ts';
import { capturingLogger, logLine, testAuth } from './helpers.ts';

const admin = adminDb();
const sql = serviceDb('logging-service');
const auth = await testAuth();
const captured = capturingLogger('logging-service');
const { app } = await buildApp({ sql, logger: captured.logger, tokenVerifier: auth.verifier });

after(async () => {
  await app.close();
  await sql.end();
  await admin.end();
});

const marker = () => `m${randomBytes(6).toString('hex')}`;

async function post(token: string | undefined, body: unknown) {
  return app.inject({
    method: 'POST',
    url: '/logs/batch',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    payload: body as object,
  });
}

async function search(token: string, query: Record<string, string>) {
  const response = await app.inject({
    url: `/logs?${new URLSearchParams(query)}`,
    headers: { authorization: `Bearer ${token}` },
  });
  return response;
}

async function storedWith(word: string): Promise<number> {
  const [row] = await admin<{ count: number }[]>`
    select count(*)::int as count from logging.log_entries where search @@ to_tsquery('simple', ${word})`;
  return row!.count;
}

test("a tenant admin ingests their tenant's lines and finds them; another tenant's admin does not", async () => {
  const [riverside, lakeside] = [await createTestTenant(admin), await createTestTenant(admin)];
  const word = marker();
  const riversideAdmin = await auth.tokenFor(riverside.id, ['tenant_admin']);
  const lakesideAdmin = await auth.tokenFor(lakeside.id, ['tenant_admin']);
  const traceId = randomBytes(16).toString('hex');
  const stored = await post(riversideAdmin, {
    lines: [
      logLine({
        tenantId: riverside.id,
        message: `enrolment ${word} accepted`,
        traceId,
        spanId: 'a'.repeat(16),
      }),
      logLine({
        tenantId: riverside.id,
        level: 'error',
        service: 'assessment-service',
        message: `grading ${word} failed`,
      }),
    ],
  });
  assert.equal(stored.statusCode, 200, stored.body);
  assert.deepEqual(stored.json(), { stored: 2 });

  const own = await search(riversideAdmin, { q: word });
  assert.equal(own.statusCode, 200, own.body);
  assert.equal(own.json().lines.length, 2);
  assert.equal(own.json().lines[0].tenantId, riverside.id);
  assert.equal(
    (await search(riversideAdmin, { q: word, level: 'warn' })).json().lines[0].message,
    `grading ${word} failed`,
  );
  assert.equal(
    (await search(riversideAdmin, { q: word, service: 'assessment-service' })).json().lines.length,
    1,
  );
  assert.equal((await search(riversideAdmin, { traceId })).json().lines[0].spanId, 'a'.repeat(16));

  const other = await search(lakesideAdmin, { q: word });
  assert.equal(other.statusCode, 200);
  assert.deepEqual(other.json().lines, []);
  const otherByTenant = await search(lakesideAdmin, { q: word, tenantId: riverside.id });
  assert.deepEqual(otherByTenant.json().lines, [], 'asking for another tenant by id shows nothing either');
});

test("super_admin sees every tenant's lines and platform lines; students may not search", async () => {
  const [one, two] = [await createTestTenant(admin), await createTestTenant(admin)];
  const word = marker();
  const superAdmin = await auth.tokenFor(one.id, ['super_admin']);
  const stored = await post(superAdmin, {
    lines: [
      logLine({ tenantId: one.id, message: `alpha ${word}` }),
      logLine({ tenantId: two.id, message: `beta ${word}` }),
      logLine({ tenantId: null, message: `platform ${word}` }),
    ],
  });
  assert.equal(stored.statusCode, 200, stored.body);
  const all = await search(superAdmin, { q: word });
  assert.equal(all.json().lines.length, 3);
  assert.equal((await search(superAdmin, { q: word, tenantId: two.id })).json().lines.length, 1);
  const tenantAdmin = await auth.tokenFor(one.id, ['tenant_admin']);
  assert.deepEqual(
    (await search(tenantAdmin, { q: word })).json().lines.map((line: { message: string }) => line.message),
    [`alpha ${word}`],
  );
  const student = await search(await auth.tokenFor(one.id, ['student']), { q: word });
  assert.equal(student.statusCode, 403);
  assert.equal((await app.inject(`/logs?q=${word}`)).statusCode, 401);
});

test("the search function keeps the table's rules: no claims, bad claims or another service's login find nothing", async () => {
  const tenant = await createTestTenant(admin);
  const word = marker();
  const token = await auth.tokenFor(tenant.id, ['tenant_admin']);
  assert.equal(
    (await post(token, { lines: [logLine({ tenantId: tenant.id, message: `kept ${word}` })] })).statusCode,
    200,
  );
  const find = async (tx: Tx) => {
    const rows = await tx<{ message: string }[]>`
      select message from logging.search_log_entries(now() - interval '1 day', now() + interval '1 minute',
        null, null, null, null, ${word}, null, null, 10)`;
    return rows.map((row) => row.message);
  };
  assert.deepEqual(await withTenant(sql, claimsFor(tenant.id, ['tenant_admin']), find), [`kept ${word}`]);
  const course = serviceDb('course-service');
  try {
    assert.deepEqual(await withTenant(course, claimsFor(tenant.id, ['tenant_admin']), find), []);
  } finally {
    await course.end();
  }
  const malformed = {
    ...claimsFor(tenant.id),
    app_metadata: { tenant_id: 'not-a-uuid', roles: ['super_admin'] },
  };
  assert.deepEqual(await withTenant(sql, malformed, find), []);
  assert.deepEqual(await sql.begin((tx) => tx`set local role authenticated`.then(() => find(tx))), []);
});

test('search pages through results newest first with a cursor', async () => {
  const tenant = await createTestTenant(admin);
  const token = await auth.tokenFor(tenant.id, ['tenant_admin']);
  const word = marker();
  const base = Date.now() - 60_000;
  const lines = Array.from({ length: 5 }, (_, i) =>
    logLine({
      tenantId: tenant.id,
      message: `page ${word} ${i}`,
      timestamp: new Date(base + i * 1000).toISOString(),
    }),
  );
  assert.equal((await post(token, { lines })).statusCode, 200);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const query: Record<string, string> = { q: word, limit: '2', ...(cursor ? { cursor } : {}) };
    const page = (await search(token, query)).json();
    assert.ok(page.lines.length <= 2);
    seen.push(...page.lines.map((line: { message: string }) => line.message.split(' ')[2]));
    cursor = page.nextCursor;
  } while (cursor);
  assert.deepEqual(seen, ['4', '3', '2', '1', '0']);
  assert.equal((await search(token, { q: word, cursor: 'bogus' })).statusCode, 400);
});

test('malformed, oversized and wrong-tenant batches are refused and nothing of them is stored', async () => {
  const tenant = await createTestTenant(admin);
  const elsewhere = await createTestTenant(admin);
  const token = await auth.tokenFor(tenant.id, ['tenant_admin']);
  const word = marker();
  const good = () => logLine({ tenantId: tenant.id, message: `refused ${word}` });

  const badLevel = await post(token, { lines: [good(), { ...good(), level: 'loud' }] });
  assert.equal(badLevel.statusCode, 400);
  assert.match(badLevel.headers['content-type'] as string, /problem\+json/);
  assert.match(badLevel.json().field, /lines\.1\.level/);
  const badTime = await post(token, { lines: [good(), { ...good(), timestamp: 'yesterday' }] });
  assert.equal(badTime.statusCode, 400);
  assert.equal(badTime.json().line, 1);
  const ancient = await post(token, { lines: [good(), { ...good(), timestamp: '2001-01-01T00:00:00Z' }] });
  assert.equal(ancient.statusCode, 400);
  const notJson = await app.inject({
    method: 'POST',
    url: '/logs/batch',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: '{"lines": [',
  });
  assert.equal(notJson.statusCode, 400);

  const tooMany = await post(token, { lines: Array.from({ length: 1001 }, good) });
  assert.equal(tooMany.statusCode, 413);
  assert.equal(tooMany.json().status, 413);
  const tooBig = await post(token, { lines: [good(), { ...good(), message: 'x'.repeat(1024 * 1024) }] });
  assert.equal(tooBig.statusCode, 413);

  const foreign = await post(token, { lines: [good(), { ...good(), tenantId: elsewhere.id }] });
  assert.equal(foreign.statusCode, 403);
  assert.match(foreign.json().detail, /line 1 belongs to another tenant/);
  assert.match(
    (await app.inject('/metrics')).body,
    /security_events_total\{service="logging-service",kind="cross_tenant_denied"\} [1-9]/,
    'cross-tenant denials feed the security alert',
  );
  const platformLine = await post(token, { lines: [good(), { ...good(), tenantId: null }] });
  assert.equal(platformLine.statusCode, 403, 'a tenant may not write platform lines');

  const anonymous = await post(undefined, { lines: [good()] });
  assert.equal(anonymous.statusCode, 401);
  const forged = await post(`${token.slice(0, -4)}AAAA`, { lines: [good()] });
  assert.equal(forged.statusCode, 401);

  assert.equal(await storedWith(word), 0, 'no refused batch left a line behind');
  assert.equal((await post(token, { lines: [good(), good()] })).statusCode, 200);
  assert.equal(await storedWith(word), 2);
});

test('the log line schema of packages/logging sets the limits over HTTP and on the logs topic', async () => {
  const tenant = await createTestTenant(admin);
  const token = await auth.tokenFor(tenant.id, ['tenant_admin']);
  const tags = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);
  const line = (overrides: Record<string, unknown>) => logLine({ tenantId: tenant.id, ...overrides });
  assert.equal((await post(token, { lines: [line({ tags: tags(LOG_LINE_LIMITS.tags) })] })).statusCode, 200);
  const tooManyTags = await post(token, { lines: [line({ tags: tags(LOG_LINE_LIMITS.tags + 1) })] });
  assert.equal(tooManyTags.statusCode, 400);
  assert.match(tooManyTags.json().field, /lines\.0\.tags/);
  const tooLong = await post(token, {
    lines: [line({ message: 'x'.repeat(LOG_LINE_LIMITS.messageChars + 1) })],
  });
  assert.equal(tooLong.statusCode, 400, 'the HTTP route refuses what the edge function refuses');

  // Lines from the logs topic are checked with the same schema; a server's over-long message is
  // cut to the limit rather than lost.
  const now = new Date();
  const oldest = new Date(now.getTime() - 86_400_000);
  const cut = toLogRecord(line({ message: 'y'.repeat(LOG_LINE_LIMITS.messageChars * 2) }), 0, now, oldest);
  assert.equal(cut.message.length, LOG_LINE_LIMITS.messageChars);
  assert.throws(
    () => toLogRecord(line({ tags: tags(LOG_LINE_LIMITS.tags + 1) }), 3, now, oldest),
    (error: unknown) => error instanceof InvalidLogLine && error.field === 'tags' && error.index === 3,
  );
  assert.throws(
    () => toLogRecord({ ...line({}), surprise: true }, 0, now, oldest),
    (error: unknown) => error instanceof InvalidLogLine && error.field === 'surprise',
  );
});

test('retention drops partitions past the longest retention and deletes lines per tenant and level', async () => {
  const keeper = await createTestTenant(admin);
  const other = await createTestTenant(admin);
  const day = 86_400_000;
  const now = new Date();
  const oldDay = new Date(now.getTime() - 200 * day).toISOString().slice(0, 10);
  await admin`select logging.ensure_day_partitions(${oldDay}::date, ${oldDay}::date)`;
  const word = marker();
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * day);
  const insert = (tenantId: string, level: string, daysAgo: number, message: string) =>
    admin`
    select logging.ensure_day_partitions(${at(daysAgo).toISOString().slice(0, 10)}::date, ${at(daysAgo).toISOString().slice(0, 10)}::date);
    `.then(
      () => admin`
    insert into logging.log_entries (ts, level, severity, service, tenant_id, message, environment)
    values (${at(daysAgo)}, ${level}, ${{ info: 30, warn: 40, debug: 20 }[level]!}, 'test', ${tenantId}, ${`${message} ${word}`}, 'test')`,
    );
  await insert(keeper.id, 'info', 200, 'ancient');
  await insert(keeper.id, 'info', 40, 'kept-by-tenant-policy');
  await insert(other.id, 'info', 40, 'expired-info');
  await insert(other.id, 'warn', 40, 'kept-warn');
  await insert(other.id, 'debug', 10, 'expired-debug');
  await insert(other.id, 'info', 1, 'fresh');
  const keeperAdmin = await auth.tokenFor(keeper.id, ['tenant_admin']);
  const set = await app.inject({
    method: 'PUT',
    url: '/retention-policies',
    headers: { authorization: `Bearer ${keeperAdmin}` },
    payload: { tenantId: keeper.id, level: 'info', retainDays: 60 },
  });
  assert.equal(set.statusCode, 200, set.body);
  const forOther = await app.inject({
    method: 'PUT',
    url: '/retention-policies',
    headers: { authorization: `Bearer ${keeperAdmin}` },
    payload: { tenantId: other.id, level: 'info', retainDays: 1 },
  });
  assert.equal(forOther.statusCode, 403);

  const result = await applyRetention(sql, captured.logger, now);
  assert.ok(
    result.droppedPartitions.includes(`log_entries_${oldDay.replaceAll('-', '')}`),
    JSON.stringify(result),
  );
  const left = await admin<{ message: string }[]>`
    select message from logging.log_entries where search @@ to_tsquery('simple', ${word}) order by message`;
  assert.deepEqual(
    left.map((row) => row.message.split(' ')[0]),
    ['fresh', 'kept-by-tenant-policy', 'kept-warn'],
  );
});

test('an Elasticsearch/OpenSearch sink receives each stored batch as _bulk NDJSON; its failure loses nothing', async () => {
  const requests: { url: string; body: string; type: string }[] = [];
  let failing = false;
  const fake = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      requests.push({ url: request.url ?? '', body, type: String(request.headers['content-type']) });
      response.writeHead(failing ? 503 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ errors: false, items: [] }));
    });
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  const { port } = fake.address() as { port: number };
  const sink = createElasticsearchSink({ url: `http://127.0.0.1:${port}`, indexPrefix: 'eduspry-logs' });
  const withSink = await buildApp({
    sql,
    logger: captured.logger,
    tokenVerifier: auth.verifier,
    sinks: [sink],
  });
  try {
    const tenant = await createTestTenant(admin);
    const token = await auth.tokenFor(tenant.id, ['tenant_admin']);
    const word = marker();
    const line = logLine({
      tenantId: tenant.id,
      message: `mirrored ${word}`,
      timestamp: '2026-11-25T01:02:03.000Z',
    });
    const ok = await withSink.app.inject({
      method: 'POST',
      url: '/logs/batch',
      headers: { authorization: `Bearer ${token}` },
      payload: { lines: [line] },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(requests[0]?.url, '/_bulk');
    assert.equal(requests[0]?.type, 'application/x-ndjson');
    const [action, document] = requests[0]!.body
      .trim()
      .split('\n')
      .map((part) => JSON.parse(part));
    assert.deepEqual(action, { create: { _index: 'eduspry-logs-2026.11.25' } });
    assert.equal(document['@timestamp'], '2026-11-25T01:02:03.000Z');
    assert.equal(document.tenantId, tenant.id);
    failing = true;
    const stillStored = await withSink.app.inject({
      method: 'POST',
      url: '/logs/batch',
      headers: { authorization: `Bearer ${token}` },
      payload: { lines: [{ ...line, message: `second ${word}` }] },
    });
    assert.equal(stillStored.statusCode, 200);
    assert.equal(await storedWith(word), 2);
    const metrics = (await withSink.app.inject('/metrics')).body;
    assert.match(metrics, /logging_sink_failures_total\{sink="elasticsearch"\} 1/);
    assert.match(metrics, /logging_lines_ingested_total\{transport="http"\} \d+/);
  } finally {
    await withSink.app.close();
    await new Promise((resolve) => fake.close(resolve));
  }
});

test('lines shipped on the logs topic are stored, invalid ones skipped', {
  skip: !process.env.KAFKA_BROKERS && 'KAFKA_BROKERS not set',
}, async () => {
  const { Producer, stringSerializers } = await import('@platformatic/kafka');
  const { consumeLogsTopic } = await import('../src/consumers/logs-topic.ts');
  const { createIngestor } = await import('../src/domain/ingest.ts');
  const { kafkaConnection } = await import('@eduspry/event-bus');
  const connection = kafkaConnection()!;
  const topic = `logs-test-${randomUUID().slice(0, 8)}`;
  const tenant = await createTestTenant(admin);
  const word = marker();
  const consumer = await consumeLogsTopic({
    connection,
    topic,
    group: `logging-test-${randomUUID().slice(0, 8)}`,
    ingestor: createIngestor({ sql, log: captured.logger }),
    logger: captured.logger,
    flushMs: 100,
  });
  const producer = new Producer({
    clientId: 'logs-test',
    bootstrapBrokers: connection.bootstrapBrokers,
    serializers: stringSerializers,
  });
  try {
    await producer.send({
      messages: [
        { topic, value: JSON.stringify(logLine({ tenantId: tenant.id, message: `shipped ${word} one` })) },
        { topic, value: 'not json at all' },
        { topic, value: JSON.stringify(logLine({ tenantId: tenant.id, message: `shipped ${word} two` })) },
      ],
    });
    const deadline = Date.now() + 20_000;
    while ((await storedWith(word)) < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    assert.equal(await storedWith(word), 2);
  } finally {
    await producer.close();
    await consumer.stop();
  }
});

// Last in this file (node:test runs a file's tests in order): every line written above is checked.
test('every line the logging-service wrote during this suite has the guide shape', () => {
  assert.ok(captured.lines.length > 10, 'the suite made the service log');
  for (const line of captured.lines) assert.deepEqual(logLineProblems(line), [], JSON.stringify(line));
  for (const raw of captured.raw) assert.doesNotMatch(raw, /eyJ[\w-]{10,}\.[\w-]+\./, 'no token in any line');
  assert.ok(
    captured.lines.some((line) => (line as { tenantId: string | null }).tenantId !== null),
    'request lines carry the tenant of the verified token',
  );
});
