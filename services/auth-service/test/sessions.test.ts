import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import {
  bearer,
  createUser,
  createWorld,
  type Harness,
  PASSWORD,
  signIn,
  startAuth,
  tokensFor,
} from './helpers.ts';

let h: Harness;
before(async () => {
  h = await startAuth();
});
after(() => h.close());

test('signs in with a password and issues Supabase-compatible claims signed with EdDSA', async () => {
  const { tenant, student } = await createWorld(h.admin);
  const response = await signIn(h.app, tenant.slug, student.email.toUpperCase());
  assert.equal(response.statusCode, 200);
  const body = response.json();
  assert.equal(body.token_type, 'bearer');
  assert.equal(body.expires_in, 900);
  assert.equal(body.user.id, student.id);
  const header = decodeProtectedHeader(body.access_token);
  assert.equal(header.alg, 'EdDSA');
  assert.ok(header.kid);
  const claims = decodeJwt(body.access_token);
  assert.equal(claims.sub, student.id);
  assert.equal(claims.role, 'authenticated');
  assert.equal(claims.email, student.email);
  assert.equal(claims.iss, 'http://127.0.0.1:4001');
  assert.equal(claims.aud, 'eduspry');
  assert.deepEqual((claims.app_metadata as { tenant_id: string }).tenant_id, tenant.id);
  assert.deepEqual((claims.app_metadata as { roles: string[] }).roles, ['student']);
  assert.equal(typeof claims.session_id, 'string');
  const me = await h.app.inject({ url: '/user', headers: bearer(body.access_token) });
  assert.equal(me.statusCode, 200);
  assert.equal(me.json().email, student.email);
});

test('the demo seed users sign in with the documented password hash parameters', async () => {
  const { tenant } = await createWorld(h.admin);
  const email = 'seeded@example.test';
  // The exact hash the demo seed ships (argon2id m=19456,t=2,p=1 of Riverside-Demo-2026).
  await h.admin`insert into identity.users (tenant_id, email, display_name, password_hash, roles)
    values (${tenant.id}, ${email}, 'Seeded', '$argon2id$v=19$m=19456,t=2,p=1$DMTNcqfdqWPOPzP3lZ9kog$6//o9vNshND2Ejzaq8/NyHys6GDfy/+LNyobh/K71MM', '{student}')`;
  assert.equal((await signIn(h.app, tenant.slug, email, PASSWORD)).statusCode, 200);
});

test('no such user, wrong password and unknown tenant get the same answer', async () => {
  const { tenant, student } = await createWorld(h.admin);
  const wrong = await signIn(h.app, tenant.slug, student.email, 'Not-The-Password-1');
  const missing = await signIn(h.app, tenant.slug, 'nobody@example.test', 'Not-The-Password-1');
  const noTenant = await signIn(h.app, 'no-such-tenant-x', student.email, 'Not-The-Password-1');
  for (const response of [wrong, missing, noTenant]) {
    assert.equal(response.statusCode, 401);
    assert.match(response.headers['content-type'] as string, /problem\+json/);
  }
  const strip = (body: { instance?: string }) => ({ ...body, instance: undefined });
  assert.deepEqual(strip(wrong.json()), strip(missing.json()));
  assert.deepEqual(strip(wrong.json()), strip(noTenant.json()));
  assert.equal(wrong.json().error, 'invalid_grant');
});

/** POST /token?grant_type=refresh_token with `token`. */
const refresh = (token: string) =>
  h.app.inject({ method: 'POST', url: '/token?grant_type=refresh_token', payload: { refresh_token: token } });

test('refresh tokens rotate on every use', async () => {
  const { tenant, student } = await createWorld(h.admin);
  const first = await tokensFor(h.app, tenant.slug, student.email);
  const refreshed = await refresh(first.refresh_token);
  assert.equal(refreshed.statusCode, 200);
  const second = refreshed.json();
  assert.notEqual(second.refresh_token, first.refresh_token);
  assert.equal(decodeJwt(second.access_token).session_id, decodeJwt(first.access_token).session_id);
  const again = await refresh(second.refresh_token);
  assert.equal(again.statusCode, 200);
});

test('replaying a used refresh token revokes the whole session family', async () => {
  const { tenant, student } = await createWorld(h.admin);
  const first = await tokensFor(h.app, tenant.slug, student.email);
  const second = (await refresh(first.refresh_token)).json();
  // Past the reuse interval (10 s by default), a second use is a replay.
  await h.admin`update identity.refresh_tokens set used_at = used_at - interval '11 seconds'
    where session_id = ${decodeJwt(first.access_token).session_id as string} and used_at is not null`;
  const replay = await refresh(first.refresh_token);
  assert.equal(replay.statusCode, 401);
  assert.equal(replay.json().type, 'https://eduspry.dev/problems/invalid-refresh-token');
  // The legitimate holder's newer token dies with the family.
  assert.equal((await refresh(second.refresh_token)).statusCode, 401);
  const sessions = await h.app.inject({ url: '/sessions', headers: bearer(second.access_token) });
  assert.equal(sessions.json().items.length, 0);
  const [audit] = await h.admin`select action from identity.audit_events
    where tenant_id = ${tenant.id} and action = 'refresh_token.reused'`;
  assert.ok(audit);
});

test('two tabs refreshing with the same token at once both stay signed in', async () => {
  const { tenant, student } = await createWorld(h.admin);
  const first = await tokensFor(h.app, tenant.slug, student.email);
  const [one, two] = await Promise.all([refresh(first.refresh_token), refresh(first.refresh_token)]);
  assert.deepEqual([one.statusCode, two.statusCode], [200, 200]);
  assert.notEqual(one.json().refresh_token, two.json().refresh_token);
  const session = decodeJwt(first.access_token).session_id;
  assert.equal(decodeJwt(one.json().access_token).session_id, session);
  assert.equal(decodeJwt(two.json().access_token).session_id, session);
  // Each tab goes on with its own token; nothing was revoked or audited as a replay.
  assert.equal((await refresh(one.json().refresh_token)).statusCode, 200);
  assert.equal((await refresh(two.json().refresh_token)).statusCode, 200);
  const [replays] = await h.admin<
    { count: number }[]
  >`select count(*)::int as count from identity.audit_events
    where tenant_id = ${tenant.id} and action = 'refresh_token.reused'`;
  assert.equal(replays!.count, 0);
});

test('lists sessions, ends one, signs out here and everywhere', async () => {
  const { tenant, student } = await createWorld(h.admin);
  const phone = await tokensFor(h.app, tenant.slug, student.email);
  const laptop = await tokensFor(h.app, tenant.slug, student.email);
  const tablet = await tokensFor(h.app, tenant.slug, student.email);
  const list = await h.app.inject({ url: '/sessions', headers: bearer(laptop.access_token) });
  assert.equal(list.json().items.length, 3);
  assert.equal(list.json().items.filter((s: { current: boolean }) => s.current).length, 1);

  const tabletSession = decodeJwt(tablet.access_token).session_id as string;
  const ended = await h.app.inject({
    method: 'DELETE',
    url: `/sessions/${tabletSession}`,
    headers: bearer(laptop.access_token),
  });
  assert.equal(ended.statusCode, 204);
  assert.equal((await refresh(tablet.refresh_token)).statusCode, 401);

  const local = await h.app.inject({ method: 'POST', url: '/logout', headers: bearer(phone.access_token) });
  assert.equal(local.statusCode, 204);
  assert.equal((await refresh(phone.refresh_token)).statusCode, 401);
  assert.equal((await refresh(laptop.refresh_token)).statusCode, 200);

  const another = await tokensFor(h.app, tenant.slug, student.email);
  const global = await h.app.inject({
    method: 'POST',
    url: '/logout?scope=global',
    headers: bearer(another.access_token),
  });
  assert.equal(global.statusCode, 204);
  const remaining = await h.app.inject({ url: '/sessions', headers: bearer(another.access_token) });
  assert.equal(remaining.json().items.length, 0);
});

test('a suspended tenant cannot sign in or refresh, and can again once reactivated', async () => {
  const { tenant, student } = await createWorld(h.admin);
  const tokens = await tokensFor(h.app, tenant.slug, student.email);
  await h.admin`update identity.tenants set status = 'suspended' where id = ${tenant.id}`;
  const signInResponse = await signIn(h.app, tenant.slug, student.email);
  assert.equal(signInResponse.statusCode, 403);
  assert.equal(signInResponse.json().type, 'https://eduspry.dev/problems/tenant-suspended');
  const refreshed = await refresh(tokens.refresh_token);
  assert.equal(refreshed.statusCode, 403);
  await h.admin`update identity.tenants set status = 'active' where id = ${tenant.id}`;
  assert.equal((await signIn(h.app, tenant.slug, student.email)).statusCode, 200);
});

test('repeated failures lock the account with backoff, for real and unknown emails alike', async () => {
  const { tenant, student } = await createWorld(h.admin);
  for (const email of [student.email, 'ghost@example.test']) {
    for (let attempt = 1; attempt <= 5; attempt++) {
      assert.equal((await signIn(h.app, tenant.slug, email, 'Wrong-Password-99')).statusCode, 401);
    }
    const locked = await signIn(h.app, tenant.slug, email, PASSWORD);
    assert.equal(locked.statusCode, 429, 'even the right password is refused while locked');
    assert.equal(locked.json().type, 'https://eduspry.dev/problems/account-locked');
    assert.ok(Number(locked.headers['retry-after']) > 0 && Number(locked.headers['retry-after']) <= 30);
  }
  // Backoff: one more failure after the lock lapses doubles it.
  await h.admin`update identity.sign_in_failures set locked_until = now() - interval '1 second' where tenant_id = ${tenant.id}`;
  assert.equal((await signIn(h.app, tenant.slug, student.email, 'Wrong-Password-99')).statusCode, 401);
  const longer = await signIn(h.app, tenant.slug, student.email, PASSWORD);
  assert.ok(Number(longer.headers['retry-after']) > 30);
  const failures = await h.admin`select count(*)::int as n from identity.audit_events
    where tenant_id = ${tenant.id} and action = 'sign_in.failed'`;
  assert.equal(failures[0]!.n, 11);
});

test('a successful sign-in clears earlier failures', async () => {
  const { tenant, student } = await createWorld(h.admin);
  for (let attempt = 1; attempt <= 4; attempt++)
    await signIn(h.app, tenant.slug, student.email, 'Wrong-Password-99');
  assert.equal((await signIn(h.app, tenant.slug, student.email)).statusCode, 200);
  for (let attempt = 1; attempt <= 4; attempt++)
    await signIn(h.app, tenant.slug, student.email, 'Wrong-Password-99');
  assert.equal((await signIn(h.app, tenant.slug, student.email)).statusCode, 200);
});

test('deactivated and invited users cannot sign in', async () => {
  const { tenant } = await createWorld(h.admin);
  const gone = await createUser(h.admin, tenant.id, ['student'], { status: 'deactivated' });
  const invited = await createUser(h.admin, tenant.id, ['student'], { status: 'invited' });
  assert.equal((await signIn(h.app, tenant.slug, gone.email)).statusCode, 401);
  assert.equal((await signIn(h.app, tenant.slug, invited.email)).statusCode, 401);
});

test('malformed sign-in bodies get 400 problem+json naming the field', async () => {
  const cases: [string, unknown, string][] = [
    ['/token?grant_type=password', { tenant: 'x-y', email: 'not-an-email', password: 'x' }, 'body.email'],
    ['/token?grant_type=password', { email: 'a@example.test', password: 'x' }, 'body.tenant'],
    ['/token?grant_type=refresh_token', {}, 'body.refresh_token'],
    [
      '/token?grant_type=password',
      { tenant: 'x', email: 'a@example.test', password: 'x', extra: 1 },
      'body.extra',
    ],
    ['/token?grant_type=magic', { tenant: 'x' }, 'querystring.grant_type'],
  ];
  for (const [url, payload, field] of cases) {
    const response = await h.app.inject({ method: 'POST', url, payload: payload as object });
    assert.equal(response.statusCode, 400, `${url} ${JSON.stringify(payload)}`);
    assert.match(response.headers['content-type'] as string, /problem\+json/);
    assert.equal(response.json().field, field);
  }
});
