import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decodeJwt } from 'jose';
import {
  bearer,
  createUser,
  createWorld,
  type Harness,
  outboxEvents,
  startAuth,
  tokensFor,
} from './helpers.ts';

let h: Harness;
before(async () => {
  h = await startAuth();
});
after(() => h.close());

const refresh = (token: string) =>
  h.app.inject({ method: 'POST', url: '/token?grant_type=refresh_token', payload: { refresh_token: token } });

/** Signs `email` in with a user agent of its own, as a browser would. */
async function signInFrom(tenant: string, email: string, userAgent: string) {
  const response = await h.app.inject({
    method: 'POST',
    url: '/token?grant_type=password',
    headers: { 'user-agent': userAgent },
    payload: { tenant, email, password: 'Riverside-Demo-2026' },
  });
  assert.equal(response.statusCode, 200, response.body);
  return response.json() as { access_token: string; refresh_token: string };
}

test("a tenant admin lists a user's sessions, ends one, then signs them out everywhere", async () => {
  const { tenant, adminUser, student } = await createWorld(h.admin);
  const adminToken = (await tokensFor(h.app, tenant.slug, adminUser.email)).access_token;
  const phone = await signInFrom(tenant.slug, student.email, 'Phone Browser/1.0');
  const laptop = await signInFrom(tenant.slug, student.email, 'Laptop Browser/2.0');
  const tablet = await signInFrom(tenant.slug, student.email, 'Tablet Browser/3.0');
  const sessionsUrl = `/tenants/${tenant.id}/users/${student.id}/sessions`;

  const list = await h.app.inject({ url: sessionsUrl, headers: bearer(adminToken) });
  assert.equal(list.statusCode, 200, list.body);
  const items = list.json().items as {
    id: string;
    userAgent: string;
    createdAt: string;
    lastUsedAt: string;
  }[];
  assert.deepEqual(items.map((s) => s.userAgent).sort(), [
    'Laptop Browser/2.0',
    'Phone Browser/1.0',
    'Tablet Browser/3.0',
  ]);
  assert.ok(items.every((s) => !Number.isNaN(Date.parse(s.createdAt)) && s.lastUsedAt >= s.createdAt));

  const tabletSession = decodeJwt(tablet.access_token).session_id as string;
  const one = await h.app.inject({
    method: 'DELETE',
    url: `${sessionsUrl}/${tabletSession}`,
    headers: bearer(adminToken),
  });
  assert.equal(one.statusCode, 204, one.body);
  assert.equal((await refresh(tablet.refresh_token)).statusCode, 401);
  assert.equal((await refresh(laptop.refresh_token)).statusCode, 200);
  // Ending it again: it is gone.
  const again = await h.app.inject({
    method: 'DELETE',
    url: `${sessionsUrl}/${tabletSession}`,
    headers: bearer(adminToken),
  });
  assert.equal(again.statusCode, 404);

  const all = await h.app.inject({ method: 'DELETE', url: sessionsUrl, headers: bearer(adminToken) });
  assert.equal(all.statusCode, 200, all.body);
  assert.deepEqual(all.json(), { ended: 2 });
  assert.equal((await refresh(phone.refresh_token)).statusCode, 401);
  const remaining = await h.app.inject({ url: sessionsUrl, headers: bearer(adminToken) });
  assert.deepEqual(remaining.json().items, []);

  // Every verifier hears of each ended session, as after a sign-out.
  const ended = (await outboxEvents(h.admin, tenant.id)).filter(
    (event) => event.event_type === 'user.authentication.session_ended',
  );
  assert.deepEqual(ended.map((event) => event.payload.data.reason).sort(), [
    'ended_by_admin',
    'signed_out_by_admin',
    'signed_out_by_admin',
  ]);
  assert.ok(ended.every((event) => event.payload.data.userId === student.id));

  // Both are in the audit log, with the admin as actor.
  const audit = await h.app.inject({
    url: `/tenants/${tenant.id}/audit-events`,
    headers: bearer(adminToken),
  });
  const byAdmin = (audit.json().items as { action: string; actorId: string; subjectId: string }[]).filter(
    (event) => event.actorId === adminUser.id,
  );
  assert.ok(byAdmin.some((e) => e.action === 'session.ended_by_admin' && e.subjectId === tabletSession));
  assert.ok(byAdmin.some((e) => e.action === 'user.signed_out_by_admin' && e.subjectId === student.id));
});

test("a student cannot see or end anyone's sessions (403)", async () => {
  const { tenant, adminUser, student } = await createWorld(h.admin);
  const token = (await tokensFor(h.app, tenant.slug, student.email)).access_token;
  const adminSession = decodeJwt((await tokensFor(h.app, tenant.slug, adminUser.email)).access_token)
    .session_id as string;
  const url = `/tenants/${tenant.id}/users/${adminUser.id}/sessions`;
  assert.equal((await h.app.inject({ url, headers: bearer(token) })).statusCode, 403);
  assert.equal((await h.app.inject({ method: 'DELETE', url, headers: bearer(token) })).statusCode, 403);
  const one = await h.app.inject({ method: 'DELETE', url: `${url}/${adminSession}`, headers: bearer(token) });
  assert.equal(one.statusCode, 403);
  assert.match(one.headers['content-type'] as string, /problem\+json/);
  const [live] = await h.admin`select revoked_at from identity.sessions where id = ${adminSession}`;
  assert.equal(live!.revoked_at, null);
});

test("another tenant's user: 403 through that tenant's path, 404 through one's own, nothing ends", async () => {
  const a = await createWorld(h.admin, 'sessions-a');
  const b = await createWorld(h.admin, 'sessions-b');
  const token = (await tokensFor(h.app, a.tenant.slug, a.adminUser.email)).access_token;
  const bSession = await tokensFor(h.app, b.tenant.slug, b.student.email);
  const bSessionId = decodeJwt(bSession.access_token).session_id as string;
  const theirs = `/tenants/${b.tenant.id}/users/${b.student.id}/sessions`;
  assert.equal((await h.app.inject({ url: theirs, headers: bearer(token) })).statusCode, 403);
  assert.equal(
    (await h.app.inject({ method: 'DELETE', url: theirs, headers: bearer(token) })).statusCode,
    403,
  );
  const sideways = `/tenants/${a.tenant.id}/users/${b.student.id}/sessions`;
  const list = await h.app.inject({ url: sideways, headers: bearer(token) });
  assert.equal(list.statusCode, 404);
  assert.equal(list.json().type, 'https://eduspry.dev/problems/not-found');
  assert.equal(
    (await h.app.inject({ method: 'DELETE', url: sideways, headers: bearer(token) })).statusCode,
    404,
  );
  // B's session under A's own user: not that user's session.
  const mixed = await h.app.inject({
    method: 'DELETE',
    url: `/tenants/${a.tenant.id}/users/${a.student.id}/sessions/${bSessionId}`,
    headers: bearer(token),
  });
  assert.equal(mixed.statusCode, 404);
  assert.equal((await refresh(bSession.refresh_token)).statusCode, 200);
  assert.equal(
    (await outboxEvents(h.admin, b.tenant.id)).filter((e) => e.event_type.endsWith('session_ended')).length,
    0,
  );
});

test("super_admin manages any tenant's user sessions; a tenant admin cannot sign a super_admin out", async () => {
  const { tenant, adminUser, student } = await createWorld(h.admin, 'sessions-root');
  const platform = await createWorld(h.admin, 'sessions-platform');
  const root = await createUser(h.admin, platform.tenant.id, ['super_admin']);
  const rootToken = (await tokensFor(h.app, platform.tenant.slug, root.email)).access_token;
  const studentSession = await tokensFor(h.app, tenant.slug, student.email);
  const url = `/tenants/${tenant.id}/users/${student.id}/sessions`;
  const list = await h.app.inject({ url, headers: bearer(rootToken) });
  assert.equal(list.statusCode, 200);
  assert.equal(list.json().items.length, 1);
  const all = await h.app.inject({ method: 'DELETE', url, headers: bearer(rootToken) });
  assert.deepEqual(all.json(), { ended: 1 });
  assert.equal((await refresh(studentSession.refresh_token)).statusCode, 401);

  const rootHere = await createUser(h.admin, tenant.id, ['super_admin']);
  await tokensFor(h.app, tenant.slug, rootHere.email);
  const adminToken = (await tokensFor(h.app, tenant.slug, adminUser.email)).access_token;
  const denied = await h.app.inject({
    method: 'DELETE',
    url: `/tenants/${tenant.id}/users/${rootHere.id}/sessions`,
    headers: bearer(adminToken),
  });
  assert.equal(denied.statusCode, 403);
});

test('malformed ids get 400 problem+json, never a 5xx', async () => {
  const { tenant, adminUser, student } = await createWorld(h.admin);
  const token = (await tokensFor(h.app, tenant.slug, adminUser.email)).access_token;
  for (const url of [
    `/tenants/${tenant.id}/users/not-a-uuid/sessions`,
    `/tenants/${tenant.id}/users/${student.id}/sessions/${'x'.repeat(300)}`,
    `/tenants/'; drop table identity.sessions; --/users/${student.id}/sessions`,
  ]) {
    const response = await h.app.inject({ method: 'DELETE', url, headers: bearer(token) });
    assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${url}: ${response.statusCode}`);
    assert.match(response.headers['content-type'] as string, /problem\+json/);
  }
  assert.equal(
    (await h.app.inject({ url: `/tenants/${tenant.id}/users/${student.id}/sessions` })).statusCode,
    401,
  );
});
