import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { createLogger, type LogLine, logLineProblems } from '@eduspry/logging';
import { createServiceApp } from '../src/index.ts';
import { adminDb } from '../src/testing.ts';

const sql = adminDb();
after(() => sql.end());

function capturedLogger() {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { logger: createLogger({ service: 'example-service', environment: 'test', destination }), lines };
}

async function exampleApp() {
  const { logger, lines } = capturedLogger();
  const app = await createServiceApp({ name: 'example-service', logger });
  app.get('/courses/:id', async (request) => {
    request.log.info({ courseId: (request.params as { id: string }).id }, 'looking up course');
    const [row] = await sql`select 1 as one`;
    return { id: (request.params as { id: string }).id, one: row!.one };
  });
  app.get('/fail', async () => {
    throw new Error('exploded');
  });
  return { app, lines };
}

test('/metrics reports request rate, latency and errors by route template, DB time and process metrics', async () => {
  const { app } = await exampleApp();
  for (const id of ['a', 'b', 'c']) assert.equal((await app.inject(`/courses/${id}`)).statusCode, 200);
  assert.equal((await app.inject('/fail')).statusCode, 500);
  const response = await app.inject('/metrics');
  assert.equal(response.statusCode, 200);
  assert.match(response.headers['content-type'] as string, /^text\/plain/);
  const text = response.body;
  assert.match(
    text,
    /http_requests_total\{service="example-service",method="GET",route="\/courses\/:id",status_code="200"\} 3/,
  );
  assert.match(
    text,
    /http_request_duration_seconds_bucket\{le="0.005",service="example-service",method="GET",route="\/courses\/:id"/,
  );
  assert.match(
    text,
    /http_request_errors_total\{service="example-service",method="GET",route="\/fail",status_code="500"\} 1/,
  );
  assert.match(
    text,
    /db_query_duration_seconds_count\{service="eduspry-test-admin",operation="select",outcome="ok"\} [1-9]/,
  );
  assert.match(text, /process_cpu_user_seconds_total/);
  assert.match(text, /nodejs_eventloop_lag_seconds/);
  assert.doesNotMatch(text, /route="\/courses\/a"/);
});

test('lines logged while serving a request carry its trace id and request id, in the guide shape', async () => {
  const { app, lines } = await exampleApp();
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const response = await app.inject({
    url: '/courses/x1',
    headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-request-id': 'req-42' },
  });
  assert.equal(response.statusCode, 200);
  await app.inject('/courses/x2');
  for (const line of lines) assert.deepEqual(logLineProblems(line), [], JSON.stringify(line));
  const lookups = lines.filter((line) => line.message === 'looking up course');
  assert.equal(lookups.length, 2);
  assert.equal(lookups[0]!.traceId, traceId);
  assert.equal(lookups[0]!.context.requestId, 'req-42');
  assert.equal(lookups[0]!.context.courseId, 'x1');
  assert.match(lookups[1]!.traceId ?? '', /^[0-9a-f]{32}$/);
  assert.notEqual(lookups[1]!.traceId, traceId);
  const completed = lines.find((line) => line.message === 'GET /courses/:id 200');
  assert.ok(completed, 'one line per answered request');
  assert.equal(completed.component, 'http');
  assert.equal(completed.traceId, traceId);
  assert.equal(typeof completed.metrics.durationMs, 'number');
});
