import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { type Platform, startPlatform } from './helpers.ts';

/** One request with the path exactly as written: no client-side normalisation of dots or escapes. */
function raw(
  base: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; body: string; upstreamCalls: number }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method: 'GET', headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          type: String(response.headers['content-type'] ?? ''),
          body,
          upstreamCalls: Number(response.headers['x-upstream-calls'] ?? 0),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the REST pass-through cannot be walked around', () => {
  let p: Platform;
  let base: string;
  before(async () => {
    // The breaker as shipped (defaults), so the test shows what an attacker meets.
    p = await startPlatform({ GATEWAY_BREAKER_MIN_CALLS: '20', GATEWAY_BREAKER_HALF_OPEN_MS: '10000' });
    base = await p.gateway.listen({ host: '127.0.0.1', port: 0 });
  });
  after(() => p.close());

  const TRICKS = [
    '/api/course-service/metrics',
    '/api/course-service/%6detrics',
    '/api/course-service/metric%73',
    '/api/course-service/./metrics',
    '/api/course-service/x/../metrics',
    '/api/course-service/x/%2e%2e/metrics',
    '/api/course-service/.%2e/metrics',
    '/api/course-service/%2e%2e/%2e%2e/metrics',
    '/api/course-service/metrics#x',
    '/api/course-service/x%2f..%2fmetrics',
    '/api/course-service/x%5c..%5cmetrics',
    '/api/course-service/x\\..\\metrics',
    '/api/course-service//metrics',
    '/api/course-service/%68ealth',
    '/api/course-service/./health',
    '/api/course-service/rea%64y',
    '/api/course-service/x/../ready',
    '/api/course-service/metrics/',
    '/api/course%2Dservice/metrics',
    '/api/auth%2Dservice/.well-known/jwks.json',
    '/api/%61uth-service/.well-known/jwks.json',
    '/api/AUTH-SERVICE/.well-known/jwks.json',
    '/api/no-such-service/x',
    '/api/%2e%2e/course-service/metrics',
    '/api/course-service/%E0%A4%A',
  ];

  test('every encoded, dotted or unknown path answers 400/404 problem+json and reaches no upstream', async () => {
    const student = await p.user(await p.tenant());
    const variants: Record<string, string>[] = [{}, { authorization: `Bearer ${student.token}` }];
    for (const headers of variants) {
      for (const path of TRICKS) {
        const answer = await raw(base, path, headers);
        assert.ok([400, 404].includes(answer.status), `${path} answered ${answer.status}: ${answer.body}`);
        assert.match(answer.type, /^application\/problem\+json/, path);
        assert.doesNotMatch(answer.body, /process_cpu|"status":"ok"|"ready"/, path);
        assert.equal(answer.upstreamCalls, 0, path);
      }
    }
    // The plain paths still work.
    const jwks = await raw(base, '/api/auth-service/.well-known/jwks.json');
    assert.equal(jwks.status, 200);
    const encodedSegment = await raw(base, '/api/auth-service/.well-known/jwks%2Ejson');
    assert.equal(encodedSegment.status, 200, 'an encoded ordinary character reaches the same path');
  });

  test('unknown or encoded service names never open a breaker', async () => {
    for (let i = 0; i < 40; i++) {
      const answer = await raw(base, i % 2 ? '/api/auth%2Dservice/x' : `/api/nope-${i}/x`);
      assert.equal(answer.status, 404);
    }
    const jwks = await raw(base, '/api/auth-service/.well-known/jwks.json');
    assert.equal(jwks.status, 200, jwks.body);
  });

  test("one student's hostile query never opens the course list's circuit for everyone", async () => {
    const tenant = await p.tenant();
    const student = await p.user(tenant);
    const other = await p.user(tenant);
    const headers = { authorization: `Bearer ${student.token}` };
    for (let i = 0; i < 40; i++) {
      const answer = await raw(base, '/api/course-service/courses?q=a%00b', headers);
      assert.equal(answer.status, 400, answer.body);
      assert.equal(JSON.parse(answer.body).field, 'query.q');
    }
    // Input the gateway lets through but the upstream refuses is the upstream's answer, not a failure.
    for (let i = 0; i < 40; i++) {
      const answer = await raw(base, '/api/course-service/courses?limit=banana', headers);
      assert.equal(answer.status, 400, answer.body);
    }
    const list = await raw(base, '/api/course-service/courses', { authorization: `Bearer ${other.token}` });
    assert.equal(list.status, 200, list.body);
  });

  test('X-Forwarded-For from a client is replaced by the peer address before auth-service sees it', async () => {
    const tenant = await p.tenant();
    const student = await p.user(tenant);
    const signIn = await p.gateway.inject({
      method: 'POST',
      url: '/api/auth-service/token?grant_type=password',
      headers: { 'x-forwarded-for': '203.0.113.77' },
      remoteAddress: '198.51.100.20',
      payload: { tenant: tenant.slug, email: student.email, password: 'Gateway-Test-2026' },
    });
    assert.equal(signIn.statusCode, 200, signIn.body);
    const sessions = await p.gateway.inject({
      method: 'GET',
      url: '/api/auth-service/sessions',
      headers: { authorization: `Bearer ${signIn.json().access_token}` },
    });
    const current = sessions.json().items.find((session: { current: boolean }) => session.current);
    assert.equal(current.ip, '198.51.100.20');
  });
});

describe('behind a trusted proxy', () => {
  let p: Platform;
  before(async () => {
    p = await startPlatform({ GATEWAY_TRUSTED_PROXIES: '10.0.0.0/8' });
  });
  after(() => p.close());

  test("the proxy's X-Forwarded-For is kept and the proxy's address appended", async () => {
    const tenant = await p.tenant();
    const student = await p.user(tenant);
    const signIn = await p.gateway.inject({
      method: 'POST',
      url: '/api/auth-service/token?grant_type=password',
      headers: { 'x-forwarded-for': '203.0.113.77' },
      remoteAddress: '10.1.2.3',
      payload: { tenant: tenant.slug, email: student.email, password: 'Gateway-Test-2026' },
    });
    assert.equal(signIn.statusCode, 200, signIn.body);
    const sessions = await p.gateway.inject({
      method: 'GET',
      url: '/api/auth-service/sessions',
      headers: { authorization: `Bearer ${signIn.json().access_token}` },
    });
    const current = sessions.json().items.find((session: { current: boolean }) => session.current);
    // auth-service trusts only loopback (the gateway here), so it sees the proxy's address, not the client's claim.
    assert.equal(current.ip, '10.1.2.3');
  });
});
