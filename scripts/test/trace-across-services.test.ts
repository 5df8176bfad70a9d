// One trace follows a request through two service processes: HTTP into `front`, an HTTP call
// from `front` to `back`, and an event from `front`'s outbox through the bus to `back`'s
// consumer. Both export spans over OTLP (http/json) to a receiver this test runs.
import assert from 'node:assert/strict';
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, test } from 'node:test';

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

const FIXTURE = new URL('./fixtures/traced-service.ts', import.meta.url).pathname;
const children: ChildProcess[] = [];
const servers: Server[] = [];
after(stopAll);

/** Each test stops its processes when it ends, so no relay of one test outlives it into the next. */
async function stopAll(): Promise<void> {
  await Promise.all(
    children.splice(0).map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  for (const server of servers.splice(0)) server.close();
}

/** An OTLP/HTTP JSON receiver: what a collector or Jaeger would get. */
async function startOtlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[] }> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const payload = JSON.parse(body) as {
          resourceSpans: {
            resource: { attributes: { key: string; value: { stringValue?: string } }[] };
            scopeSpans: {
              spans: (Omit<ReceivedSpan, 'service' | 'attributes'> & {
                attributes?: { key: string; value: Record<string, unknown> }[];
              })[];
            }[];
          }[];
        };
        for (const resource of payload.resourceSpans) {
          const service =
            resource.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const scope of resource.scopeSpans)
            for (const span of scope.spans)
              spans.push({
                ...span,
                service,
                attributes: Object.fromEntries(
                  (span.attributes ?? []).map((a) => [a.key, Object.values(a.value)[0]]),
                ),
              });
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, spans };
}

function startService(
  role: 'front' | 'back',
  args: string[],
  env: NodeJS.ProcessEnv,
  onMessage?: (message: Record<string, unknown>) => void,
): Promise<string> {
  const child = fork(FIXTURE, [role, ...args], {
    env: { ...env, OTEL_SERVICE_NAME: `trace-${role}` },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.on('message', (message: Record<string, unknown>) => {
      if (typeof message.port === 'number') resolve(`http://127.0.0.1:${message.port}`);
      else onMessage?.(message);
    });
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code} before listening`)));
  });
}

async function until<T>(what: string, check: () => T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function oneTraceAcrossServices(kafkaBrokers: string | undefined) {
  try {
    await traceAcrossServices(kafkaBrokers);
  } finally {
    await stopAll();
  }
}

async function traceAcrossServices(kafkaBrokers: string | undefined) {
  const receiver = await startOtlpReceiver();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BROKERS: kafkaBrokers ?? '',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  const handled: { handled: string; traceId: string }[] = [];
  const backUrl = await startService(
    'back',
    ['-', `trace-test-${randomUUID().slice(0, 8)}`],
    env,
    (message) => handled.push(message as { handled: string; traceId: string }),
  );
  const frontUrl = await startService('front', [backUrl], env);

  const courseId = randomUUID();
  const response = await fetch(`${frontUrl}/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ courseId, userId: randomUUID(), tenantId: randomUUID() }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  assert.deepEqual(((await response.json()) as { back: unknown }).back, { pong: true });

  const delivered = await until('the event to reach the consumer', () =>
    handled.find((m) => m.handled === courseId),
  );
  const spansOf = (traceId: string) => receiver.spans.filter((span) => span.traceId === traceId);
  const inbound = await until('the front server span', () =>
    receiver.spans.find(
      (s) => s.service === 'trace-front' && s.kind === 2 && s.attributes['url.path'] === '/enrol',
    ),
  );
  const traceId = inbound.traceId;
  const consumer = await until('the consumer span', () =>
    spansOf(traceId).find(
      (s) => s.service === 'trace-back' && s.name === 'process course.management.enrollment_changed',
    ),
  );
  const backServer = await until('the back server span', () =>
    spansOf(traceId).find(
      (s) => s.service === 'trace-back' && s.kind === 2 && s.attributes['url.path'] === '/ping',
    ),
  );
  const outbound = spansOf(traceId).find(
    (s) => s.service === 'trace-front' && s.kind === 3 && s.attributes['http.request.method'] === 'GET',
  );
  assert.ok(outbound, 'the HTTP call to back is a client span of the same trace');
  assert.equal(
    backServer.parentSpanId,
    outbound.spanId,
    'back continued the trace from the traceparent header',
  );
  assert.equal(delivered.traceId, traceId, 'the consumer ran inside the request trace');
  assert.equal(consumer.traceId, traceId);
  assert.equal(consumer.kind, 5, 'a CONSUMER span');
  assert.ok(
    spansOf(traceId).some((s) => s.service === 'trace-front' && s.name.startsWith('postgres')),
    'the outbox insert is a Postgres span of the same trace',
  );
}

test("one trace links HTTP into a service, its HTTP call to another, and an event to the other's consumer (Postgres event log)", async () => {
  await oneTraceAcrossServices(undefined);
});

test('one trace links an HTTP call and a Kafka event across two services', {
  skip: !process.env.KAFKA_BROKERS && 'KAFKA_BROKERS not set',
}, async () => {
  await oneTraceAcrossServices(process.env.KAFKA_BROKERS);
});
