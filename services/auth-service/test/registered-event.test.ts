import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bearer, createWorld, type Harness, mailsTo, outboxEvents, startAuth, tokensFor } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await startAuth();
});
after(() => h.close());

async function registered(tenantId: string, email: string) {
  const events = await outboxEvents(h.admin, tenantId);
  return events
    .filter((event) => event.event_type === 'user.authentication.user_registered')
    .map((event) => event.payload.data)
    .find((data) => data.email === email);
}

test('user_registered says the new account’s role, display name and how it came to be (password sign-up, invitation)', async () => {
  const { tenant, adminUser } = await createWorld(h.admin);
  await h.admin`update identity.tenants set settings = '{"selfRegistration": true}' where id = ${tenant.id}`;
  const signup = await h.app.inject({
    method: 'POST',
    url: '/signup',
    payload: {
      tenant: tenant.slug,
      email: 'self@example.test',
      password: 'a-long-passphrase-42',
      display_name: 'Self',
    },
  });
  assert.equal(signup.statusCode, 201, signup.body);
  const self = await registered(tenant.id, 'self@example.test');
  assert.equal(self?.role, 'student');
  assert.equal(self?.registrationMethod, 'password');
  assert.equal(self?.displayName, 'Self');

  const token = (await tokensFor(h.app, tenant.slug, adminUser.email)).access_token;
  const invited = await h.app.inject({
    method: 'POST',
    url: `/tenants/${tenant.id}/invitations`,
    headers: bearer(token),
    payload: { email: 'invited@example.test', displayName: 'Invited', roles: ['student', 'instructor'] },
  });
  assert.equal(invited.statusCode, 201, invited.body);
  assert.equal(await registered(tenant.id, 'invited@example.test'), undefined, 'not before it is accepted');
  const [mail] = await mailsTo(h.mailDir, 'invited@example.test');
  const accepted = await h.app.inject({
    method: 'POST',
    url: '/invitations/accept',
    payload: { token: mail!.data.token, password: 'teaching-is-fun-2026' },
  });
  assert.equal(accepted.statusCode, 200, accepted.body);
  const viaInvitation = await registered(tenant.id, 'invited@example.test');
  assert.equal(viaInvitation?.role, 'instructor', 'the highest of the roles');
  assert.equal(viaInvitation?.registrationMethod, 'invitation');
  assert.equal(viaInvitation?.displayName, 'Invited', 'the name the administrator entered');
});
