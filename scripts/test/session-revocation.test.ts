// Ending a session stops its access token everywhere within 5 s: auth-service, course-service,
// logging-service, the api-gateway (REST pass-through and GraphQL) and the edge functions that
// take a user's token (log-events, analytics, content-access, on Deno behind the Supabase-shaped
// entry), each a real process as `npm start` runs it, fed by `user.authentication.session_ended`
// through the event bus.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createDb, type Sql } from '@eduspry/common';
import { createTestTenant } from '@eduspry/common/testing';
import { hashPassword } from '../../services/auth-service/src/domain/passwords.ts';
import { type PlatformProcesses, startPlatformProcesses } from '../lib/platform-processes.ts';

const PASSWORD = 'Revocation-Test-2026';
let platform: PlatformProcesses;
let admin: Sql;
let passwordHash: string;

before(async () => {
  admin = createDb(process.env.DATABASE_URL!, { applicationName: 'revocation-test', max: 2 });
  passwordHash = await hashPassword(PASSWORD);
  platform = await startPlatformProcesses();
});
after(async () => {
  await platform?.stop();
  await admin?.end();
});

async function user(tenant: { id: string }, roles: string[]) {
  const email = `${roles[0]}-${Math.random().toString(36).slice(2, 10)}@revocation.test`;
  const [row] = await admin<{ id: string }[]>`
    insert into identity.users (tenant_id, email, display_name, password_hash, roles, status, email_verified_at)
    values (${tenant.id}, ${email}, 'Revocation test', ${passwordHash}, ${roles}, 'active', now()) returning id`;
  return { id: row!.id, email };
}

async function signIn(tenantSlug: string, email: string) {
  const response = await fetch(`${platform.authUrl}/token?grant_type=password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: tenantSlug, email, password: PASSWORD }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as { access_token: string; refresh_token: string };
}

/** What each verifier says about a token: true when it is accepted. Each is asked with a
 * deadline, so a verifier that never answers fails the test by name instead of hanging it. */
async function acceptedBy(token: string, tenantId: string): Promise<Record<string, boolean>> {
  const authorization = `Bearer ${token}`;
  const ask = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, {
      ...init,
      headers: { authorization, ...(init.headers ?? {}) },
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: await response.text() };
  };
  const post = (url: string, body: unknown) =>
    ask(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const edge = (name: string, body: unknown) => post(`${platform.supabaseUrl}/functions/v1/${name}`, body);
  const checks: Record<string, () => Promise<boolean>> = {
    logEvents: async () =>
      (await edge('log-events', { tenantId, events: [{ level: 'info', message: 'still signed in?' }] }))
        .status === 200,
    // Accepted: the function got past the token (a file nobody has is its 404, not a 401).
    contentAccess: async () =>
      (await edge('content-access', { fileId: '00000000-0000-4000-8000-000000000000' })).status !== 401,
    analytics: async () => (await edge('analytics', { events: [] })).status !== 401,
    auth: async () => (await ask(`${platform.authUrl}/user`)).status === 200,
    course: async () => (await ask(`${platform.courseUrl}/courses`)).status === 200,
    logging: async () => (await ask(`${platform.urls['logging-service']}/logs?limit=1`)).status === 200,
    gatewayRest: async () => (await ask(`${platform.gatewayUrl}/api/course-service/courses`)).status === 200,
    gatewayGraphql: async () => {
      const { body } = await post(`${platform.gatewayUrl}/graphql`, { query: '{ me { id } }' });
      return Boolean((JSON.parse(body) as { data?: { me?: { id: string } | null } }).data?.me?.id);
    },
  };
  const accepted: Record<string, boolean> = {};
  for (const [name, check] of Object.entries(checks)) {
    try {
      accepted[name] = await check();
    } catch (error) {
      throw new Error(`${name} did not answer: ${(error as Error).message}`);
    }
  }
  return accepted;
}

/** Polls until no verifier accepts the token; returns how long that took. */
async function refusedEverywhereWithin(token: string, tenantId: string, ms: number): Promise<number> {
  const started = Date.now();
  let last: Record<string, boolean> = {};
  while (Date.now() - started < ms) {
    last = await acceptedBy(token, tenantId);
    if (Object.values(last).every((accepted) => !accepted)) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`still accepted after ${ms} ms: ${JSON.stringify(last)}`);
}

test('after sign-out the access token is refused by every service within 5 s; other sessions keep working', async () => {
  const tenant = await createTestTenant(admin, 'revoke');
  const someone = await user(tenant, ['tenant_admin']);
  const phone = await signIn(tenant.slug, someone.email);
  const laptop = await signIn(tenant.slug, someone.email);
  const everywhere = (accepted: Record<string, boolean>) =>
    assert.deepEqual(
      Object.entries(accepted).filter(([, yes]) => !yes),
      [],
      'refused by',
    );
  everywhere(await acceptedBy(phone.access_token, tenant.id));

  const logout = await fetch(`${platform.authUrl}/logout?scope=local`, {
    method: 'POST',
    headers: { authorization: `Bearer ${phone.access_token}` },
  });
  assert.equal(logout.status, 204);
  const took = await refusedEverywhereWithin(phone.access_token, tenant.id, 5000);
  console.log(`sign-out reached every verifier within ${took} ms`);
  everywhere(await acceptedBy(laptop.access_token, tenant.id));
});

test('a session revoked for refresh-token reuse, and a deactivated user, stop within 5 s', async () => {
  const tenant = await createTestTenant(admin, 'revoke');
  const districtAdmin = await user(tenant, ['tenant_admin']);
  const student = await user(tenant, ['tenant_admin']);
  const stolen = await signIn(tenant.slug, student.email);
  const refresh = (token: string) =>
    fetch(`${platform.authUrl}/token?grant_type=refresh_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: token }),
    });
  assert.equal((await refresh(stolen.refresh_token)).status, 200);
  // Past the reuse interval a second use of the same refresh token means it was stolen.
  await admin`update identity.refresh_tokens set used_at = now() - interval '1 hour'
              where used_at is not null and session_id in (select id from identity.sessions where user_id = ${student.id})`;
  assert.notEqual((await refresh(stolen.refresh_token)).status, 200);
  await refusedEverywhereWithin(stolen.access_token, tenant.id, 5000);

  const other = await signIn(tenant.slug, student.email);
  const adminTokens = await signIn(tenant.slug, districtAdmin.email);
  const deactivate = await fetch(`${platform.authUrl}/tenants/${tenant.id}/users/${student.id}/deactivate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminTokens.access_token}` },
  });
  assert.equal(deactivate.status, 200, await deactivate.clone().text());
  await refusedEverywhereWithin(other.access_token, tenant.id, 5000);
});
