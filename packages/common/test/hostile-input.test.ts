import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { Type } from 'typebox';
import { createServiceApp, findUnsafeText } from '../src/index.ts';

let handlerRuns = 0;

async function exampleApp() {
  const app = await createServiceApp({ name: 'example-service' });
  app.post(
    '/things/:id',
    {
      schema: {
        params: Type.Object({ id: Type.String() }),
        querystring: Type.Object({ q: Type.Optional(Type.String()) }),
        body: Type.Object({ title: Type.String(), nested: Type.Optional(Type.Unknown()) }),
      },
    },
    async () => {
      handlerRuns++;
      return { ok: true };
    },
  );
  app.get('/search', async () => {
    handlerRuns++;
    return { ok: true };
  });
  return app;
}

const isProblem = (response: { headers: Record<string, unknown> }) =>
  /^application\/problem\+json/.test(String(response.headers['content-type']));

test('NUL and unpaired surrogates in body, query or params answer 400 naming the field, before the handler', async () => {
  const app = await exampleApp();
  handlerRuns = 0;
  const cases = [
    { url: '/things/a', payload: '{"title":"a\\u0000b"}', field: 'body.title', reason: 'nul' },
    { url: '/things/a', payload: '{"title":"\\ud800"}', field: 'body.title', reason: 'lone-surrogate' },
    { url: '/things/a', payload: '{"title":"x\\udc00y"}', field: 'body.title', reason: 'lone-surrogate' },
    {
      url: '/things/a',
      payload: '{"title":"ok","nested":{"deep":[1,{"x":"\\u0000"}]}}',
      field: 'body.nested.deep.1.x',
      reason: 'nul',
    },
    { url: '/things/a?q=a%00b', payload: '{"title":"ok"}', field: 'query.q', reason: 'nul' },
    { url: '/things/a%00b', payload: '{"title":"ok"}', field: 'params.id', reason: 'nul' },
  ];
  for (const { url, payload, field, reason } of cases) {
    const response = await app.inject({
      method: 'POST',
      url,
      payload,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(response.statusCode, 400, `${url} ${payload}`);
    assert.ok(isProblem(response));
    assert.equal(response.json().field, field);
    assert.equal(response.json().reason, reason);
  }
  const unvalidated = await app.inject('/search?q=%00');
  assert.equal(unvalidated.statusCode, 400);
  assert.equal(unvalidated.json().field, 'query.q');
  assert.equal(handlerRuns, 0, 'no handler saw unsafe text');

  const fine = await app.inject({
    method: 'POST',
    url: '/things/a?q=%F0%9F%98%80',
    payload: { title: 'emoji 😀 and ü are fine' },
  });
  assert.equal(fine.statusCode, 200);
  assert.equal(handlerRuns, 1);
});

test('the pure rule finds unsafe text and __proto__ keys anywhere, however deep', () => {
  assert.equal(findUnsafeText({ a: ['ok', '😀'] }), undefined);
  assert.deepEqual(findUnsafeText(JSON.parse('{"a":{"__proto__":{"x":1}}}')), {
    field: 'body.a.__proto__',
    reason: 'forbidden-key',
  });
  assert.deepEqual(findUnsafeText({ 'k\u0000': 1 }, 'query'), { field: 'query.k\uFFFD', reason: 'nul' });
  let deep: unknown = 'x\uD800';
  for (let depth = 0; depth < 100_000; depth++) deep = [deep];
  assert.equal(findUnsafeText(deep)?.reason, 'lone-surrogate');
});

/** A raw HTTP exchange: what Node's parser and the router answer before any hook runs. */
async function rawRequest(
  port: number,
  request: string,
): Promise<{ status: number; type: string; body: string }> {
  const text = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
    });
    socket.on('error', (error) => (data ? resolve(data) : reject(error)));
    socket.on('close', () => resolve(data));
  });
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return {
    status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]),
    type: /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? '',
    body,
  };
}

test('header overflow, overlong path parameters and malformed requests answer problem+json', async () => {
  const app = await exampleApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const { port } = app.server.address() as { port: number };
    const long = await rawRequest(port, `GET /search?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.equal(long.status, 431);
    assert.match(long.type, /application\/problem\+json/);
    assert.equal(JSON.parse(long.body).type, 'https://eduspry.dev/problems/headers-too-large');

    const param = await fetch(`http://127.0.0.1:${port}/things/${'p'.repeat(8192)}`, {
      method: 'POST',
      body: '{"title":"x"}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(param.status, 414);
    assert.match(param.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.equal(
      ((await param.json()) as { type: string }).type,
      'https://eduspry.dev/problems/uri-too-long',
    );

    const garbage = await rawRequest(port, 'GARBAGE\r\n\r\n');
    assert.equal(garbage.status, 400);
    assert.match(garbage.type, /application\/problem\+json/);

    const badUrl = await fetch(`http://127.0.0.1:${port}/things/%E0%A4%A`, { method: 'POST' });
    assert.equal(badUrl.status, 400);
    assert.match(badUrl.headers.get('content-type') ?? '', /application\/problem\+json/);
  } finally {
    await app.close();
  }
});
