import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Type } from 'typebox';
import { createServiceApp, HttpProblem } from '../src/index.ts';

async function exampleApp(readiness: Record<string, () => Promise<unknown>> = {}) {
  const app = await createServiceApp({ name: 'example-service', readiness, bodyLimit: 1024 });
  app.post(
    '/things',
    {
      schema: {
        body: Type.Object({ name: Type.String({ minLength: 1 }), count: Type.Integer({ minimum: 0 }) }),
        response: { 201: Type.Object({ name: Type.String(), count: Type.Integer() }) },
      },
    },
    async (request, reply) => reply.status(201).send(request.body),
  );
  app.get('/teapot', async () => {
    throw new HttpProblem(418, 'teapot', "I'm a teapot", 'short and stout');
  });
  app.get('/boom', async () => {
    throw new Error('database password is hunter2');
  });
  return app;
}

test('/health answers while /ready reflects each dependency', async () => {
  let databaseUp = true;
  const app = await exampleApp({
    postgres: async () => {
      if (!databaseUp) throw new Error('connection refused');
    },
  });
  assert.equal((await app.inject('/health')).statusCode, 200);
  const ready = await app.inject('/ready');
  assert.equal(ready.statusCode, 200);
  assert.deepEqual(ready.json().checks, { postgres: 'ok' });
  databaseUp = false;
  const notReady = await app.inject('/ready');
  assert.equal(notReady.statusCode, 503);
  assert.match(notReady.json().checks.postgres, /connection refused/);
  assert.equal((await app.inject('/health')).statusCode, 200);
});

test('invalid bodies get 400 problem+json naming the field', async () => {
  const app = await exampleApp();
  const response = await app.inject({
    method: 'POST',
    url: '/things',
    payload: { name: 'x', count: 'many' },
  });
  assert.equal(response.statusCode, 400);
  assert.match(response.headers['content-type'] as string, /^application\/problem\+json/);
  const problem = response.json();
  assert.equal(problem.type, 'https://eduspry.dev/problems/validation');
  assert.equal(problem.field, 'body.count');
  const missing = await app.inject({ method: 'POST', url: '/things', payload: { count: 1 } });
  assert.equal(missing.json().field, 'body.name');
});

test('malformed JSON, oversized and wrong-type bodies are refused with 4xx problems', async () => {
  const app = await exampleApp();
  const malformed = await app.inject({
    method: 'POST',
    url: '/things',
    headers: { 'content-type': 'application/json' },
    payload: '{"name": ',
  });
  assert.equal(malformed.statusCode, 400);
  assert.match(malformed.headers['content-type'] as string, /problem\+json/);
  const oversized = await app.inject({
    method: 'POST',
    url: '/things',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ name: 'x'.repeat(5000), count: 1 }),
  });
  assert.equal(oversized.statusCode, 413);
  assert.equal(oversized.json().status, 413);
  const wrongType = await app.inject({
    method: 'POST',
    url: '/things',
    headers: { 'content-type': 'text/plain' },
    payload: 'hello',
  });
  assert.equal(wrongType.statusCode, 415);
});

test('domain problems keep their status and type; unexpected errors reveal nothing', async () => {
  const app = await exampleApp();
  const teapot = await app.inject('/teapot');
  assert.equal(teapot.statusCode, 418);
  assert.equal(teapot.json().type, 'https://eduspry.dev/problems/teapot');
  const boom = await app.inject('/boom');
  assert.equal(boom.statusCode, 500);
  assert.doesNotMatch(boom.body, /hunter2/);
  assert.equal(boom.json().title, 'Internal Server Error');
  const unknown = await app.inject('/nope');
  assert.equal(unknown.statusCode, 404);
  assert.match(unknown.headers['content-type'] as string, /problem\+json/);
});

test('request ids are generated or carried through', async () => {
  const app = await exampleApp();
  const generated = await app.inject('/health');
  assert.match(generated.headers['x-request-id'] as string, /^[0-9a-f-]{36}$/);
  const carried = await app.inject({ url: '/health', headers: { 'x-request-id': 'abc-123' } });
  assert.equal(carried.headers['x-request-id'], 'abc-123');
});

test('OpenAPI is served from the route schemas', async () => {
  const app = await exampleApp();
  const spec = (await app.inject('/openapi.json')).json();
  assert.equal(spec.openapi, '3.1.0');
  assert.ok(spec.paths['/things'].post.requestBody);
  const docs = await app.inject('/docs/');
  assert.equal(docs.statusCode, 200);
  assert.match(docs.body, /swagger/i);
});
