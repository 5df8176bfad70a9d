import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createTokenVerifier, type Sql } from '@eduspry/common';
import { serviceDb } from '@eduspry/common/testing';
import { createLogger } from '@eduspry/logging';
import { createRemoteJWKSet } from 'jose';
import { buildApp as buildRealtime, type RealtimeApp } from '../../realtime-service/src/app.ts';
import { memoryBus } from '../../realtime-service/src/cluster/bus.ts';
import { type Platform, startPlatform } from './helpers.ts';

// realtime-service as its main.ts builds it (its own role, RLS, auth-service's keys), listening on
// a free port; the gateway in front of auth, course and realtime. Only its HTTP routes go through
// the pass-through: the WebSocket is opened on realtime-service itself (REALTIME_PUBLIC_URL).
let p: Platform;
let realtime: RealtimeApp;
let realtimeSql: Sql;

before(async () => {
  realtimeSql = serviceDb('realtime-service');
  // The gateway reads its upstreams at build time, so realtime-service needs a port first; its
  // verifier gets auth-service's keys once the platform has started one.
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  realtime = await buildRealtime({
    sql: realtimeSql,
    logger: createLogger({ service: 'realtime-service', level: 'silent' }),
    tokenVerifier: createTokenVerifier({
      getKey: (header, token) => keys!(header, token),
      issuer: 'http://auth.gateway-test.eduspry',
      audience: 'eduspry',
    }),
    bus: memoryBus(),
    serviceKey: 'gateway-test-realtime-key-0123456789',
  });
  const realtimeUrl = await realtime.app.listen({ host: '127.0.0.1', port: 0 });
  p = await startPlatform({ REALTIME_SERVICE_URL: realtimeUrl, GATEWAY_UPSTREAM_ATTEMPTS: '1' });
  const authPort = (p.auth.server.address() as { port: number }).port;
  keys = createRemoteJWKSet(new URL(`http://127.0.0.1:${authPort}/.well-known/jwks.json`));
});
after(async () => {
  await p?.close();
  await realtime?.close();
  await realtimeSql?.end();
});

const PRESENCE = '/api/realtime-service/settings/presence';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

test("a tenant admin's presence privacy reaches realtime-service through the gateway; its users read it back", async () => {
  const tenant = await p.tenant();
  const tenantAdmin = await p.user(tenant, ['tenant_admin']);
  const student = await p.user(tenant, ['student']);
  const outsider = await p.user(await p.tenant(), ['student']);

  const saved = await p.gateway.inject({
    method: 'PUT',
    url: PRESENCE,
    headers: bearer(tenantAdmin.token),
    payload: { coursePresence: 'staff' },
  });
  assert.equal(saved.statusCode, 200, saved.body);
  assert.deepEqual(saved.json(), { coursePresence: 'staff' });
  assert.equal(saved.headers['x-upstream-calls'], '1');

  const read = await p.gateway.inject({ url: PRESENCE, headers: bearer(student.token) });
  assert.equal(read.statusCode, 200, read.body);
  assert.deepEqual(read.json(), { coursePresence: 'staff' });
  // Another district keeps its own (the default).
  const theirs = await p.gateway.inject({ url: PRESENCE, headers: bearer(outsider.token) });
  assert.deepEqual(theirs.json(), { coursePresence: 'everyone' });

  // realtime-service decides who may change it; the gateway passes its answers on as they are.
  const refused = await p.gateway.inject({
    method: 'PUT',
    url: PRESENCE,
    headers: bearer(student.token),
    payload: { coursePresence: 'off' },
  });
  assert.equal(refused.statusCode, 403, refused.body);
  assert.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8');
  assert.equal(refused.json().type, 'https://eduspry.dev/problems/forbidden');
  const anonymous = await p.gateway.inject({ url: PRESENCE });
  assert.equal(anonymous.statusCode, 401);
  const bad = await p.gateway.inject({
    method: 'PUT',
    url: PRESENCE,
    headers: bearer(tenantAdmin.token),
    payload: { coursePresence: 'friends' },
  });
  assert.equal(bad.statusCode, 400, bad.body);
  assert.deepEqual((await p.gateway.inject({ url: PRESENCE, headers: bearer(student.token) })).json(), {
    coursePresence: 'staff',
  });
});

test('an unknown realtime-service path is a 404 problem; its operational paths and its services-only broadcast API stay hidden', async () => {
  const student = await p.user(await p.tenant(), ['student']);
  const unknown = await p.gateway.inject({
    url: '/api/realtime-service/settings/nothing-here',
    headers: bearer(student.token),
  });
  assert.equal(unknown.statusCode, 404, unknown.body);
  assert.equal(unknown.headers['content-type'], 'application/problem+json; charset=utf-8');
  assert.equal(unknown.json().type, 'https://eduspry.dev/problems/not-found');
  assert.equal(unknown.headers['x-upstream-calls'], '1', 'realtime-service answered it');

  for (const path of ['/metrics', '/ready', '/health']) {
    const hidden = await p.gateway.inject({ url: `/api/realtime-service${path}` });
    assert.equal(hidden.statusCode, 404, path);
    assert.equal(hidden.json().type, 'https://eduspry.dev/problems/not-found', path);
    assert.equal(hidden.headers['x-upstream-calls'], '0', `${path} never reaches realtime-service`);
  }
  // The broadcast API takes the services' shared key: the edge never lets anyone try one.
  for (const path of ['/api/broadcast', '/realtime/v1/api/broadcast', '/api/%62roadcast']) {
    const hidden = await p.gateway.inject({
      method: 'POST',
      url: `/api/realtime-service${path}`,
      headers: bearer('gateway-test-realtime-key-0123456789'),
      payload: { messages: [{ topic: 'room', event: 'x', payload: {}, tenant_id: randomUUID() }] },
    });
    assert.equal(hidden.statusCode, 404, path);
    assert.equal(hidden.json().type, 'https://eduspry.dev/problems/not-found', path);
    assert.equal(hidden.headers['x-upstream-calls'], '0', `${path} never reaches realtime-service`);
  }
});
