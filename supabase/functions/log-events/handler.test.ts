// deno test: the handler through its public surface (Request → Response) with real tokens and a
// real JWKS served here, plus both adapters against fake upstreams. Offline: npm packages come
// from the repository's node_modules (deno.json: nodeModulesDir "manual").

import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { LOG_LINE_LIMITS } from '../../../packages/logging/src/log-line.ts';
import { assert, assertEquals, assertMatch } from '../_shared/test-assert.ts';
import { endedSessionsMirror, jwksVerifier } from '../_shared/tokens.ts';
import { selfHostedWriter, supabaseWriter } from './adapters.ts';
import { createLogEventsHandler, type LogEvent } from './handler.ts';

const TENANT = '11111111-1111-4111-8111-111111111111';
const OTHER_TENANT = '22222222-2222-4222-8222-222222222222';

const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
const stranger = await generateKeyPair('EdDSA', { extractable: true });
const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'EdDSA', use: 'sig' };
const jwksServer = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, () =>
  Response.json({ keys: [jwk] }),
);
const jwksUrl = `http://127.0.0.1:${jwksServer.addr.port}/.well-known/jwks.json`;

function token(roles: string[], { tenant = TENANT, key = privateKey, expires = '5m' } = {}) {
  return new SignJWT({
    role: 'authenticated',
    app_metadata: { tenant_id: tenant, roles },
    session_id: 'sess-1',
  })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
    .setSubject('user-1')
    .setIssuer('http://auth.test')
    .setAudience('eduspry')
    .setIssuedAt()
    .setExpirationTime(expires)
    .sign(key);
}

function harness(options: { maxBytes?: number; maxEvents?: number; fail?: boolean } = {}) {
  const written: LogEvent[][] = [];
  const handler = createLogEventsHandler(
    {
      verifyToken: jwksVerifier({ jwksUrl, issuer: 'http://auth.test', audience: 'eduspry' }),
      writeEvents: async (events) => {
        if (options.fail) throw new Error('store down');
        written.push(events);
      },
    },
    { environment: 'test', maxBytes: options.maxBytes, maxEvents: options.maxEvents },
  );
  return { handler, written };
}

function post(body: unknown, bearer?: string, raw?: BodyInit) {
  return new Request('http://edge.test/functions/v1/log-events', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: raw ?? JSON.stringify(body),
  });
}

const event = (overrides: Record<string, unknown> = {}) => ({
  level: 'info',
  message: 'clicked enrol',
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

Deno.test("stores a valid batch for the token's tenant in the standard log shape", async () => {
  const { handler, written } = harness();
  const response = await handler(
    post(
      {
        tenantId: TENANT,
        events: [
          event({ tags: ['ui'], metrics: { ms: 12 }, context: { page: '/courses' } }),
          event({ level: 'error', message: 'upload failed', service: 'admin-portal' }),
        ],
      },
      await token(['student']),
    ),
  );
  assertEquals(response.status, 200);
  assertEquals(await response.json(), { stored: 2 });
  assertEquals(written.length, 1, 'one batch, one write');
  const [first, second] = written[0]!;
  assertEquals(Object.keys(first!), [
    'timestamp',
    'level',
    'service',
    'component',
    'traceId',
    'spanId',
    'tenantId',
    'tenantName',
    'userId',
    'sessionId',
    'message',
    'context',
    'tags',
    'metrics',
    'environment',
  ]);
  assertEquals(first!.tenantId, TENANT);
  assertEquals(first!.userId, 'user-1');
  assertEquals(first!.sessionId, 'sess-1');
  assertEquals(first!.service, 'client:web');
  assertEquals(second!.service, 'client:admin-portal');
  assertEquals(first!.environment, 'test');
});

Deno.test('401 without a token, with a token signed by another key, or an expired one', async () => {
  const { handler, written } = harness();
  await problem(await handler(post({ tenantId: TENANT, events: [event()] })), 401);
  await problem(
    await handler(
      post({ tenantId: TENANT, events: [event()] }, await token(['student'], { key: stranger.privateKey })),
    ),
    401,
  );
  await problem(
    await handler(
      post({ tenantId: TENANT, events: [event()] }, await token(['student'], { expires: '-1m' })),
    ),
    401,
  );
  assertEquals(written.length, 0);
});

Deno.test("another tenant's tenantId is refused unless the caller is super_admin", async () => {
  const { handler, written } = harness();
  const refused = await problem(
    await handler(post({ tenantId: OTHER_TENANT, events: [event()] }, await token(['tenant_admin']))),
    403,
  );
  assertMatch(refused.detail, /tenant/);
  assertEquals(written.length, 0);
  const allowed = await handler(
    post({ tenantId: OTHER_TENANT, events: [event()] }, await token(['super_admin'])),
  );
  assertEquals(allowed.status, 200);
  assertEquals(written[0]![0]!.tenantId, OTHER_TENANT);
});

Deno.test('malformed bodies and invalid events are refused with 400 and nothing is written', async () => {
  const { handler, written } = harness();
  const bearer = await token(['student']);
  await problem(await handler(post(null, bearer, '{"tenantId": ')), 400);
  await problem(await handler(post({ events: [event()] }, bearer)), 400);
  await problem(await handler(post({ tenantId: TENANT, events: [] }, bearer)), 400);
  const badLevel = await problem(
    await handler(post({ tenantId: TENANT, events: [event(), event({ level: 'loud' })] }, bearer)),
    400,
  );
  assertEquals(badLevel.field, 'events.1.level');
  const badTime = await problem(
    await handler(post({ tenantId: TENANT, events: [event({ timestamp: 'soon' })] }, bearer)),
    400,
  );
  assertEquals(badTime.field, 'events.0.timestamp');
  const badMetric = await problem(
    await handler(post({ tenantId: TENANT, events: [event({ metrics: { ms: 'fast' } })] }, bearer)),
    400,
  );
  assertEquals(badMetric.field, 'events.0.metrics');
  // Bytes that are not UTF-8 are refused, not stored as U+FFFD.
  const latin1 = new Uint8Array([
    ...new TextEncoder().encode(`{"tenantId":"${TENANT}","events":[{"level":"info","message":"caf`),
    0xe9,
    ...new TextEncoder().encode('"}]}'),
  ]);
  const notUtf8 = await problem(await handler(post(null, bearer, latin1)), 400);
  assertEquals(notUtf8.field, 'body');
  assertEquals(written.length, 0);
});

Deno.test('NUL, unpaired surrogates and __proto__ keys answer 400 naming the field, never 502', async () => {
  // A store that refuses such text as PostgreSQL does: the handler must never get that far.
  const { handler, written } = harness({ fail: true });
  const bearer = await token(['student']);
  const cases: [string, string][] = [
    [`{"tenantId":"${TENANT}","events":[{"level":"info","message":"a\\u0000b"}]}`, 'events.0.message'],
    [`{"tenantId":"${TENANT}","events":[{"level":"info","message":"\\ud800"}]}`, 'events.0.message'],
    [
      `{"tenantId":"${TENANT}","events":[{"level":"info","message":"m","service":"x\\u0000"}]}`,
      'events.0.service',
    ],
    [
      `{"tenantId":"${TENANT}","events":[{"level":"info","message":"m","context":{"__proto__":{"admin":true}}}]}`,
      'events.0.context.__proto__',
    ],
  ];
  for (const [raw, field] of cases) {
    const body = await problem(await handler(post(null, bearer, raw)), 400);
    assertEquals(body.field, field);
  }
  assertEquals(written.length, 0);
});

Deno.test('batches over the documented byte or event limit get 413 and nothing is written', async () => {
  const { handler, written } = harness({ maxBytes: 2048, maxEvents: 3 });
  const bearer = await token(['student']);
  await problem(
    await handler(post({ tenantId: TENANT, events: [event({ message: 'x'.repeat(4000) })] }, bearer)),
    413,
  );
  await problem(
    await handler(post({ tenantId: TENANT, events: [event(), event(), event(), event()] }, bearer)),
    413,
  );
  assertEquals(written.length, 0);
  assertEquals(
    (await handler(post({ tenantId: TENANT, events: [event(), event(), event()] }, bearer))).status,
    200,
  );
});

Deno.test('a failing store answers 502 and CORS preflight is answered', async () => {
  const { handler } = harness({ fail: true });
  await problem(await handler(post({ tenantId: TENANT, events: [event()] }, await token(['student']))), 502);
  const preflight = await handler(new Request('http://edge.test/', { method: 'OPTIONS' }));
  assertEquals(preflight.status, 204);
  assert(preflight.headers.get('access-control-allow-headers')?.includes('authorization'));
  await problem(await handler(new Request('http://edge.test/', { method: 'GET' })), 405);
});

Deno.test('the Supabase adapter ensures partitions, then inserts the batch in one request with supabase-js', async () => {
  const calls: { path: string; body: unknown; headers: Headers }[] = [];
  const postgrest = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, async (request) => {
    calls.push({ path: new URL(request.url).pathname, body: await request.json(), headers: request.headers });
    return new Response(new URL(request.url).pathname.includes('/rpc/') ? '0' : null, {
      status: new URL(request.url).pathname.includes('/rpc/') ? 200 : 201,
      headers: { 'content-type': 'application/json' },
    });
  });
  try {
    const write = supabaseWriter({
      url: `http://127.0.0.1:${postgrest.addr.port}`,
      serviceRoleKey: 'service-role-key',
    });
    const { handler } = {
      handler: createLogEventsHandler({ verifyToken: jwksVerifier({ jwksUrl }), writeEvents: write }),
    };
    const response = await handler(
      post(
        {
          tenantId: TENANT,
          events: [
            event(),
            event({ level: 'warn', timestamp: new Date(Date.now() - 86_400_000).toISOString() }),
          ],
        },
        await token(['student']),
      ),
    );
    assertEquals(response.status, 200);
    assertEquals(
      calls.map((call) => call.path),
      ['/rest/v1/rpc/ensure_day_partitions', '/rest/v1/log_entries'],
    );
    assertEquals(calls[0]!.headers.get('content-profile'), 'logging');
    const rows = calls[1]!.body as { tenant_id: string; severity: number; level: string }[];
    assertEquals(rows.length, 2);
    assertEquals(rows[1]!.severity, 40);
    assertEquals(rows[0]!.tenant_id, TENANT);
    assertEquals(calls[1]!.headers.get('authorization'), 'Bearer service-role-key');
  } finally {
    await postgrest.shutdown();
  }
});

Deno.test('the self-hosted adapter hands the batch to logging-service as the caller', async () => {
  const received: { authorization: string | null; body: { lines: LogEvent[] } }[] = [];
  let status = 200;
  const loggingService = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, async (request) => {
    received.push({ authorization: request.headers.get('authorization'), body: await request.json() });
    return Response.json({ stored: 1 }, { status });
  });
  try {
    const handler = createLogEventsHandler({
      verifyToken: jwksVerifier({ jwksUrl }),
      writeEvents: selfHostedWriter({ loggingServiceUrl: `http://127.0.0.1:${loggingService.addr.port}` }),
    });
    const bearer = await token(['student']);
    assertEquals((await handler(post({ tenantId: TENANT, events: [event()] }, bearer))).status, 200);
    assertEquals(received[0]!.authorization, `Bearer ${bearer}`);
    assertEquals(received[0]!.body.lines[0]!.tenantId, TENANT);
    status = 503;
    await problem(await handler(post({ tenantId: TENANT, events: [event()] }, bearer)), 502);
  } finally {
    await loggingService.shutdown();
  }
});

Deno.test('a token of a session auth-service reports ended is refused with 401', async () => {
  const ended: { sessionId: string; expiresAt: number }[] = [];
  const auth = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, () =>
    Response.json({ now: Date.now(), items: ended }),
  );
  const mirror = endedSessionsMirror({
    authServiceUrl: `http://127.0.0.1:${auth.addr.port}`,
    intervalMs: 60_000,
  });
  try {
    const written: LogEvent[][] = [];
    const handler = createLogEventsHandler({
      verifyToken: jwksVerifier({ jwksUrl, endedSessions: mirror }),
      writeEvents: async (events) => {
        written.push(events);
      },
    });
    const bearer = await token(['student']);
    assertEquals((await handler(post({ tenantId: TENANT, events: [event()] }, bearer))).status, 200);
    ended.push({ sessionId: 'sess-1', expiresAt: Date.now() + 60_000 });
    await mirror.poll();
    await problem(await handler(post({ tenantId: TENANT, events: [event()] }, bearer)), 401);
    assertEquals(written.length, 1);
  } finally {
    mirror.stop();
    await auth.shutdown();
  }
});

globalThis.addEventListener('unload', () => void jwksServer.shutdown());

Deno.test("the limits are the log line schema's, the same logging-service applies (50 tags, 32 KiB messages)", async () => {
  const { handler, written } = harness({ maxBytes: 1024 * 1024 });
  const bearer = await token(['student']);
  const send = (overrides: Record<string, unknown>) =>
    handler(post({ tenantId: TENANT, events: [event(overrides)] }, bearer));
  const tags = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);
  // 21 tags and 8,193 characters were refused here while logging-service took them.
  assertEquals((await send({ tags: tags(LOG_LINE_LIMITS.tags) })).status, 200);
  assertEquals((await send({ message: 'x'.repeat(LOG_LINE_LIMITS.messageChars) })).status, 200);
  assertEquals(LOG_LINE_LIMITS.tags, 50);
  assertEquals(LOG_LINE_LIMITS.messageChars, 32 * 1024);
  const tooManyTags = await problem(await send({ tags: tags(LOG_LINE_LIMITS.tags + 1) }), 400);
  assertEquals(tooManyTags.field, 'events.0.tags');
  const tooLong = await problem(await send({ message: 'x'.repeat(LOG_LINE_LIMITS.messageChars + 1) }), 400);
  assertEquals(tooLong.field, 'events.0.message');
  assertEquals(written.length, 2);
});
