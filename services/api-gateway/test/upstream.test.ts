import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { createUpstream, UpstreamUnavailable } from '../src/upstream.ts';

// A service that fails every other request with 503, and one that never answers.
let server: Server;
let base: string;
let requests = 0;
before(async () => {
  server = createServer((request, response) => {
    requests++;
    if (request.url === '/hang') return;
    if (request.url === '/down') return response.writeHead(503).end();
    if (request.url === '/client-error') return response.writeHead(500).end('{}');
    if (requests % 2 === 1) return response.writeHead(503).end();
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const upstream = (overrides = {}) =>
  createUpstream({
    name: 'flaky',
    baseUrl: base,
    timeoutMs: 300,
    attempts: 2,
    breakerFailureRatio: 0.5,
    breakerMinimumCalls: 10,
    breakerWindowMs: 10_000,
    halfOpenAfterMs: 60_000,
    ...overrides,
  });

test('a GET that failed with 503 is retried and answers', async () => {
  requests = 0;
  let attempts = 0;
  const response = await upstream().request({ method: 'GET', path: '/x' }, () => attempts++);
  assert.equal(response.status, 200);
  assert.deepEqual(response.json(), { ok: true });
  assert.equal(attempts, 2);
});

test('a POST is never retried: a 503 is reported as unavailable after one attempt', async () => {
  requests = 0;
  let attempts = 0;
  await assert.rejects(
    upstream().request({ method: 'POST', path: '/x', body: '{}' }, () => attempts++),
    (error: unknown) => error instanceof UpstreamUnavailable && error.reason === 'server-error',
  );
  assert.equal(attempts, 1);
});

test('a call that does not answer in time ends as a timeout', async () => {
  const started = performance.now();
  await assert.rejects(
    upstream({ attempts: 1 }).request({ method: 'GET', path: '/hang' }),
    (error: unknown) => error instanceof UpstreamUnavailable && error.reason === 'timeout',
  );
  assert.ok(performance.now() - started < 2000);
});

test('a 500 caused by the input is an answer: never retried, never counted against the breaker', async () => {
  const client = upstream({ breakerMinimumCalls: 2 });
  for (let i = 0; i < 20; i++) {
    let attempts = 0;
    const response = await client.request({ method: 'GET', path: '/client-error' }, () => attempts++);
    assert.equal(response.status, 500);
    assert.equal(attempts, 1);
  }
  assert.equal(client.circuitState(), 'closed');
});

test('the circuit opens only past the minimum number of calls in the window', async () => {
  const client = upstream({ attempts: 1, breakerMinimumCalls: 8 });
  const fail = () =>
    assert.rejects(
      client.request({ method: 'GET', path: '/down' }),
      (error: unknown) => error instanceof UpstreamUnavailable && error.reason === 'server-error',
    );
  for (let i = 0; i < 7; i++) await fail();
  assert.equal(client.circuitState(), 'closed', 'seven failures are below the minimum');
  await fail();
  assert.equal(client.circuitState(), 'open');
  await assert.rejects(
    client.request({ method: 'GET', path: '/down' }),
    (error: unknown) => error instanceof UpstreamUnavailable && error.reason === 'circuit-open',
  );
});
