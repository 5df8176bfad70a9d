// Rate limits kept in Redis, as with REDIS_URL in production: several auth-service instances
// then share one budget per client. The shared-budget test needs a real Redis and runs when
// REDIS_URL is set (CI sets it for the pass against this machine's services).
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { once } from 'node:events';
import { test } from 'node:test';
import { createRateLimitRedis } from '@eduspry/common';
import { createWorld, type Harness, PASSWORD, startAuth } from './helpers.ts';

const REDIS_URL = process.env.REDIS_URL;
const signIn = (tenant: string, email: string, remoteAddress: string) => ({
  method: 'POST' as const,
  url: '/token?grant_type=password',
  payload: { tenant, email, password: PASSWORD },
  remoteAddress,
});
// Counters live for a minute in a shared Redis: a fresh address keeps runs apart.
const freshAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

test('two instances share one per-IP budget through Redis', {
  skip: REDIS_URL ? false : 'REDIS_URL not set',
}, async () => {
  const [redisOne, redisTwo] = [createRateLimitRedis(REDIS_URL)!, createRateLimitRedis(REDIS_URL)!];
  const instances: Harness[] = [];
  try {
    // Until connected, the limiter lets requests through uncounted (it fails open).
    const signal = AbortSignal.timeout(5000);
    await Promise.all([once(redisOne, 'ready', { signal }), once(redisTwo, 'ready', { signal })]);
    const one = await startAuth({ AUTH_RATE_LIMIT_PER_MINUTE: '5' }, { redis: redisOne });
    instances.push(one);
    const two = await startAuth({ AUTH_RATE_LIMIT_PER_MINUTE: '5' }, { redis: redisTwo });
    instances.push(two);
    const { tenant, student } = await createWorld(one.admin);
    const address = freshAddress();
    const attempt = signIn(tenant.slug, student.email, address);
    for (let i = 0; i < 3; i++) assert.equal((await one.app.inject(attempt)).statusCode, 200);
    for (let i = 0; i < 2; i++) assert.equal((await two.app.inject(attempt)).statusCode, 200);
    assert.equal(
      (await two.app.inject(attempt)).statusCode,
      429,
      'the second instance counts the first one’s',
    );
    assert.equal((await one.app.inject(attempt)).statusCode, 429);
    const other = signIn(tenant.slug, student.email, freshAddress());
    assert.equal((await two.app.inject(other)).statusCode, 200, 'another address has its own budget');
  } finally {
    for (const instance of instances) await instance.close();
    redisOne.disconnect();
    redisTwo.disconnect();
  }
});

test('with Redis unreachable, sign-in still answers (the limiter fails open)', async () => {
  const unreachable = createRateLimitRedis('redis://127.0.0.1:1');
  unreachable!.on('error', () => {}); // connection refused, over and over: expected here
  const h = await startAuth({ AUTH_RATE_LIMIT_PER_MINUTE: '1' }, { redis: unreachable });
  try {
    const { tenant, student } = await createWorld(h.admin);
    const attempt = signIn(tenant.slug, student.email, freshAddress());
    for (let i = 0; i < 3; i++) assert.equal((await h.app.inject(attempt)).statusCode, 200);
  } finally {
    await h.close();
    unreachable!.disconnect();
  }
});
