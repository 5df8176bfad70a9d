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
