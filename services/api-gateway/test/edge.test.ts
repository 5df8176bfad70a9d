import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OPERATIONS } from '@eduspry/contracts/graphql-operations';
import { type Platform, startPlatform } from './helpers.ts';

describe('with course-service down', () => {
  let p: Platform;
  before(async () => {
    // Port 9 (discard) refuses connections: course-service is "down"; auth-service is up.
    p = await startPlatform({ COURSE_SERVICE_URL: 'http://127.0.0.1:9', GATEWAY_BREAKER_MIN_CALLS: '3' });
  });
  after(() => p.close());

  test('its part of a query is an UPSTREAM_UNAVAILABLE error and the rest still answers', async () => {
    const student = await p.user(await p.tenant());
    const answer = await p.graphql(student.token, OPERATIONS.Dashboard);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.data.me.id, student.id);
    assert.equal(answer.body.data.me.courses, null);
    assert.equal(answer.body.errors[0].extensions.code, 'UPSTREAM_UNAVAILABLE');
    assert.deepEqual(answer.body.errors[0].path, ['me', 'courses']);
  });

  test('after repeated failures the circuit opens and calls fail fast without reaching the service', async () => {
    const student = await p.user(await p.tenant());
    for (let i = 0; i < 3; i++) await p.graphql(student.token, OPERATIONS.Catalog);
    const answer = await p.graphql(student.token, OPERATIONS.Catalog);
    assert.equal(answer.body.errors[0].extensions.reason, 'circuit-open');
    assert.equal(answer.upstreamCalls, 0);
    const rest = await p.gateway.inject({
      method: 'GET',
      url: '/api/course-service/courses',
      headers: { authorization: `Bearer ${student.token}` },
    });
    assert.equal(rest.statusCode, 503);
    assert.equal(rest.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(rest.json().type, 'https://eduspry.dev/problems/upstream-unavailable');
  });
});

describe('REST pass-through and rate limits', () => {
  let p: Platform;
  before(async () => {
    p = await startPlatform({ GATEWAY_RATE_LIMIT_PER_USER: '5', GATEWAY_RATE_LIMIT_PER_IP: '8' });
  });
  after(() => p.close());

  test("each service's REST API answers under /api/<service>/, its operational endpoints do not", async () => {
    const tenant = await p.tenant();
    const teacher = await p.user(tenant, ['instructor']);
    const created = await p.gateway.inject({
      method: 'POST',
      url: '/api/course-service/courses',
      headers: { authorization: `Bearer ${teacher.token}` },
      payload: { code: 'REST-1', title: 'Through the edge' },
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().title, 'Through the edge');
    assert.equal(created.headers['x-upstream-calls'], '1');
    const anonymous = await p.gateway.inject({ method: 'GET', url: '/api/course-service/courses' });
    assert.equal(anonymous.statusCode, 401);
    const openapi = await p.gateway.inject({ method: 'GET', url: '/api/course-service/openapi.json' });
    assert.equal(openapi.json().info.title, 'course-service');
    for (const url of ['/api/course-service/metrics', '/api/no-such-service/x']) {
      const hidden = await p.gateway.inject({ method: 'GET', url });
      assert.equal(hidden.statusCode, 404, url);
    }
  });

  test('a user past their limit gets 429 problem+json with retry-after; other users are unaffected', async () => {
    const tenant = await p.tenant();
    const [busy, other] = [await p.user(tenant), await p.user(tenant)];
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const response = await p.gateway.inject({
        method: 'POST',
        url: '/graphql',
        headers: { authorization: `Bearer ${busy.token}` },
        payload: { query: OPERATIONS.Viewer },
      });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) {
        assert.equal(response.json().type, 'https://eduspry.dev/problems/rate-limited');
        assert.ok(Number(response.headers['retry-after']) > 0);
      }
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    assert.equal((await p.graphql(other.token, OPERATIONS.Viewer)).status, 200);
  });

  test('anonymous callers are limited per client address, signed-in users per user', async () => {
    const student = await p.user(await p.tenant());
    // An address no other test uses, so the budget is whole: 8 served, the ninth refused.
    const statuses = [];
    for (let i = 0; i < 9; i++)
      statuses.push(
        (
          await p.gateway.inject({
            method: 'GET',
            url: '/api/course-service/openapi.json',
            remoteAddress: '192.0.2.77',
          })
        ).statusCode,
      );
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 429]);
    assert.equal((await p.graphql(student.token, OPERATIONS.Viewer)).status, 200);
  });
});

describe('in production (allow-list of operations)', () => {
  let p: Platform;
  before(async () => {
    p = await startPlatform({ GATEWAY_GRAPHQL_OPERATIONS: 'allow-list' });
  });
  after(() => p.close());

  test("runs the apps' operations and refuses any other query", async () => {
    const student = await p.user(await p.tenant());
    const listed = await p.graphql(student.token, OPERATIONS.Viewer);
    assert.equal(listed.body.data.me.id, student.id);
    const other = await p.graphql(student.token, '{ me { id } }');
    assert.equal(other.status, 400);
    assert.equal(other.body.errors[0].extensions.code, 'OPERATION_NOT_ALLOWED');
    assert.equal(other.upstreamCalls, 0);
  });
});
