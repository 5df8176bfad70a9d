import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTokenVerifier } from '@eduspry/common';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { KeyStore } from '../src/domain/signing-keys.ts';
import { bearer, createUser, createWorld, type Harness, startAuth, tokensFor } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await startAuth();
});
after(() => h.close());

/** Signs arbitrary claims with the service's real current key, as an attacker who stole nothing could not. */
async function signWithServiceKey(
  claims: Record<string, unknown>,
  options: { exp?: number; aud?: string; iss?: string } = {},
) {
  const store = new KeyStore({
    sql: h.sql,
    alg: 'EdDSA',
    overlapSeconds: 1200,
    rotateAfterDays: 30,
  });
  const key = await store.signingKey();
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .setIssuer(options.iss ?? 'http://127.0.0.1:4001')
    .setAudience(options.aud ?? 'eduspry')
    .setSubject(claims.sub as string)
    .setIssuedAt(now - 3600)
    .setExpirationTime(options.exp ?? now + 600)
    .sign(key.privateKey);
}

test('publishes the JWKS and the OpenID configuration', async () => {
  const jwks = await h.app.inject('/.well-known/jwks.json');
  assert.equal(jwks.statusCode, 200);
  const [key] = jwks.json().keys;
  assert.equal(key.kty, 'OKP');
  assert.equal(key.crv, 'Ed25519');
  assert.equal(key.alg, 'EdDSA');
  assert.equal(key.use, 'sig');
  assert.equal(key.d, undefined, 'no private part');
  const discovery = (await h.app.inject('/.well-known/openid-configuration')).json();
  assert.equal(discovery.issuer, 'http://127.0.0.1:4001');
  assert.equal(discovery.jwks_uri, 'http://127.0.0.1:4001/.well-known/jwks.json');
  assert.deepEqual(discovery.id_token_signing_alg_values_supported, ['EdDSA']);
});

test('refuses expired, tampered, wrong-kid, alg:none, HMAC and wrong-audience tokens', async () => {
  const { tenant, student } = await createWorld(h.admin);
  const good = (await tokensFor(h.app, tenant.slug, student.email)).access_token;
  assert.equal((await h.app.inject({ url: '/user', headers: bearer(good) })).statusCode, 200);
  const claims = decodeJwt(good);
  const [header, payload, signature] = good.split('.');
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  const tampered = `${header}.${encode({ ...claims, app_metadata: { ...(claims.app_metadata as object), roles: ['super_admin'] } })}.${signature}`;
  const expired = await signWithServiceKey(claims, { exp: Math.floor(Date.now() / 1000) - 60 });
  const wrongAudience = await signWithServiceKey(claims, { aud: 'another-platform' });
  const wrongIssuer = await signWithServiceKey(claims, { iss: 'https://evil.example' });
  const stranger = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const wrongKid = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: 'not-a-key-we-know' })
    .sign(stranger.privateKey);
  const sameKidOtherKey = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: decodeProtectedHeader(good).kid! })
    .sign(stranger.privateKey);
  const none = `${encode({ alg: 'none', typ: 'JWT' })}.${payload}.`;
  const publicJwk = (await h.app.inject('/.well-known/jwks.json')).json().keys[0];
  const hmac = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', kid: publicJwk.kid })
    .sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
  const cases = {
    tampered,
    expired,
    wrongAudience,
    wrongIssuer,
    wrongKid,
    sameKidOtherKey,
    none,
    hmac,
    garbage: 'abc.def.ghi',
  };
  for (const [name, token] of Object.entries(cases)) {
    const response = await h.app.inject({ url: '/user', headers: bearer(token) });
    assert.equal(response.statusCode, 401, name);
    assert.match(response.headers['content-type'] as string, /problem\+json/, name);
  }
  assert.match((await h.app.inject({ url: '/user', headers: bearer(expired) })).json().detail, /expired/);
  assert.equal((await h.app.inject({ url: '/user' })).statusCode, 401, 'no token');
  assert.equal(
    (await h.app.inject({ url: '/user', headers: { authorization: `Basic ${good}` } })).statusCode,
    401,
  );
  // A validly signed token without the platform claims is refused too.
  const bare = await signWithServiceKey({ sub: student.id });
  assert.equal((await h.app.inject({ url: '/user', headers: bearer(bare) })).statusCode, 401);
});

test('key rotation: new tokens use the new key, old ones stay valid until the overlap ends', async () => {
  const { tenant, student } = await createWorld(h.admin);
  const root = await createUser(h.admin, tenant.id, ['super_admin']);
  const rootToken = (await tokensFor(h.app, tenant.slug, root.email)).access_token;
  const before = (await tokensFor(h.app, tenant.slug, student.email)).access_token;
  const oldKid = decodeProtectedHeader(before).kid;

  const forbidden = await h.app.inject({ method: 'POST', url: '/keys/rotate', headers: bearer(before) });
  assert.equal(forbidden.statusCode, 403);
  const rotated = await h.app.inject({ method: 'POST', url: '/keys/rotate', headers: bearer(rootToken) });
  assert.equal(rotated.statusCode, 200);
  const newKid = rotated.json().kid;
  assert.notEqual(newKid, oldKid);

  const after = (await tokensFor(h.app, tenant.slug, student.email)).access_token;
  assert.equal(decodeProtectedHeader(after).kid, newKid);
  const kids = (await h.app.inject('/.well-known/jwks.json')).json().keys.map((k: { kid: string }) => k.kid);
  assert.ok(kids.includes(oldKid) && kids.includes(newKid), 'both keys are published during the overlap');
  assert.equal((await h.app.inject({ url: '/user', headers: bearer(before) })).statusCode, 200);
  assert.equal((await h.app.inject({ url: '/user', headers: bearer(after) })).statusCode, 200);

  // Once a retired key's overlap is over it leaves the JWKS, and so does trust in what it signed.
  // (A key of this test's own: the shared current key may be signing for other test files.)
  const lapsed = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const lapsedKid = `lapsed-${Date.now()}`;
  await h.admin`insert into identity.signing_keys (kid, alg, public_jwk, private_jwk, created_at, retired_at, published_until)
    values (${lapsedKid}, 'EdDSA', ${h.admin.json((await exportJWK(lapsed.publicKey)) as never)}, 'unused',
            now() - interval '1 day', now() - interval '1 hour', now() - interval '1 second')`;
  const claims = decodeJwt(after);
  const signedByLapsed = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: lapsedKid })
    .sign(lapsed.privateKey);
  const fresh = await startAuth();
  try {
    const jwks = (await fresh.app.inject('/.well-known/jwks.json')).json();
    assert.ok(!jwks.keys.some((k: { kid: string }) => k.kid === lapsedKid));
    assert.equal((await fresh.app.inject({ url: '/user', headers: bearer(signedByLapsed) })).statusCode, 401);
    assert.equal((await fresh.app.inject({ url: '/user', headers: bearer(before) })).statusCode, 200);
    assert.equal((await fresh.app.inject({ url: '/user', headers: bearer(after) })).statusCode, 200);
  } finally {
    await fresh.close();
  }
});

test('another service verifies tokens against the JWKS over HTTP and follows a rotation', async () => {
  const address = await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { tenant, student } = await createWorld(h.admin);
  const root = await createUser(h.admin, tenant.id, ['super_admin']);
  const verifier = createTokenVerifier({
    jwksUrl: `${address}/.well-known/jwks.json`,
    issuer: 'http://127.0.0.1:4001',
    audience: 'eduspry',
  });
  const first = (await tokensFor(h.app, tenant.slug, student.email)).access_token;
  const claims = await verifier.verify(first);
  assert.equal(claims.sub, student.id);
  assert.equal(claims.app_metadata.tenant_id, tenant.id);

  const rootToken = (await tokensFor(h.app, tenant.slug, root.email)).access_token;
  await h.app.inject({ method: 'POST', url: '/keys/rotate', headers: bearer(rootToken) });
  const second = (await tokensFor(h.app, tenant.slug, student.email)).access_token;
  // The verifier has cached the old JWKS; an unknown kid makes it fetch again (after the 1 s cooldown).
  await new Promise((resolve) => setTimeout(resolve, 1100));
  assert.equal((await verifier.verify(second)).sub, student.id);
  assert.equal((await verifier.verify(first)).sub, student.id);
  const wrongAudience = createTokenVerifier({
    jwksUrl: `${address}/.well-known/jwks.json`,
    issuer: 'http://127.0.0.1:4001',
    audience: 'other',
  });
  await assert.rejects(wrongAudience.verify(second), { status: 401 });
});

test('a signing key older than AUTH_KEY_ROTATION_DAYS is replaced on its own', async () => {
  const fresh = await startAuth({ AUTH_KEY_ROTATION_DAYS: '1' });
  try {
    const { tenant, student } = await createWorld(fresh.admin);
    const before = decodeProtectedHeader(
      (await tokensFor(fresh.app, tenant.slug, student.email)).access_token,
    ).kid;
    await fresh.admin`update identity.signing_keys set created_at = now() - interval '2 days' where kid = ${before!}`;
    const restarted = await startAuth({ AUTH_KEY_ROTATION_DAYS: '1' });
    try {
      const after = decodeProtectedHeader(
        (await tokensFor(restarted.app, tenant.slug, student.email)).access_token,
      ).kid;
      assert.notEqual(after, before);
      const kids = (await restarted.app.inject('/.well-known/jwks.json'))
        .json()
        .keys.map((k: { kid: string }) => k.kid);
      assert.ok(kids.includes(before), 'the old key stays published for the overlap');
    } finally {
      await restarted.close();
    }
  } finally {
    await fresh.close();
  }
});
