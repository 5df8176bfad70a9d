import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import Provider from 'oidc-provider';
import { bearer, createUser, createWorld, type Harness, startAuth, tokensFor } from './helpers.ts';

/**
 * A real OpenID Connect provider (oidc-provider) on 127.0.0.1, standing in for a district's
 * IdP. Its login step signs in whoever `idp.person` names, so the test decides who is at the
 * keyboard; everything else (discovery, PKCE, codes, ID tokens, JWKS) is the provider's own.
 */
const CALLBACK = 'http://127.0.0.1:4001/callback';
const APP = 'http://127.0.0.1:3000/signed-in';
const people: Record<string, { email: string; email_verified: boolean; name: string }> = {
  'idp-alice': { email: 'alice@district.example', email_verified: true, name: 'Alice District' },
  'idp-bob': { email: 'bob@district.example', email_verified: true, name: 'Bob District' },
  'idp-mallory': { email: 'mallory@district.example', email_verified: false, name: 'Mallory' },
};
const idp = { person: 'idp-alice', issuer: '', server: undefined as Server | undefined };
let h: Harness;

before(async () => {
  idp.server = createServer();
  await new Promise<void>((resolve) => idp.server!.listen(0, '127.0.0.1', resolve));
  idp.issuer = `http://127.0.0.1:${(idp.server.address() as { port: number }).port}`;
  const provider = new Provider(idp.issuer, {
    clients: [
      {
        client_id: 'eduspry',
        client_secret: 'district-client-secret',
        redirect_uris: [CALLBACK],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, ...people[id] }) }),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['idp-test-cookie-key'] },
  });
  idp.server.on('request', async (request, response) => {
    if (request.url?.startsWith('/interaction/')) {
      const details = await provider.interactionDetails(request, response);
      const grant = new provider.Grant({ accountId: idp.person, clientId: String(details.params.client_id) });
      grant.addOIDCScope(String(details.params.scope));
      const grantId = await grant.save();
      await provider.interactionFinished(request, response, {
        login: { accountId: idp.person },
        consent: { grantId },
      });
      return;
    }
    provider.callback()(request, response);
  });
  h = await startAuth({ AUTH_REDIRECT_ORIGINS: 'http://127.0.0.1:3000' });
});
after(async () => {
  await h.close();
  idp.server?.closeAllConnections();
  await new Promise((resolve) => idp.server?.close(resolve));
});

/** A browser at the IdP: follows its redirects with its cookies until it is sent to our callback. */
async function browseIdp(start: string): Promise<string> {
  const cookies = new Map<string, string>();
  let url = start;
  for (let hop = 0; hop < 10; hop++) {
    if (url.startsWith(CALLBACK)) return url;
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
      signal: AbortSignal.timeout(5000),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      cookies.set(name!, value.join('='));
    }
    const location = response.headers.get('location');
    if (!location) throw new Error(`IdP stopped at ${url}: ${response.status} ${await response.text()}`);
    url = new URL(location, url).toString();
  }
  throw new Error('too many redirects at the IdP');
}

async function signInThroughIdp(tenantSlug: string, person: string) {
  idp.person = person;
  const start = await h.app.inject({
    url: `/authorize?tenant=${tenantSlug}&provider=district&redirect_to=${encodeURIComponent(APP)}`,
  });
  assert.equal(start.statusCode, 302, start.body);
  const authorize = new URL(start.headers.location as string);
  const callback = new URL(await browseIdp(authorize.toString()));
  const done = await h.app.inject({ url: callback.pathname + callback.search });
  return {
    authorize,
    callback,
    done,
    fragment: new URLSearchParams(new URL(done.headers.location as string).hash.slice(1)),
  };
}

async function connectIdp(tenantId: string, adminToken: string, autoProvision = false) {
  const response = await h.app.inject({
    method: 'PUT',
    url: `/tenants/${tenantId}/identity-providers/district`,
    headers: bearer(adminToken),
    payload: {
      issuer: idp.issuer,
      client_id: 'eduspry',
      client_secret: 'district-client-secret',
      auto_provision: autoProvision,
    },
  });
  assert.equal(response.statusCode, 200, response.body);
  return response.json();
}

test('a district user signs in through the tenant’s own OIDC provider (authorization code + PKCE)', async () => {
  const { tenant, adminUser } = await createWorld(h.admin);
  const alice = await createUser(h.admin, tenant.id, ['student'], { email: 'alice@district.example' });
  const adminToken = (await tokensFor(h.app, tenant.slug, adminUser.email)).access_token;
  const configured = await connectIdp(tenant.id, adminToken);
  assert.equal(configured.has_client_secret, true);
  assert.equal(configured.client_secret, undefined, 'the secret is never shown');

  const { authorize, done, fragment } = await signInThroughIdp(tenant.slug, 'idp-alice');
  assert.equal(authorize.origin, idp.issuer);
  assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
  assert.ok(authorize.searchParams.get('code_challenge'));
  assert.equal(authorize.searchParams.get('redirect_uri'), CALLBACK);
  assert.equal(done.statusCode, 302);
  assert.ok((done.headers.location as string).startsWith(`${APP}#`));
  assert.equal(fragment.get('error'), null, fragment.get('error_description') ?? '');
  const me = await h.app.inject({ url: '/user', headers: bearer(fragment.get('access_token')!) });
  assert.equal(me.json().id, alice.id);
  const sessions = await h.app.inject({ url: '/sessions', headers: bearer(fragment.get('access_token')!) });
  assert.equal(sessions.json().items[0].provider, 'oidc:district');
  // Linked by subject now: the next sign-in finds her even if her email changes at the IdP.
  const [link] = await h.admin`select subject from identity.user_identities where user_id = ${alice.id}`;
  assert.equal(link?.subject, 'idp-alice');
  // Refresh works like any session.
  const refreshed = await h.app.inject({
    method: 'POST',
    url: '/token?grant_type=refresh_token',
    payload: { refresh_token: fragment.get('refresh_token') },
  });
  assert.equal(refreshed.statusCode, 200);
});

test('a change that leaves the secret out keeps it; null removes it (a public client)', async () => {
  const { tenant, adminUser } = await createWorld(h.admin);
  await createUser(h.admin, tenant.id, ['student'], { email: 'alice@district.example' });
  const adminToken = (await tokensFor(h.app, tenant.slug, adminUser.email)).access_token;
  await connectIdp(tenant.id, adminToken);
  const change = (secret: object) =>
    h.app.inject({
      method: 'PUT',
      url: `/tenants/${tenant.id}/identity-providers/district`,
      headers: bearer(adminToken),
      payload: { issuer: idp.issuer, client_id: 'eduspry', scopes: 'openid email', ...secret },
    });
  const kept = await change({});
  assert.equal(kept.statusCode, 200, kept.body);
  assert.equal(kept.json().has_client_secret, true);
  assert.equal(kept.json().scopes, 'openid email');
  // The IdP authenticates the client by its secret at the token endpoint: still the stored one.
  const signedIn = await signInThroughIdp(tenant.slug, 'idp-alice');
  assert.ok(signedIn.fragment.get('access_token'), signedIn.fragment.get('error_description') ?? '');

  const removed = await change({ client_secret: null });
  assert.equal(removed.statusCode, 200, removed.body);
  assert.equal(removed.json().has_client_secret, false);
  const audit = await h.admin<{ secret: string }[]>`
    select detail->>'secret' as secret from identity.audit_events
    where tenant_id = ${tenant.id} and action = 'identity_provider.configured' order by id`;
  assert.deepEqual(
    audit.map((row) => row.secret),
    ['set', 'kept', 'removed'],
  );
});

test('an unknown IdP user is refused unless the provider auto-provisions; unverified emails are never trusted', async () => {
  const { tenant, adminUser } = await createWorld(h.admin);
  const adminToken = (await tokensFor(h.app, tenant.slug, adminUser.email)).access_token;
  await connectIdp(tenant.id, adminToken, false);
  const refused = await signInThroughIdp(tenant.slug, 'idp-bob');
  assert.equal(refused.fragment.get('error'), 'access_denied');
  assert.equal(refused.fragment.get('access_token'), null);

  await connectIdp(tenant.id, adminToken, true);
  const provisioned = await signInThroughIdp(tenant.slug, 'idp-bob');
  assert.ok(provisioned.fragment.get('access_token'), provisioned.fragment.get('error_description') ?? '');
  const [bob] =
    await h.admin`select roles, email_verified_at from identity.users where tenant_id = ${tenant.id} and email = 'bob@district.example'`;
  assert.deepEqual(bob?.roles, ['student']);
  const [event] =
    await h.admin`select event_type, payload from identity.outbox where tenant_id = ${tenant.id}`;
  assert.equal(event?.event_type, 'user.authentication.user_registered');
  assert.equal(event?.payload.data.displayName, 'Bob District', 'the name the provider gave');

  await createUser(h.admin, tenant.id, ['tenant_admin'], { email: 'mallory@district.example' });
  const unverified = await signInThroughIdp(tenant.slug, 'idp-mallory');
  assert.equal(
    unverified.fragment.get('error'),
    'access_denied',
    'an unverified email does not take over an account',
  );
});

test('the callback state is single-use, redirects go only to allowed origins, other tenants cannot configure', async () => {
  const { tenant, adminUser } = await createWorld(h.admin);
  await createUser(h.admin, tenant.id, ['student'], { email: 'alice@district.example' });
  const adminToken = (await tokensFor(h.app, tenant.slug, adminUser.email)).access_token;
  await connectIdp(tenant.id, adminToken);
  const { callback } = await signInThroughIdp(tenant.slug, 'idp-alice');
  const replay = await h.app.inject({ url: callback.pathname + callback.search });
  assert.equal(replay.statusCode, 400);
  assert.equal(replay.json().type, 'https://eduspry.dev/problems/invalid-state');

  const evil = await h.app.inject({
    url: `/authorize?tenant=${tenant.slug}&provider=district&redirect_to=${encodeURIComponent('https://evil.example/steal')}`,
  });
  assert.equal(evil.statusCode, 400);
  assert.equal(evil.json().field, 'querystring.redirect_to');
  const unknown = await h.app.inject({
    url: `/authorize?tenant=${tenant.slug}&provider=nope&redirect_to=${encodeURIComponent(APP)}`,
  });
  assert.equal(unknown.statusCode, 404);

  const other = await createWorld(h.admin, 'other');
  const otherAdmin = (await tokensFor(h.app, other.tenant.slug, other.adminUser.email)).access_token;
  const hijack = await h.app.inject({
    method: 'PUT',
    url: `/tenants/${tenant.id}/identity-providers/district`,
    headers: bearer(otherAdmin),
    payload: { issuer: 'https://evil.example', client_id: 'x' },
  });
  assert.equal(hijack.statusCode, 403);
  const insecure = await h.app.inject({
    method: 'PUT',
    url: `/tenants/${tenant.id}/identity-providers/plain`,
    headers: bearer(adminToken),
    payload: { issuer: 'http://idp.example', client_id: 'x' },
  });
  assert.equal(insecure.statusCode, 400);
  assert.equal(insecure.json().field, 'body.issuer');
});
