// deno test: the handler through its public surface (Request → Response) with real tokens and a
// real JWKS served here, forwarding through the real adapter to a local HTTP server standing in
// for analytics-service's POST /track. Offline: npm packages come from the repository's
// node_modules (deno.json: nodeModulesDir "manual").
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { assert, assertEquals, assertMatch } from '../_shared/test-assert.ts';
import { jwksVerifier } from '../_shared/tokens.ts';
import { analyticsServiceTracker } from './adapters.ts';
import { createAnalyticsHandler } from './handler.ts';

const TENANT = '11111111-1111-4111-8111-111111111111';
const OTHER_TENANT = '22222222-2222-4222-8222-222222222222';
const USER = '33333333-3333-4333-8333-333333333333';
const COURSE = '44444444-4444-4444-8444-444444444444';

const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
const stranger = await generateKeyPair('EdDSA', { extractable: true });
const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'EdDSA', use: 'sig' };
const jwksServer = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, () =>
  Response.json({ keys: [jwk] }),
);
const jwksUrl = `http://127.0.0.1:${jwksServer.addr.port}/.well-known/jwks.json`;

// The stand-in analytics-service: records what arrives, answers as told.
const arrived: { authorization: string | null; body: { events: Record<string, unknown>[] } }[] = [];
let answer: () => Response = () => new Response(null, { status: 500 });
const service = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, async (request) => {
  const url = new URL(request.url);
  if (request.method !== 'POST' || url.pathname !== '/track') return new Response(null, { status: 404 });
  const body = await request.json();
  arrived.push({ authorization: request.headers.get('authorization'), body });
  return answer();
});
const serviceUrl = `http://127.0.0.1:${service.addr.port}`;
const accepting = () => {
  answer = () =>
    Response.json({ accepted: arrived.at(-1)!.body.events.length, duplicates: 0 }, { status: 202 });
};

function token(roles: string[], { tenant = TENANT, key = privateKey, expires = '5m' } = {}) {
  return new SignJWT({ role: 'authenticated', app_metadata: { tenant_id: tenant, roles }, session_id: 's1' })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
    .setSubject(USER)
    .setIssuer('http://auth.test')
    .setAudience('eduspry')
    .setIssuedAt()
    .setExpirationTime(expires)
    .sign(key);
}

function harness(options: { maxEvents?: number; baseUrl?: string } = {}) {
  return createAnalyticsHandler(
    {
      verifyToken: jwksVerifier({ jwksUrl, issuer: 'http://auth.test', audience: 'eduspry' }),
      track: analyticsServiceTracker({ analyticsServiceUrl: options.baseUrl ?? serviceUrl, timeoutMs: 1000 }),
    },
    options.maxEvents ? { maxEvents: options.maxEvents } : {},
  );
}

function post(
  body: unknown,
  bearer?: string,
  { raw, type = 'application/json' }: { raw?: BodyInit; type?: string } = {},
) {
  return new Request('http://edge.test/analytics', {
    method: 'POST',
    headers: { 'content-type': type, ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: raw ?? JSON.stringify(body),
  });
}

const event = (overrides: Record<string, unknown> = {}) => ({
  id: crypto.randomUUID(),
  type: 'page_view',
  at: new Date(Date.now() - 1000).toISOString(),
  path: '/courses',
  ...overrides,
});

async function problem(response: Response, status: number) {
  assertEquals(response.status, status);
  assertMatch(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
  const body = await response.json();
  assertEquals(body.status, status);
  assertMatch(body.type, /^https:\/\/eduspry\.dev\/problems\//);
  return body;
}

Deno.test("forwards a valid batch of every event type with the caller's token and answers 202", async () => {
  accepting();
  const handler = harness();
  const bearer = await token(['student']);
  const events = [
    event(),
    event({ type: 'item_opened', courseId: COURSE, itemId: crypto.randomUUID() }),
    event({ type: 'video_played', courseId: COURSE, itemId: crypto.randomUUID(), positionSeconds: 0 }),
    event({ type: 'video_paused', positionSeconds: 12.5 }),
    event({ type: 'video_seeked', positionSeconds: 300 }),
    event({ type: 'heartbeat', courseId: COURSE, seconds: 30 }),
  ];
  const before = arrived.length;
  const response = await handler(post({ events }, bearer));
  assertEquals(response.status, 202);
  assertEquals(await response.json(), { accepted: 6, duplicates: 0 });
  assertEquals(arrived.length, before + 1, 'one batch, one call');
  assertEquals(arrived.at(-1)!.authorization, `Bearer ${bearer}`);
  assertEquals(arrived.at(-1)!.body, { events });
});

Deno.test('401 without a token, with a token signed by another key, or an expired one', async () => {
  accepting();
  const handler = harness();
  const before = arrived.length;
  await problem(await handler(post({ events: [event()] })), 401);
  await problem(
    await handler(post({ events: [event()] }, await token(['student'], { key: stranger.privateKey }))),
    401,
  );
  await problem(
    await handler(post({ events: [event()] }, await token(['student'], { expires: '-1m' }))),
    401,
  );
  assertEquals(arrived.length, before);
});

Deno.test('a tenantId or userId in the body or an event is refused, never counted for it', async () => {
  accepting();
  const handler = harness();
  const bearer = await token(['super_admin']);
  const before = arrived.length;
  for (const [body, field] of [
    [{ tenantId: OTHER_TENANT, events: [event()] }, 'tenantId'],
    [{ userId: crypto.randomUUID(), events: [event()] }, 'userId'],
    [{ events: [event(), event({ tenantId: OTHER_TENANT })] }, 'events.1.tenantId'],
    [{ events: [event({ user_id: crypto.randomUUID() })] }, 'events.0.user_id'],
  ] as const) {
    const refused = await problem(await handler(post(body, bearer)), 400);
    assertMatch(refused.type, /forged-identity$/);
    assertEquals(refused.field, field);
  }
  assertEquals(arrived.length, before, 'nothing forwarded');
});

Deno.test('invalid events are 400 naming the field; nothing is forwarded', async () => {
  accepting();
  const handler = harness();
  const bearer = await token(['student']);
  const before = arrived.length;
  const cases: [unknown, string][] = [
    [[], 'body'],
    [{}, 'events'],
    [{ events: [] }, 'events'],
    [{ events: 'x' }, 'events'],
    [{ events: [event({ id: 'not-a-uuid' })] }, 'events.0.id'],
    [{ events: [event(), event({ type: 'keystroke' })] }, 'events.1.type'],
    [{ events: [{ id: crypto.randomUUID(), at: new Date().toISOString() }] }, 'events.0.type'],
    [{ events: [event({ at: 'yesterday' })] }, 'events.0.at'],
    [{ events: [event({ courseId: 7 })] }, 'events.0.courseId'],
    [{ events: [event({ path: 'x'.repeat(2049) })] }, 'events.0.path'],
    [{ events: [event({ type: 'heartbeat', seconds: 301 })] }, 'events.0.seconds'],
    [{ events: [event({ type: 'video_seeked', positionSeconds: -1 })] }, 'events.0.positionSeconds'],
    [{ events: [event({ password: 'x' })] }, 'events.0.password'],
    [{ events: [event()], extra: true }, 'extra'],
    [{ events: [null] }, 'events.0'],
  ];
  for (const [body, field] of cases) {
    const refused = await problem(await handler(post(body, bearer)), 400);
    assertEquals(refused.field, field, JSON.stringify(body).slice(0, 80));
  }
  await problem(await handler(post(undefined, bearer, { raw: '{"events": [' })), 400);
  assertEquals(arrived.length, before);
});

Deno.test('clock skew: more than 24 h old or 5 min ahead is refused, within it accepted', async () => {
  accepting();
  const handler = harness();
  const bearer = await token(['student']);
  const old = await problem(
    await handler(
      post({ events: [event({ at: new Date(Date.now() - 25 * 3_600_000).toISOString() })] }, bearer),
    ),
    400,
  );
  assertMatch(old.type, /clock-skew$/);
  assertEquals(old.field, 'events.0.at');
  const ahead = await problem(
    await handler(
      post({ events: [event(), event({ at: new Date(Date.now() + 10 * 60_000).toISOString() })] }, bearer),
    ),
    400,
  );
  assertEquals(ahead.field, 'events.1.at');
  const fine = await handler(
    post(
      {
        events: [
          event({ at: new Date(Date.now() - 23 * 3_600_000).toISOString() }),
          event({ at: new Date(Date.now() + 4 * 60_000).toISOString() }),
        ],
      },
      bearer,
    ),
  );
  assertEquals(fine.status, 202);
});

Deno.test('limits: over 500 events, a 10 MB body (declared or streamed) are 413; NUL, __proto__, bad UTF-8 are 400', async () => {
  accepting();
  const handler = harness();
  const bearer = await token(['student']);
  const before = arrived.length;
  const many = await problem(
    await handler(post({ events: Array.from({ length: 501 }, () => event()) }, bearer)),
    413,
  );
  assertMatch(many.type, /batch-too-large$/);
  const huge = `{"events":[${'1,'.repeat(5 * 1024 * 1024)}1]}`;
  await problem(await handler(post(undefined, bearer, { raw: huge })), 413);
  // Streamed without a Content-Length: the reader stops at the limit.
  const streamed = new ReadableStream<Uint8Array>({
    start(controller) {
      const chunk = new TextEncoder().encode('x'.repeat(1024 * 1024));
      for (let i = 0; i < 10; i++) controller.enqueue(chunk);
      controller.close();
    },
  });
  await problem(await handler(post(undefined, bearer, { raw: streamed })), 413);
  const nul = await problem(await handler(post({ events: [event({ path: '/a\u0000b' })] }, bearer)), 400);
  assertEquals(nul.reason, 'nul');
  const proto = await problem(
    await handler(post(undefined, bearer, { raw: `{"events":[{"__proto__":{"admin":true}}]}` })),
    400,
  );
  assertEquals(proto.reason, 'forbidden-key');
  const latin1 = new Uint8Array([
    ...new TextEncoder().encode('{"events":[{"path":"'),
    0xff,
    0xfe,
    ...new TextEncoder().encode('"}]}'),
  ]);
  await problem(await handler(post(undefined, bearer, { raw: latin1 })), 400);
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  await problem(await handler(post(undefined, bearer, { raw: `{"events":${deep}}` })), 400);
  await problem(await handler(post({ events: [event()] }, bearer, { type: 'text/plain' })), 415);
  assertEquals(arrived.length, before);
});

Deno.test('methods and preflight: GET is 405, OPTIONS is 204 with CORS and needs no token', async () => {
  const handler = harness();
  await problem(await handler(new Request('http://edge.test/analytics', { method: 'GET' })), 405);
  const preflight = await handler(new Request('http://edge.test/analytics', { method: 'OPTIONS' }));
  assertEquals(preflight.status, 204);
  assert(preflight.headers.get('access-control-allow-headers')?.includes('authorization'));
});

Deno.test("the service's verdicts pass through; its failures and its absence are 502", async () => {
  const handler = harness();
  const bearer = await token(['student']);
  answer = () =>
    Response.json(
      { type: 'https://eduspry.dev/problems/forbidden', title: 'Forbidden', status: 403, detail: 'no' },
      { status: 403, headers: { 'content-type': 'application/problem+json' } },
    );
  const refused = await problem(await handler(post({ events: [event()] }, bearer)), 403);
  assertEquals(refused.detail, 'no');
  answer = () => new Response('boom', { status: 500 });
  const failed = await problem(await handler(post({ events: [event()] }, bearer)), 502);
  assertMatch(failed.type, /analytics-unavailable$/);
  answer = () => Response.json({ accepted: 1, duplicates: 1 }, { status: 202 });
  const duplicate = await handler(post({ events: [event()] }, bearer));
  assertEquals(await duplicate.json(), { accepted: 1, duplicates: 1 });
  const unreachable = harness({ baseUrl: 'http://127.0.0.1:9' });
  await problem(await unreachable(post({ events: [event()] }, bearer)), 502);
});

Deno.test({
  name: 'stops the stand-in servers',
  fn: async () => {
    await service.shutdown();
    await jwksServer.shutdown();
  },
  sanitizeResources: false,
  sanitizeOps: false,
});
