import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createWorld, type Harness, PASSWORD, startAuth } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await startAuth({ AUTH_RATE_LIMIT_PER_MINUTE: '5' });
});
after(() => h.close());

test('sign-in, registration and reset are rate limited per IP with 429 problem+json and Retry-After', async () => {
  const { tenant, student } = await createWorld(h.admin);
  const fromIp = (remoteAddress: string) => ({
    method: 'POST' as const,
    url: '/token?grant_type=password',
    payload: { tenant: tenant.slug, email: student.email, password: PASSWORD },
    remoteAddress,
  });
  for (let i = 0; i < 5; i++) assert.equal((await h.app.inject(fromIp('10.0.0.1'))).statusCode, 200);
  const limited = await h.app.inject(fromIp('10.0.0.1'));
  assert.equal(limited.statusCode, 429);
  assert.match(limited.headers['content-type'] as string, /problem\+json/);
  assert.equal(limited.json().type, 'https://eduspry.dev/problems/rate-limited');
  assert.ok(Number(limited.headers['retry-after']) > 0);
  assert.equal((await h.app.inject(fromIp('10.0.0.2'))).statusCode, 200, 'another IP has its own budget');

  const recover = {
    method: 'POST' as const,
    url: '/recover',
    payload: { tenant: tenant.slug, email: student.email },
  };
  for (let i = 0; i < 5; i++) await h.app.inject({ ...recover, remoteAddress: '10.0.0.3' });
  assert.equal((await h.app.inject({ ...recover, remoteAddress: '10.0.0.3' })).statusCode, 429);
  const signup = {
    method: 'POST' as const,
    url: '/signup',
    payload: { tenant: tenant.slug, email: 'x@example.test', password: 'p', display_name: 'X' },
  };
  for (let i = 0; i < 5; i++) await h.app.inject({ ...signup, remoteAddress: '10.0.0.4' });
  assert.equal((await h.app.inject({ ...signup, remoteAddress: '10.0.0.4' })).statusCode, 429);
});

test('behind a trusted proxy the forwarded client address is limited; from other peers the header is ignored', async () => {
  const { tenant, student } = await createWorld(h.admin);
  const attempt = (remoteAddress: string, forwardedFor: string) =>
    h.app.inject({
      method: 'POST',
      url: '/token?grant_type=password',
      payload: { tenant: tenant.slug, email: student.email, password: PASSWORD },
      remoteAddress,
      headers: { 'x-forwarded-for': forwardedFor },
    });
  // The gateway on loopback forwards two schools: each has its own budget.
  for (let i = 0; i < 5; i++) assert.equal((await attempt('127.0.0.1', '203.0.113.1')).statusCode, 200);
  assert.equal((await attempt('127.0.0.1', '203.0.113.1')).statusCode, 429);
  assert.equal((await attempt('127.0.0.1', '203.0.113.2')).statusCode, 200);
  // A client cannot dodge the limit by inventing X-Forwarded-For.
  for (let i = 0; i < 5; i++) await attempt('198.51.100.7', `192.0.2.${i}`);
  assert.equal((await attempt('198.51.100.7', '192.0.2.99')).statusCode, 429);
  const [audit] = await h.admin`select ip from identity.audit_events
    where tenant_id = ${tenant.id} and action = 'sign_in.succeeded' order by id limit 1`;
  assert.equal(audit?.ip, '203.0.113.1', 'the audit log names the client, not the gateway');
});

test('"no such user" takes about as long as "wrong password"', async () => {
  const { tenant, student } = await createWorld(h.admin);
  const time = async (email: string, ip: string) => {
    const started = performance.now();
    // A fresh IP per attempt keeps the per-IP limit out of the measurement.
    const response = await h.app.inject({
      method: 'POST',
      url: '/token?grant_type=password',
      payload: { tenant: tenant.slug, email, password: 'Wrong-Password-99' },
      remoteAddress: ip,
    });
    assert.equal(response.statusCode, 401);
    return performance.now() - started;
  };
  const samples = { wrong: [] as number[], missing: [] as number[] };
  for (let i = 0; i < 4; i++) {
    samples.wrong.push(await time(student.email, `10.1.0.${i}`));
    samples.missing.push(await time(`ghost${i}@example.test`, `10.2.0.${i}`));
  }
  // Four each (a fifth wrong password would lock the account). The fastest of each: load on the
  // machine only ever adds time, so minimums compare the work done; medians flaked under load.
  const ratio = Math.min(...samples.missing) / Math.min(...samples.wrong);
  // Both pay one argon2id verification (~20 ms); without the decoy hash "missing" would be ~10x faster.
  assert.ok(ratio > 0.5 && ratio < 2, `missing/wrong time ratio ${ratio.toFixed(2)}`);
});
