// deno test: the hook through its public surface with the request and response shapes Supabase
// documents for the custom access token hook, signed with the real `standardwebhooks` library.
import { Webhook } from 'standardwebhooks';
import { assert, assertEquals } from '../_shared/test-assert.ts';
import { standardWebhooksVerifier, supabaseMembership } from './adapters.ts';
import { createAuthHookHandler, type Membership } from './handler.ts';

const SECRET = `v1,whsec_${btoa('a-test-secret-of-thirty-two-bytes!')}`;
const signer = new Webhook(SECRET.replace('v1,', ''));
const USER = '8ccaa7af-909f-44e7-84cb-67cdccb56be6';
const TENANT = '11111111-1111-4111-8111-111111111111';

const members: Record<string, Membership> = {
  [USER]: { tenantId: TENANT, tenantSlug: 'riverside-school-district', roles: ['instructor'] },
};
const handler = createAuthHookHandler({
  verify: standardWebhooksVerifier(SECRET),
  membershipOf: async (userId) => members[userId] ?? null,
});

// The documented example input (claims as Supabase Auth sends them).
function hookInput(userId = USER) {
  return {
    user_id: userId,
    claims: {
      aud: 'authenticated',
      exp: 1715690221,
      iat: 1715686621,
      sub: userId,
      email: 'rivera@riverside.example',
      phone: '',
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: {},
      role: 'authenticated',
      aal: 'aal1',
      amr: [{ method: 'password', timestamp: 1715686621 }],
      session_id: '4b938a09-5372-4177-a314-cfa292099ea2',
      is_anonymous: false,
    },
    authentication_method: 'password',
  };
}

function signed(body: string, { secret = signer, id = 'msg_1' } = {}): Request {
  const at = new Date();
  return new Request('http://127.0.0.1/functions/v1/auth-webhook', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': secret.sign(id, at, body),
    },
    body,
  });
}

Deno.test('adds tenant_id, tenant_slug and roles to app_metadata, keeping every other claim', async () => {
  const input = hookInput();
  const response = await handler(signed(JSON.stringify(input)));
  assertEquals(response.status, 200);
  const { claims } = await response.json();
  assertEquals(claims.app_metadata, {
    provider: 'email',
    providers: ['email'],
    tenant_id: TENANT,
    tenant_slug: 'riverside-school-district',
    roles: ['instructor'],
  });
  for (const claim of [
    'aud',
    'exp',
    'iat',
    'sub',
    'email',
    'phone',
    'role',
    'aal',
    'session_id',
    'is_anonymous',
  ])
    assertEquals(claims[claim], (input.claims as Record<string, unknown>)[claim], claim);
});

Deno.test('refuses a request whose signature does not verify, as a hook error', async () => {
  const body = JSON.stringify(hookInput());
  const stranger = new Webhook(btoa('another-secret-of-thirty-two-bytes'));
  const response = await handler(signed(body, { secret: stranger }));
  assertEquals(response.status, 401);
  assertEquals((await response.json()).error.http_code, 401);
  const tampered = signed(body);
  const forged = new Request(tampered, { body: body.replace('aal1', 'aal2') });
  assertEquals((await handler(forged)).status, 401);
  assertEquals((await handler(new Request('http://x/', { method: 'POST', body }))).status, 401);
});

Deno.test('a user of no tenant cannot get a token; malformed input is a 400, never a crash', async () => {
  const stranger = await handler(signed(JSON.stringify(hookInput('22222222-2222-4222-8222-222222222222'))));
  assertEquals(stranger.status, 403);
  assertEquals((await stranger.json()).error.message, 'this user belongs to no EduSpry tenant');
  for (const body of [
    'not json',
    '{"user_id": 5}',
    '{"user_id":"x","claims":{}}',
    JSON.stringify({ user_id: USER, claims: [] }),
    '{"a":"\u0000"}',
  ]) {
    const response = await handler(signed(body));
    assertEquals(response.status, 400, body);
  }
  assertEquals((await handler(signed('x'.repeat(70_000)))).status, 413);
  assertEquals((await handler(new Request('http://x/'))).status, 405);
});

Deno.test('the Supabase adapter reads the identity row through PostgREST with the service-role key', async () => {
  const seen: Request[] = [];
  const membershipOf = supabaseMembership({
    url: 'http://supabase.test',
    serviceRoleKey: 'service-role',
    fetch: async (input, init) => {
      const request = new Request(input, init);
      seen.push(request);
      return Response.json({
        tenant_id: TENANT,
        roles: ['student'],
        status: 'active',
        tenants: { slug: 'riverside-school-district' },
      });
    },
  });
  const membership = await membershipOf(USER);
  assertEquals(membership, { tenantId: TENANT, tenantSlug: 'riverside-school-district', roles: ['student'] });
  const url = new URL(seen[0]!.url);
  assertEquals(url.pathname, '/rest/v1/users');
  assertEquals(url.searchParams.get('id'), `eq.${USER}`);
  assertEquals(seen[0]!.headers.get('accept-profile'), 'identity');
  assert(seen[0]!.headers.get('authorization')?.endsWith('service-role'));
});
