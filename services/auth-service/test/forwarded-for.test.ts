import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearer, createWorld, PASSWORD, startAuth } from './helpers.ts';

async function sessionIpAfterSignIn(
  remoteAddress: string,
  forwardedFor: string,
  env: Record<string, string> = {},
): Promise<string | null> {
  const h = await startAuth(env);
  try {
    const world = await createWorld(h.admin);
    const signIn = await h.app.inject({
      method: 'POST',
      url: '/token?grant_type=password',
      remoteAddress,
      headers: { 'x-forwarded-for': forwardedFor },
      payload: { tenant: world.tenant.slug, email: world.student.email, password: PASSWORD },
    });
    assert.equal(signIn.statusCode, 200, signIn.body);
    const sessions = await h.app.inject({ url: '/sessions', headers: bearer(signIn.json().access_token) });
    return sessions.json().items.find((session: { current: boolean }) => session.current).ip;
  } finally {
    await h.close();
  }
}

test('X-Forwarded-For from a peer that is not a configured proxy is ignored', async () => {
  assert.equal(await sessionIpAfterSignIn('198.51.100.9', '203.0.113.77'), '198.51.100.9');
});

test('X-Forwarded-For is believed from the configured proxies only (loopback by default: the gateway)', async () => {
  assert.equal(await sessionIpAfterSignIn('127.0.0.1', '203.0.113.77'), '203.0.113.77');
  assert.equal(
    await sessionIpAfterSignIn('127.0.0.1', '203.0.113.77', { AUTH_TRUSTED_PROXIES: '10.0.0.0/8' }),
    '127.0.0.1',
  );
  assert.equal(
    await sessionIpAfterSignIn('10.0.0.5', '203.0.113.77', { AUTH_TRUSTED_PROXIES: '10.0.0.0/8' }),
    '203.0.113.77',
  );
});
