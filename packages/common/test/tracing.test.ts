// Tracing is process-global (one tracer provider), so this file starts it once for its tests.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTelemetry } from '../src/telemetry.ts';

const exporter = new InMemorySpanExporter();
const telemetry = startTelemetry('tracing-test', {
  env: {},
  extraProcessors: [new SimpleSpanProcessor(exporter)],
});
// Loaded after telemetry started, as a service's main.ts does, so node:http is instrumented.
const { createServiceApp } = await import('../src/index.ts');
const { createLogger } = await import('@eduspry/logging');
const { adminDb } = await import('../src/testing.ts');

const sql = adminDb();
after(async () => {
  await sql.end();
  await telemetry.shutdown();
});

test('one trace follows a request from one service over HTTP into another and its Postgres query', async () => {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      callback();
    },
  });
  const downstream = await createServiceApp({
    name: 'downstream-service',
    logger: createLogger({ service: 'downstream-service', destination }),
  });
  downstream.get('/answer', async (request) => {
    request.log.info('answering');
    const [row] = await sql`select 42 as answer`;
    return { answer: row!.answer };
  });
  const downstreamUrl = await downstream.listen({ host: '127.0.0.1', port: 0 });
  const upstream = await createServiceApp({ name: 'upstream-service' });
  upstream.get('/ask', async () => {
    const response = await fetch(`${downstreamUrl}/answer`, { signal: AbortSignal.timeout(5000) });
    return response.json();
  });
  const upstreamUrl = await upstream.listen({ host: '127.0.0.1', port: 0 });
  try {
    const response = await fetch(`${upstreamUrl}/ask`);
    assert.deepEqual(await response.json(), { answer: 42 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const spans = exporter.getFinishedSpans();
    const inbound = spans.find((span) => span.kind === 1 && span.attributes['url.path'] === '/ask');
    assert.ok(inbound, `no server span for /ask among ${spans.map((s) => s.name).join(', ')}`);
    const traceId = inbound.spanContext().traceId;
    const inTrace = spans.filter((span) => span.spanContext().traceId === traceId);
    const downstreamServer = inTrace.find(
      (span) => span.kind === 1 && span.attributes['url.path'] === '/answer',
    );
    const outbound = inTrace.find((span) => span.kind === 2 && /GET/.test(span.name));
    const query = inTrace.find((span) => span.name === 'postgres select');
    assert.ok(outbound, 'the fetch to the other service is a client span of the same trace');
    assert.ok(downstreamServer, 'the other service continued the trace from the traceparent header');
    assert.equal(downstreamServer.parentSpanContext?.spanId, outbound.spanContext().spanId);
    assert.ok(query, 'the Postgres query is a span of the same trace');
    assert.equal(query.parentSpanContext?.spanId, downstreamServer.spanContext().spanId);
    assert.equal(query.attributes['db.query.text'], 'select 42 as answer');
    const answering = lines.find((line) => line.message === 'answering');
    assert.equal(answering?.traceId, traceId, 'log lines carry the trace id of the active span');
    assert.equal(answering?.spanId, downstreamServer.spanContext().spanId);
  } finally {
    await upstream.close();
    await downstream.close();
  }
});

test("a gRPC call continues the caller's trace on the server", async () => {
  const grpc = await import('@grpc/grpc-js');
  const { SpanKind, trace } = await import('@opentelemetry/api');
  const identity = (value: Buffer) => value;
  const definition = {
    ping: {
      path: '/eduspry.test.Echo/Ping',
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  } satisfies import('@grpc/grpc-js').ServiceDefinition;
  let serverTraceId: string | undefined;
  const server = new grpc.Server();
  server.addService(definition, {
    ping: (call: { request: Buffer }, callback: (error: null, value: Buffer) => void) => {
      serverTraceId = trace.getActiveSpan()?.spanContext().traceId;
      callback(null, call.request);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  const Client = grpc.makeGenericClientConstructor(definition, 'Echo');
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as {
    ping(request: Buffer, callback: (error: Error | null, value: Buffer) => void): void;
    close(): void;
  };
  const tracer = trace.getTracer('tracing-test');
  try {
    const callerTraceId = await tracer.startActiveSpan('caller', async (span) => {
      const reply = await new Promise<Buffer>((resolve, reject) =>
        client.ping(Buffer.from('hi'), (error, value) => (error ? reject(error) : resolve(value))),
      );
      assert.equal(reply.toString(), 'hi');
      span.end();
      return span.spanContext().traceId;
    });
    assert.equal(serverTraceId, callerTraceId, "the server handler ran in the caller's trace");
    const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === callerTraceId);
    assert.ok(
      spans.some((span) => span.kind === SpanKind.SERVER && /Ping/.test(span.name)),
      'a gRPC server span',
    );
    assert.ok(
      spans.some((span) => span.kind === SpanKind.CLIENT && /Ping/.test(span.name)),
      'a gRPC client span',
    );
  } finally {
    client.close();
    server.forceShutdown();
  }
});
