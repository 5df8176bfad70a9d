// deno test: the handler through its public surface (Request → Response) with real tokens and a
// real JWKS served here, and the content-service adapter against a stand-in of content-service's
// two routes it calls (content-service itself needs PostgreSQL and course-service; its own suite
// tests the decisions). Offline: npm packages come from the repository's node_modules.

import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { assert, assertEquals, assertMatch } from '../_shared/test-assert.ts';
import { jwksVerifier } from '../_shared/tokens.ts';
import { contentServiceAccess } from './adapters.ts';
import { createContentAccessHandler } from './handler.ts';

const TENANT = '11111111-1111-4111-8111-111111111111';
const OPEN_FILE = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const LOCKED_FILE = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const COURSE = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
const ITEM = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';

const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
const stranger = await generateKeyPair('EdDSA', { extractable: true });
const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'EdDSA', use: 'sig' };
const jwksServer = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, () =>
  Response.json({ keys: [jwk] }),
);
const jwksUrl = `http://127.0.0.1:${jwksServer.addr.port}/.well-known/jwks.json`;

function token({ key = privateKey, expires = '5m' } = {}) {
  return new SignJWT({ role: 'authenticated', app_metadata: { tenant_id: TENANT, roles: ['student'] } })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
    .setSubject('user-1')
    .setIssuer('http://auth.test')
    .setAudience('eduspry')
    .setIssuedAt()
    .setExpirationTime(expires)
    .sign(key);
}

// Stand-in of content-service: answers as the real one does for an open and a locked file.
const seen: { path: string; authorization: string | null; body: string }[] = [];
const contentService = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, async (request) => {
  const url = new URL(request.url);
  seen.push({
    path: url.pathname + url.search,
    authorization: request.headers.get('authorization'),
    body: await request.text(),
  });
  if (url.pathname === `/files/${OPEN_FILE}/signed-url`)
    return Response.json({
      url: `http://content.test/signed/${TENANT}/${OPEN_FILE}/2?expires=1&signature=s`,
      expiresAt: '2030-01-01T00:00:00.000Z',
      version: 2,
    });
  if (url.pathname === `/files/${LOCKED_FILE}/signed-url`)
    return Response.json(
      {
        type: 'https://eduspry.dev/problems/item-locked',
        title: 'Item locked',
        status: 403,
        reason: 'locked-until-date',
      },
      { status: 403, headers: { 'content-type': 'application/problem+json' } },
    );
  if (url.pathname === `/courses/${COURSE}/files`)
    return Response.json({ files: [{ id: OPEN_FILE, name: 'slides.pdf', mediaType: 'application/pdf' }] });
  if (url.pathname === '/files/eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee/signed-url')
    return new Response('boom', { status: 500 });
  return Response.json(
    { type: 'https://eduspry.dev/problems/file-not-found', status: 404, title: 'File not found' },
    { status: 404 },
  );
});

const handler = createContentAccessHandler({
  verifyToken: jwksVerifier({ jwksUrl, issuer: 'http://auth.test', audience: 'eduspry' }),
  ...contentServiceAccess({ contentServiceUrl: `http://127.0.0.1:${contentService.addr.port}` }),
});

const post = (body: unknown, bearer?: string, raw?: string) =>
  handler(
    new Request('http://edge.test/functions/v1/content-access', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: raw ?? JSON.stringify(body),
    }),
  );

Deno.test('answers a signed URL for a file the caller may open, asking content-service as the caller', async () => {
  const caller = await token();
  const response = await post({ fileId: OPEN_FILE }, caller);
  assertEquals(response.status, 200);
  const body = await response.json();
  assertMatch(body.url, /\/signed\/.+signature=/);
  assertEquals(body.version, 2);
  assertEquals(response.headers.get('cache-control'), 'no-store');
  const call = seen.find((s) => s.path === `/files/${OPEN_FILE}/signed-url`)!;
  assertEquals(call.authorization, `Bearer ${caller}`);
});

Deno.test("a locked item's refusal comes back as content-service said it, with the lock reason", async () => {
  const response = await post({ fileId: LOCKED_FILE }, await token());
  assertEquals(response.status, 403);
  assertEquals((await response.json()).reason, 'locked-until-date');
});

Deno.test('an unknown file is 404; a failing content-service is 502', async () => {
  assertEquals((await post({ fileId: 'ffffffff-ffff-4fff-8fff-ffffffffffff' }, await token())).status, 404);
  assertEquals((await post({ fileId: 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee' }, await token())).status, 502);
});

Deno.test('an item id answers signed URLs for each of its files', async () => {
  const response = await post({ courseId: COURSE, itemId: ITEM, download: true }, await token());
  assertEquals(response.status, 200);
  const { files } = await response.json();
  assertEquals(files.length, 1);
  assertEquals(files[0].name, 'slides.pdf');
  assert(seen.some((s) => s.path === `/courses/${COURSE}/files?itemIds=${ITEM}`));
  assert(seen.some((s) => s.body === JSON.stringify({ download: true })));
});

Deno.test('no token, a forged token or an expired one is 401, and content-service is not asked', async () => {
  const before = seen.length;
  assertEquals((await post({ fileId: OPEN_FILE })).status, 401);
  assertEquals((await post({ fileId: OPEN_FILE }, await token({ key: stranger.privateKey }))).status, 401);
  assertEquals((await post({ fileId: OPEN_FILE }, await token({ expires: '-1m' }))).status, 401);
  assertEquals(seen.length, before);
});

Deno.test('hostile bodies are 4xx problems: not JSON, wrong types, path tricks, huge', async () => {
  const caller = await token();
  for (const [body, raw] of [
    [undefined, '{not json'],
    [[1, 2], undefined],
    [{ fileId: '../../admin' }, undefined],
    [{ fileId: 42 }, undefined],
    [{ courseId: COURSE }, undefined],
    [{ fileId: `${OPEN_FILE}\u0000` }, undefined],
    [undefined, JSON.stringify({ fileId: 'x'.repeat(10_000) })],
  ] as const) {
    const response = await post(body, caller, raw);
    assert(response.status >= 400 && response.status < 500, `answered ${response.status}`);
    assertEquals(response.headers.get('content-type'), 'application/problem+json');
    await response.body?.cancel();
  }
  const get = await handler(new Request('http://edge.test/functions/v1/content-access'));
  assertEquals(get.status, 405);
  await get.body?.cancel();
});

Deno.test('closes its servers', async () => {
  await jwksServer.shutdown();
  await contentService.shutdown();
});
