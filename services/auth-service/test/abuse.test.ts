import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { dbQueryDuration } from '@eduspry/common';
import { createUser, createWorld, type Harness, PASSWORD, startAuth } from './helpers.ts';

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
  const signup = {
    method: 'POST' as const,
    url: '/signup',
    payload: { tenant: tenant.slug, email: 'x@example.test', password: 'p', display_name: 'X' },
  };
  // Exactly the configured budget: the sixth request is the first one refused.
  const budget = async (request: typeof recover | typeof signup, remoteAddress: string) => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await h.app.inject({ ...request, remoteAddress })).statusCode);
    return statuses.map((status) => (status === 429 ? 'limited' : 'served'));
  };
  const exact = ['served', 'served', 'served', 'served', 'served', 'limited'];
  assert.deepEqual(await budget(recover, '10.0.0.3'), exact, 'password reset');
  assert.deepEqual(await budget(signup, '10.0.0.4'), exact, 'registration');
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
  for (let i = 0; i < 5; i++) assert.equal((await attempt('198.51.100.7', `192.0.2.${i}`)).statusCode, 200);
  assert.equal((await attempt('198.51.100.7', '192.0.2.99')).statusCode, 429);
  const [audit] = await h.admin`select ip from identity.audit_events
    where tenant_id = ${tenant.id} and action = 'sign_in.succeeded' order by id limit 1`;
  assert.equal(audit?.ip, '203.0.113.1', 'the audit log names the client, not the gateway');
});

test('every sign-in failure costs the same: unknown tenant, unknown email, inactive, no password, wrong password', async () => {
  const { tenant } = await createWorld(h.admin);
  const SAMPLES = 12;
  // At most four failures per account (a fifth would lock it): four accounts of each kind, for
  // twelve timed attempts and one counted.
  const accounts = async (status: string, withPassword = true) => {
    const users = await Promise.all(
      [1, 2, 3, 4].map(() => createUser(h.admin, tenant.id, ['student'], { status })),
    );
    if (!withPassword)
      await h.admin`update identity.users set password_hash = null where id = any(${users.map((u) => u.id)})`;
    return users;
  };
  const [active, inactive, passwordless] = await Promise.all([
    accounts('active'),
    accounts('deactivated'),
    accounts('invited', false),
  ]);
  const branches: Record<string, (i: number) => { tenant: string; email: string }> = {
    'unknown tenant': (i) => ({ tenant: `no-such-district-${i}`, email: `${randomUUID()}@example.test` }),
    'unknown email': () => ({ tenant: tenant.slug, email: `${randomUUID()}@example.test` }),
    inactive: (i) => ({ tenant: tenant.slug, email: inactive[i % 4]!.email }),
    'no password': (i) => ({ tenant: tenant.slug, email: passwordless[i % 4]!.email }),
    'wrong password': (i) => ({ tenant: tenant.slug, email: active[i % 4]!.email }),
  };
  let ip = 0;
  // CPU time of this process (argon2 runs on its thread pool): what a branch costs, whatever
  // else the machine is doing. Wall time on a loaded 2-core machine measured the load instead.
  const time = async (who: { tenant: string; email: string }) => {
    const started = process.cpuUsage();
    // A fresh address per attempt keeps the per-IP limit out of the measurement.
    const response = await h.app.inject({
      method: 'POST',
      url: '/token?grant_type=password',
      payload: { ...who, password: 'Wrong-Password-99' },
      remoteAddress: `10.9.${Math.floor(ip / 250)}.${(ip++ % 250) + 1}`,
    });
    assert.equal(response.statusCode, 401, JSON.stringify(response.json()));
    assert.equal(response.json().type, 'https://eduspry.dev/problems/invalid-credentials');
    const used = process.cpuUsage(started);
    return (used.user + used.system) / 1000;
  };
  await time(branches['unknown email']!(99)); // the decoy hash is made once, before measuring
  // The same work first, counted where it cannot be fooled by load: the statements each branch
  // sends to PostgreSQL (the kit meters every query of the service's connection).
  const statementsSent = async () =>
    (await dbQueryDuration.get()).values
      .filter((v) => v.metricName?.endsWith('_count') && v.labels.service === 'eduspry-test-auth-service')
      .reduce((sum, v) => sum + v.value, 0);
  const statements: Record<string, number> = {};
  for (const [name, who] of Object.entries(branches)) {
    const before = await statementsSent();
    await time(who(SAMPLES));
    statements[name] = (await statementsSent()) - before;
  }
  assert.equal(
    new Set(Object.values(statements)).size,
    1,
    `statements per branch: ${JSON.stringify(statements)}`,
  );

  const samples: Record<string, number[]> = Object.fromEntries(
    Object.keys(branches).map((name) => [name, []]),
  );
  for (let i = 0; i < SAMPLES; i++)
    for (const [name, who] of Object.entries(branches)) samples[name]!.push(await time(who(i)));
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  const cost = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
  // Interleaved, the median of twelve each. Each branch pays one argon2id verification (~15 ms
  // of CPU here) and the same database round trips (the code does the same lookups and writes
  // for every branch); a branch that skipped the verification would cost a fifth or less.
  const reference = cost['wrong password']!;
  for (const [name, ms] of Object.entries(cost))
    assert.ok(
      ms / reference > 0.75 && ms / reference < 1.33,
      `${name} costs ${(ms / reference).toFixed(2)}× wrong password (CPU ms: ${JSON.stringify(cost)})`,
    );
});
