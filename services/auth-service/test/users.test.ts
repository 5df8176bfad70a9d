import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  bearer,
  createUser,
  createWorld,
  type Harness,
  mailsTo,
  outboxEvents,
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

async function superAdminToken() {
  const { tenant } = await createWorld(h.admin, 'platform');
  const root = await createUser(h.admin, tenant.id, ['super_admin']);
  return { token: (await tokensFor(h.app, tenant.slug, root.email)).access_token, tenantId: tenant.id };
}

test('super_admin creates, reads, updates, suspends and reactivates a tenant', async () => {
  const { token } = await superAdminToken();
  const slug = `riverside-${Date.now()}`;
  const created = await h.app.inject({
    method: 'POST',
    url: '/tenants',
    headers: bearer(token),
    payload: { slug, name: 'Riverside School District', settings: { selfRegistration: true } },
  });
  assert.equal(created.statusCode, 201, created.body);
  const tenant = created.json();
  assert.equal(tenant.slug, slug);
  assert.equal(tenant.settings.selfRegistration, true);
  const duplicate = await h.app.inject({
    method: 'POST',
    url: '/tenants',
    headers: bearer(token),
    payload: { slug, name: 'Again' },
  });
  assert.equal(duplicate.statusCode, 409);

  const read = await h.app.inject({ url: `/tenants/${tenant.id}`, headers: bearer(token) });
  assert.equal(read.json().name, 'Riverside School District');
  const renamed = await h.app.inject({
    method: 'PATCH',
    url: `/tenants/${tenant.id}`,
    headers: bearer(token),
    payload: { name: 'Riverside USD' },
  });
  assert.equal(renamed.json().name, 'Riverside USD');
  assert.equal(renamed.json().settings.selfRegistration, true, 'settings not named stay');

  const suspended = await h.app.inject({
    method: 'POST',
    url: `/tenants/${tenant.id}/suspend`,
    headers: bearer(token),
  });
  assert.equal(suspended.json().status, 'suspended');
  assert.equal((await h.app.inject(`/tenants/by-slug/${slug}`)).statusCode, 404);
  const reactivated = await h.app.inject({
    method: 'POST',
    url: `/tenants/${tenant.id}/reactivate`,
    headers: bearer(token),
  });
  assert.equal(reactivated.json().status, 'active');
  const list = await h.app.inject({ url: '/tenants?limit=100', headers: bearer(token) });
  assert.ok(list.json().total >= 1);
});

test('only super_admin creates or suspends tenants; members read only their own tenant', async () => {
  const a = await createWorld(h.admin, 'tenant-a');
  const b = await createWorld(h.admin, 'tenant-b');
  const adminA = (await tokensFor(h.app, a.tenant.slug, a.adminUser.email)).access_token;
  const create = await h.app.inject({
    method: 'POST',
    url: '/tenants',
    headers: bearer(adminA),
    payload: { slug: 'sneaky-one', name: 'x' },
  });
  assert.equal(create.statusCode, 403);
  assert.equal(
    (await h.app.inject({ method: 'POST', url: `/tenants/${a.tenant.id}/suspend`, headers: bearer(adminA) }))
      .statusCode,
    403,
  );
  assert.equal(
    (await h.app.inject({ url: `/tenants/${a.tenant.id}`, headers: bearer(adminA) })).statusCode,
    200,
  );
  assert.equal(
    (await h.app.inject({ url: `/tenants/${b.tenant.id}`, headers: bearer(adminA) })).statusCode,
    404,
  );
  const patchB = await h.app.inject({
    method: 'PATCH',
    url: `/tenants/${b.tenant.id}`,
    headers: bearer(adminA),
    payload: { name: 'Mine now' },
  });
  assert.equal(patchB.statusCode, 403);
  const patchA = await h.app.inject({
    method: 'PATCH',
    url: `/tenants/${a.tenant.id}`,
    headers: bearer(adminA),
    payload: { settings: { selfRegistration: true } },
  });
  assert.equal(patchA.json().settings.selfRegistration, true);
});

test('self-registration follows the tenant setting, mails a verification link, emits user_registered', async () => {
  const { tenant } = await createWorld(h.admin);
  const payload = {
    tenant: tenant.slug,
    email: 'new.student@example.test',
    password: 'a-long-passphrase-42',
    display_name: 'New Student',
  };
  const closed = await h.app.inject({ method: 'POST', url: '/signup', payload });
  assert.equal(closed.statusCode, 403);
  await h.admin`update identity.tenants set settings = '{"selfRegistration": true}' where id = ${tenant.id}`;
  const open = await h.app.inject({ method: 'POST', url: '/signup', payload });
  assert.equal(open.statusCode, 201, open.body);
  assert.deepEqual(open.json().roles, ['student']);
  assert.equal(open.json().email_verified, false);
  assert.equal((await h.app.inject({ method: 'POST', url: '/signup', payload })).statusCode, 409);

  const [mail] = await mailsTo(h.mailDir, payload.email);
  assert.equal(mail?.kind, 'verify_email');
  const verified = await h.app.inject({
    method: 'POST',
    url: '/verify',
    payload: { token: mail!.data.token },
  });
  assert.equal(verified.statusCode, 200);
  assert.equal(verified.json().email_verified, true);
  const reused = await h.app.inject({ method: 'POST', url: '/verify', payload: { token: mail!.data.token } });
  assert.equal(reused.statusCode, 400, 'verification tokens are single-use');
  const stored =
    await h.admin`select token_hash from identity.one_time_tokens where user_id = ${open.json().id}`;
  assert.notEqual(stored[0]!.token_hash, mail!.data.token, 'only a hash is stored');

  assert.equal((await signIn(h.app, tenant.slug, payload.email, payload.password)).statusCode, 200);
  const events = await outboxEvents(h.admin, tenant.id);
  assert.equal(events[0]?.event_type, 'user.authentication.user_registered');
  assert.equal(events[0]?.key, open.json().id);
});

test('registration refuses short, common and malformed passwords with 400 naming the field', async () => {
  const { tenant } = await createWorld(h.admin);
  await h.admin`update identity.tenants set settings = '{"selfRegistration": true}' where id = ${tenant.id}`;
  const base = { tenant: tenant.slug, email: 'p@example.test', display_name: 'P' };
  for (const [password, why] of [
    ['short1!', /at least 10/],
    ['1234567890', /too common/],
    ['qwertyuiop', /too common/],
  ] as const) {
    const response = await h.app.inject({ method: 'POST', url: '/signup', payload: { ...base, password } });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().field, 'body.password');
    assert.match(response.json().detail, why);
  }
  const missing = await h.app.inject({
    method: 'POST',
    url: '/signup',
    payload: { ...base, email: 'nope', password: 'a-long-passphrase-42' },
  });
  assert.equal(missing.json().field, 'body.email');
  const noName = await h.app.inject({
    method: 'POST',
    url: '/signup',
    payload: { tenant: tenant.slug, email: 'x@example.test', password: 'a-long-passphrase-42' },
  });
  assert.equal(noName.json().field, 'body.display_name');
});

test('email verification can be required before sign-in', async () => {
  const { tenant } = await createWorld(h.admin);
  await h.admin`update identity.tenants set settings = '{"selfRegistration": true, "requireEmailVerification": true}' where id = ${tenant.id}`;
  const payload = {
    tenant: tenant.slug,
    email: 'strict@example.test',
    password: 'a-long-passphrase-42',
    display_name: 'S',
  };
  await h.app.inject({ method: 'POST', url: '/signup', payload });
  const before = await signIn(h.app, tenant.slug, payload.email, payload.password);
  assert.equal(before.statusCode, 403);
  assert.equal(before.json().type, 'https://eduspry.dev/problems/email-not-verified');
  const [mail] = await mailsTo(h.mailDir, payload.email);
  await h.app.inject({ method: 'POST', url: '/verify', payload: { token: mail!.data.token } });
  assert.equal((await signIn(h.app, tenant.slug, payload.email, payload.password)).statusCode, 200);
});

test('password reset: same answer for unknown emails, single-use expiring token, ends every session', async () => {
  const { tenant, student } = await createWorld(h.admin);
  const session = await tokensFor(h.app, tenant.slug, student.email);
  const unknown = await h.app.inject({
    method: 'POST',
    url: '/recover',
    payload: { tenant: tenant.slug, email: 'nobody@example.test' },
  });
  const known = await h.app.inject({
    method: 'POST',
    url: '/recover',
    payload: { tenant: tenant.slug, email: student.email },
  });
  assert.equal(unknown.statusCode, 202);
  assert.equal(known.statusCode, 202);
  assert.equal(unknown.body, known.body);
  const [mail] = await mailsTo(h.mailDir, student.email);
  assert.equal(mail?.kind, 'reset_password');

  const weak = await h.app.inject({
    method: 'POST',
    url: '/password-reset',
    payload: { token: mail!.data.token, password: 'short' },
  });
  assert.equal(weak.statusCode, 400);
  const reset = await h.app.inject({
    method: 'POST',
    url: '/password-reset',
    payload: { token: mail!.data.token, password: 'brand-new-passphrase-7' },
  });
  assert.equal(reset.statusCode, 204, reset.body);
  const again = await h.app.inject({
    method: 'POST',
    url: '/password-reset',
    payload: { token: mail!.data.token, password: 'another-passphrase-8' },
  });
  assert.equal(again.statusCode, 400);
  assert.equal(again.json().type, 'https://eduspry.dev/problems/invalid-token');

  assert.equal((await signIn(h.app, tenant.slug, student.email, PASSWORD)).statusCode, 401);
  assert.equal((await signIn(h.app, tenant.slug, student.email, 'brand-new-passphrase-7')).statusCode, 200);
  const refresh = await h.app.inject({
    method: 'POST',
    url: '/token?grant_type=refresh_token',
    payload: { refresh_token: session.refresh_token },
  });
  assert.equal(refresh.statusCode, 401, 'sessions from before the reset are over');

  // Expired tokens do not work.
  await h.app.inject({
    method: 'POST',
    url: '/recover',
    payload: { tenant: tenant.slug, email: student.email },
  });
  const latest = (await mailsTo(h.mailDir, student.email)).at(-1)!;
  await h.admin`update identity.one_time_tokens set expires_at = now() - interval '1 second' where user_id = ${student.id}`;
  const expired = await h.app.inject({
    method: 'POST',
    url: '/password-reset',
    payload: { token: latest.data.token, password: 'yet-another-passphrase-9' },
  });
  assert.equal(expired.statusCode, 400);
});

test('reset mails per account are limited, the answer stays the same', async () => {
  const { tenant, student } = await createWorld(h.admin);
  for (let i = 0; i < 5; i++) {
    const response = await h.app.inject({
      method: 'POST',
      url: '/recover',
      payload: { tenant: tenant.slug, email: student.email },
    });
    assert.equal(response.statusCode, 202);
  }
  assert.equal((await mailsTo(h.mailDir, student.email)).length, 3);
});

test('a tenant admin invites a user who accepts, chooses a password and is signed in', async () => {
  const { tenant, adminUser } = await createWorld(h.admin);
  const token = (await tokensFor(h.app, tenant.slug, adminUser.email)).access_token;
  const invited = await h.app.inject({
    method: 'POST',
    url: `/tenants/${tenant.id}/invitations`,
    headers: bearer(token),
    payload: { email: 'teacher@example.test', displayName: 'Ms Teacher', roles: ['instructor'] },
  });
  assert.equal(invited.statusCode, 201, invited.body);
  assert.equal(invited.json().status, 'invited');
  assert.equal(
    (await signIn(h.app, tenant.slug, 'teacher@example.test', 'anything-at-all-1')).statusCode,
    401,
  );
  const [mail] = await mailsTo(h.mailDir, 'teacher@example.test');
  assert.equal(mail?.kind, 'invitation');
  const accepted = await h.app.inject({
    method: 'POST',
    url: '/invitations/accept',
    payload: { token: mail!.data.token, password: 'teaching-is-fun-2026' },
  });
  assert.equal(accepted.statusCode, 200, accepted.body);
  assert.deepEqual(accepted.json().user.roles, ['instructor']);
  assert.equal(accepted.json().user.status, 'active');
  assert.equal(
    (await signIn(h.app, tenant.slug, 'teacher@example.test', 'teaching-is-fun-2026')).statusCode,
    200,
  );
  const events = await outboxEvents(h.admin, tenant.id);
  assert.deepEqual(
    events.map((e) => e.event_type),
    ['user.authentication.user_registered'],
    'registered once, when the invitation was accepted',
  );
  const again = await h.app.inject({
    method: 'POST',
    url: '/invitations/accept',
    payload: { token: mail!.data.token, password: 'teaching-is-fun-2027' },
  });
  assert.equal(again.statusCode, 400, 'invitation links are single-use');
});

test('a signed-in user with an unverified email can ask for the verification mail again', async () => {
  const { tenant } = await createWorld(h.admin);
  await h.admin`update identity.tenants set settings = '{"selfRegistration": true}' where id = ${tenant.id}`;
  const payload = {
    tenant: tenant.slug,
    email: 'again@example.test',
    password: 'a-long-passphrase-42',
    display_name: 'A',
  };
  await h.app.inject({ method: 'POST', url: '/signup', payload });
  const token = (await signIn(h.app, tenant.slug, payload.email, payload.password)).json().access_token;
  const resend = await h.app.inject({ method: 'POST', url: '/verify/resend', headers: bearer(token) });
  assert.equal(resend.statusCode, 202);
  const mails = await mailsTo(h.mailDir, payload.email);
  assert.equal(mails.length, 2);
  const first = await h.app.inject({
    method: 'POST',
    url: '/verify',
    payload: { token: mails[0]!.data.token },
  });
  assert.equal(first.statusCode, 400, 'a new link replaces the old one');
  const second = await h.app.inject({
    method: 'POST',
    url: '/verify',
    payload: { token: mails[1]!.data.token },
  });
  assert.equal(second.json().email_verified, true);
});

test('tenant admins list and search their users a page at a time', async () => {
  const { tenant, adminUser } = await createWorld(h.admin);
  for (let i = 0; i < 5; i++)
    await h.admin`insert into identity.users (tenant_id, email, display_name, roles)
    values (${tenant.id}, ${`pupil${i}@example.test`}, ${`Pupil Number ${i}`}, '{student}')`;
  const token = (await tokensFor(h.app, tenant.slug, adminUser.email)).access_token;
  const page1 = await h.app.inject({ url: `/tenants/${tenant.id}/users?limit=3`, headers: bearer(token) });
  assert.equal(page1.statusCode, 200);
  assert.equal(page1.json().total, 7);
  assert.equal(page1.json().items.length, 3);
  const page3 = await h.app.inject({
    url: `/tenants/${tenant.id}/users?limit=3&offset=6`,
    headers: bearer(token),
  });
  assert.equal(page3.json().items.length, 1);
  const search = await h.app.inject({
    url: `/tenants/${tenant.id}/users?q=number%203`,
    headers: bearer(token),
  });
  assert.deepEqual(
    search.json().items.map((u: { email: string }) => u.email),
    ['pupil3@example.test'],
  );
  const admins = await h.app.inject({
    url: `/tenants/${tenant.id}/users?role=tenant_admin`,
    headers: bearer(token),
  });
  assert.equal(admins.json().total, 1);
  const bad = await h.app.inject({ url: `/tenants/${tenant.id}/users?limit=1000`, headers: bearer(token) });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().field, 'querystring.limit');
});

test('students cannot administer users', async () => {
  const { tenant, student, adminUser } = await createWorld(h.admin);
  const token = (await tokensFor(h.app, tenant.slug, student.email)).access_token;
  assert.equal(
    (await h.app.inject({ url: `/tenants/${tenant.id}/users`, headers: bearer(token) })).statusCode,
    403,
  );
  const promote = await h.app.inject({
    method: 'PUT',
    url: `/tenants/${tenant.id}/users/${student.id}/roles`,
    headers: bearer(token),
    payload: { roles: ['tenant_admin'] },
  });
  assert.equal(promote.statusCode, 403);
  const deactivate = await h.app.inject({
    method: 'POST',
    url: `/tenants/${tenant.id}/users/${adminUser.id}/deactivate`,
    headers: bearer(token),
  });
  assert.equal(deactivate.statusCode, 403);
});

test('a tenant admin of tenant A cannot list, change or invite users of tenant B', async () => {
  const a = await createWorld(h.admin, 'tenant-a');
  const b = await createWorld(h.admin, 'tenant-b');
  const token = (await tokensFor(h.app, a.tenant.slug, a.adminUser.email)).access_token;
  const list = await h.app.inject({ url: `/tenants/${b.tenant.id}/users`, headers: bearer(token) });
  assert.equal(list.statusCode, 403);
  const get = await h.app.inject({
    url: `/tenants/${b.tenant.id}/users/${b.student.id}`,
    headers: bearer(token),
  });
  assert.equal(get.statusCode, 403);
  const roles = await h.app.inject({
    method: 'PUT',
    url: `/tenants/${b.tenant.id}/users/${b.student.id}/roles`,
    headers: bearer(token),
    payload: { roles: ['tenant_admin'] },
  });
  assert.equal(roles.statusCode, 403);
  const deactivate = await h.app.inject({
    method: 'POST',
    url: `/tenants/${b.tenant.id}/users/${b.student.id}/deactivate`,
    headers: bearer(token),
  });
  assert.equal(deactivate.statusCode, 403);
  const invite = await h.app.inject({
    method: 'POST',
    url: `/tenants/${b.tenant.id}/invitations`,
    headers: bearer(token),
    payload: { email: 'x@example.test', displayName: 'X' },
  });
  assert.equal(invite.statusCode, 403);
  // Through their own tenant's path with B's user id: not found, B's user is untouched.
  const sideways = await h.app.inject({
    method: 'PUT',
    url: `/tenants/${a.tenant.id}/users/${b.student.id}/roles`,
    headers: bearer(token),
    payload: { roles: ['tenant_admin'] },
  });
  assert.equal(sideways.statusCode, 404);
  const [untouched] = await h.admin`select roles, status from identity.users where id = ${b.student.id}`;
  assert.deepEqual(untouched!.roles, ['student']);
  assert.equal(untouched!.status, 'active');
  assert.equal((await outboxEvents(h.admin, b.tenant.id)).length, 0);
});

test('changing roles emits user_role_changed; only super_admin grants super_admin', async () => {
  const { tenant, adminUser, student } = await createWorld(h.admin);
  const token = (await tokensFor(h.app, tenant.slug, adminUser.email)).access_token;
  const changed = await h.app.inject({
    method: 'PUT',
    url: `/tenants/${tenant.id}/users/${student.id}/roles`,
    headers: bearer(token),
    payload: { roles: ['instructor', 'student'] },
  });
  assert.equal(changed.statusCode, 200, changed.body);
  assert.deepEqual(changed.json().roles.sort(), ['instructor', 'student']);
  const superGrant = await h.app.inject({
    method: 'PUT',
    url: `/tenants/${tenant.id}/users/${student.id}/roles`,
    headers: bearer(token),
    payload: { roles: ['super_admin'] },
  });
  assert.equal(superGrant.statusCode, 403);
  const badRole = await h.app.inject({
    method: 'PUT',
    url: `/tenants/${tenant.id}/users/${student.id}/roles`,
    headers: bearer(token),
    payload: { roles: ['wizard'] },
  });
  assert.equal(badRole.statusCode, 400);
  assert.match(badRole.json().field, /^body\.roles/);
  const [event] = await outboxEvents(h.admin, tenant.id);
  assert.equal(event?.event_type, 'user.authentication.user_role_changed');
  assert.deepEqual(event?.payload.data.previousRoles, ['student']);
  // New tokens carry the new roles.
  const claims = JSON.parse(
    Buffer.from(
      (await tokensFor(h.app, tenant.slug, student.email)).access_token.split('.')[1]!,
      'base64url',
    ).toString(),
  );
  assert.deepEqual(claims.app_metadata.roles.sort(), ['instructor', 'student']);
});

test('deactivating a user ends their sessions and sign-ins, and emits user_deactivated', async () => {
  const { tenant, adminUser, student } = await createWorld(h.admin);
  const adminToken = (await tokensFor(h.app, tenant.slug, adminUser.email)).access_token;
  const studentSession = await tokensFor(h.app, tenant.slug, student.email);
  const self = await h.app.inject({
    method: 'POST',
    url: `/tenants/${tenant.id}/users/${adminUser.id}/deactivate`,
    headers: bearer(adminToken),
  });
  assert.equal(self.statusCode, 403);
  const response = await h.app.inject({
    method: 'POST',
    url: `/tenants/${tenant.id}/users/${student.id}/deactivate`,
    headers: bearer(adminToken),
  });
  assert.equal(response.statusCode, 200);
  assert.equal(response.json().status, 'deactivated');
  assert.equal((await signIn(h.app, tenant.slug, student.email)).statusCode, 401);
  const refresh = await h.app.inject({
    method: 'POST',
    url: '/token?grant_type=refresh_token',
    payload: { refresh_token: studentSession.refresh_token },
  });
  assert.equal(refresh.statusCode, 401);
  assert.equal(
    (await h.app.inject({ url: '/user', headers: bearer(studentSession.access_token) })).statusCode,
    401,
  );
  const events = await outboxEvents(h.admin, tenant.id);
  assert.ok(events.some((event) => event.event_type === 'user.authentication.user_deactivated'));
  // Each of the user's sessions ended: every verifier is told, not only this one.
  const ended = events.filter((event) => event.event_type === 'user.authentication.session_ended');
  assert.ok(ended.length >= 1);
  assert.ok(ended.every((event) => event.payload.data.userId === student.id));
  assert.ok(ended.every((event) => event.payload.data.reason === 'user_deactivated'));
  const back = await h.app.inject({
    method: 'POST',
    url: `/tenants/${tenant.id}/users/${student.id}/reactivate`,
    headers: bearer(adminToken),
  });
  assert.equal(back.json().status, 'active');
  assert.equal((await signIn(h.app, tenant.slug, student.email)).statusCode, 200);
  // Consumers keeping a user directory (course-service) are told the user is back.
  const reactivated = (await outboxEvents(h.admin, tenant.id)).filter(
    (event) => event.event_type === 'user.authentication.user_reactivated',
  );
  assert.equal(reactivated.length, 1);
  assert.equal(reactivated[0]!.payload.data.userId, student.id);
  assert.equal(reactivated[0]!.payload.data.status, 'active');
  const audit = await h.app.inject({
    url: `/tenants/${tenant.id}/audit-events?action=user.deactivated`,
    headers: bearer(adminToken),
  });
  assert.equal(audit.json().items.length, 1);
});

test('security-relevant actions land in the audit log', async () => {
  const { tenant, adminUser, student } = await createWorld(h.admin);
  await signIn(h.app, tenant.slug, student.email, 'Wrong-Password-99');
  const session = await tokensFor(h.app, tenant.slug, student.email);
  await h.app.inject({ method: 'POST', url: '/logout', headers: bearer(session.access_token) });
  await h.app.inject({
    method: 'POST',
    url: '/recover',
    payload: { tenant: tenant.slug, email: student.email },
  });
  const token = (await tokensFor(h.app, tenant.slug, adminUser.email)).access_token;
  const audit = await h.app.inject({
    url: `/tenants/${tenant.id}/audit-events?limit=100`,
    headers: bearer(token),
  });
  const actions = new Set(audit.json().items.map((e: { action: string }) => e.action));
  for (const action of [
    'sign_in.failed',
    'sign_in.succeeded',
    'session.started',
    'sign_out',
    'password_reset.requested',
  ])
    assert.ok(actions.has(action), `audit has ${action}`);
});

test('the audit log filters by actor and by time range, and refuses a range that ends before it starts', async () => {
  const { tenant, adminUser, student } = await createWorld(h.admin);
  await tokensFor(h.app, tenant.slug, student.email);
  const token = (await tokensFor(h.app, tenant.slug, adminUser.email)).access_token;
  const [admin] = await h.admin<{ id: string }[]>`
    select id from identity.users where tenant_id = ${tenant.id} and email = ${adminUser.email}`;
  const list = async (query: string) => {
    const response = await h.app.inject({
      url: `/tenants/${tenant.id}/audit-events?limit=100&${query}`,
      headers: bearer(token),
    });
    assert.equal(response.statusCode, 200, response.body);
    return response.json().items as { actorId: string | null; createdAt: string }[];
  };
  const everything = await list('');
  const byAdmin = await list(`actorId=${admin!.id}`);
  assert.ok(byAdmin.length > 0 && byAdmin.length < everything.length, 'the student acted too');
  assert.ok(byAdmin.every((event) => event.actorId === admin!.id));
  const newest = everything[0]!.createdAt;
  assert.deepEqual(await list(`to=${encodeURIComponent(everything.at(-1)!.createdAt)}`), []);
  assert.equal((await list(`from=${encodeURIComponent(newest)}`)).length >= 1, true);
  assert.deepEqual(
    await list(`from=${encodeURIComponent(new Date(Date.parse(newest) + 1000).toISOString())}`),
    [],
  );
  const backwards = await h.app.inject({
    url: `/tenants/${tenant.id}/audit-events?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z`,
    headers: bearer(token),
  });
  assert.equal(backwards.statusCode, 400);
  assert.equal(backwards.json().field, 'querystring.from');
  const notADate = await h.app.inject({
    url: `/tenants/${tenant.id}/audit-events?from=yesterday`,
    headers: bearer(token),
  });
  assert.equal(notADate.statusCode, 400);
});
