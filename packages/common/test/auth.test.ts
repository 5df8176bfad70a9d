import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import {
  createEndedSessions,
  createServiceApp,
  createTokenVerifier,
  requireUser,
  useTokenVerifier,
  withTenant,
} from '../src/index.ts';
import { adminDb, createTestTenant, serviceDb } from '../src/testing.ts';

const ISSUER = 'http://auth.test';
const AUDIENCE = 'eduspry';
let server: Server;
let jwksUrl: string;
let keys: JWK[] = [];
let fetches = 0;

async function newKey() {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const kid = randomUUID();
  keys.push({ ...(await exportJWK(pair.publicKey)), kid, alg: 'EdDSA' });
  return { kid, privateKey: pair.privateKey };
}

function tokenFor(
  key: { kid: string; privateKey: CryptoKey },
  tenantId: string,
  roles: string[],
  sub = randomUUID(),
) {
  return new SignJWT({
    role: 'authenticated',
    app_metadata: { tenant_id: tenantId, roles },
    session_id: randomUUID(),
  })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey);
}

before(async () => {
  server = createServer((_request, response) => {
    fetches++;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/jwks.json`;
});
after(() => server.close());

type CryptoKey = Parameters<SignJWT['sign']>[0] & object;

test('verifies a bearer token against the JWKS, caching it and refetching on an unknown kid', async () => {
  keys = [];
  const first = await newKey();
  const verifier = createTokenVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE, jwksCooldownMs: 0 });
  const tenantId = randomUUID();
  const claims = await verifier.verify(await tokenFor(first, tenantId, ['student']));
  assert.equal(claims.app_metadata.tenant_id, tenantId);
  await verifier.verify(await tokenFor(first, tenantId, ['student']));
  assert.equal(fetches, 1, 'the JWKS is cached');
  const second = await newKey();
  await verifier.verify(await tokenFor(second, tenantId, ['student']));
  assert.equal(fetches, 2, 'an unknown kid fetched the JWKS again');
  await assert.rejects(
    createTokenVerifier({ jwksUrl, issuer: 'http://other', audience: AUDIENCE }).verify(
      await tokenFor(second, tenantId, []),
    ),
    { status: 401 },
  );
});

test('a verified token is kept until it expires; an ended session or a changed byte is refused all the same', async () => {
  keys = [];
  const key = await newKey();
  const ended = createEndedSessions();
  let lookups = 0;
  const getKey = createLocalJWKSet({ keys });
  const verifier = createTokenVerifier({
    getKey: (header, token) => {
      lookups++;
      return getKey(header, token);
    },
    issuer: ISSUER,
    audience: AUDIENCE,
    clockToleranceSeconds: 0,
    endedSessions: ended,
  });
  const token = await tokenFor(key, randomUUID(), ['student']);
  const claims = await verifier.verify(token);
  for (let i = 0; i < 5; i++) assert.deepEqual(await verifier.verify(token), claims);
  assert.equal(lookups, 1, 'one signature check for six requests with the same token');

  // One byte of the signature changed is another token: checked, and refused.
  const forged = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
  await assert.rejects(verifier.verify(forged), { status: 401 });

  ended.add(claims.session_id as string, Date.now() + 60_000);
  await assert.rejects(verifier.verify(token), { status: 401, message: 'The session has ended' });

  const shortLived = await new SignJWT({
    role: 'authenticated',
    app_metadata: { tenant_id: randomUUID(), roles: ['student'] },
  })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(randomUUID())
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + 1)
    .sign(key.privateKey);
  await verifier.verify(shortLived);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await assert.rejects(verifier.verify(shortLived), { status: 401, message: 'The access token has expired' });
});

test('requireUser: 401 without a valid token, 403 without the role, claims otherwise', async () => {
  keys = [];
  const key = await newKey();
  const app = await createServiceApp({ name: 'example-service' });
  useTokenVerifier(app, createTokenVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE }));
  app.get('/grades', async (request) => {
    const claims = await requireUser(request, { anyOf: ['instructor'] });
    return { tenant: claims.app_metadata.tenant_id };
  });
  const tenantId = randomUUID();
  assert.equal((await app.inject('/grades')).statusCode, 401);
  const student = await tokenFor(key, tenantId, ['student']);
  const forbidden = await app.inject({ url: '/grades', headers: { authorization: `Bearer ${student}` } });
  assert.equal(forbidden.statusCode, 403);
  assert.match(forbidden.headers['content-type'] as string, /problem\+json/);
  const instructor = await tokenFor(key, tenantId, ['instructor']);
  const ok = await app.inject({ url: '/grades', headers: { authorization: `bearer ${instructor}` } });
  assert.deepEqual(ok.json(), { tenant: tenantId });
});

test('an unreachable JWKS answers 503, not 401', async () => {
  const key = await newKey();
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as { port: number }).port;
  await new Promise((resolve) => closed.close(resolve));
  const verifier = createTokenVerifier({
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    issuer: ISSUER,
    audience: AUDIENCE,
  });
  await assert.rejects(verifier.verify(await tokenFor(key, randomUUID(), [])), { status: 503 });
});

test('verified claims run withTenant and RLS shows only their tenant', async () => {
  keys = [];
  const key = await newKey();
  const admin = adminDb();
  const sql = serviceDb('auth-service');
  try {
    const [a, b] = [await createTestTenant(admin), await createTestTenant(admin)];
    for (const tenant of [a, b])
      await admin`insert into identity.users (tenant_id, email, display_name) values (${tenant.id}, 'x@example.test', 'X')`;
    const verifier = createTokenVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE });
    const claims = await verifier.verify(await tokenFor(key, a.id, ['tenant_admin']));
    const tenants = await withTenant(sql, claims, (tx) => tx`select distinct tenant_id from identity.users`);
    assert.deepEqual(
      tenants.map((row) => row.tenant_id),
      [a.id],
    );
  } finally {
    await sql.end();
    await admin.end();
  }
});
