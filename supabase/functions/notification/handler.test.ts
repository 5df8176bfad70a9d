// deno test: the routes through the public surface, against a local HTTP server standing in for
// notification-service (which verifies the forwarded token itself).

import { assert, assertEquals } from '../_shared/test-assert.ts';
import { httpForwarder } from './adapters.ts';
import { createNotificationHandler } from './handler.ts';

const seen: { method: string; path: string; authorization: string | null; body: string }[] = [];
let down = false;
const service = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, async (request) => {
  const url = new URL(request.url);
  seen.push({
    method: request.method,
    path: url.pathname + url.search,
    authorization: request.headers.get('authorization'),
    body: await request.text(),
  });
  if (down) return new Response(null, { status: 500 });
  return Response.json({ ok: true, unread: 3 });
});
const handler = createNotificationHandler({
  forward: httpForwarder({ baseUrl: `http://127.0.0.1:${service.addr.port}`, timeoutMs: 1000 }),
});
const auth = { authorization: 'Bearer user-token' };
const call = (method: string, path: string, body?: string, headers: Record<string, string> = auth) =>
  handler(
    new Request(`http://127.0.0.1:54321/functions/v1/notification${path}`, {
      method,
      headers,
      ...(body ? { body } : {}),
    }),
  );

Deno.test('forwards each route with the caller’s own token', async () => {
  const id = '11111111-1111-4111-8111-111111111111';
  const cases: [string, string, string, string?][] = [
    ['GET', '/inbox?limit=5&unread=true', '/notifications?limit=5&unread=true'],
    ['GET', '/unread-count', '/notifications/unread-count'],
    ['POST', `/inbox/${id}/read`, `/notifications/${id}/read`],
    ['POST', '/inbox/read-all', '/notifications/read-all'],
    ['PUT', '/preferences', '/preferences', '{"preferences":[]}'],
  ];
  for (const [method, path, target, body] of cases) {
    const response = await call(method, path, body);
    assertEquals(response.status, 200, path);
    assertEquals(await response.json(), { ok: true, unread: 3 });
    const last = seen.at(-1)!;
    assertEquals(last.path, target);
    assertEquals(last.authorization, 'Bearer user-token');
    if (body) assertEquals(last.body, body);
  }
});

Deno.test('no token, unknown routes and wrong methods are problems; nothing is forwarded', async () => {
  const before = seen.length;
  assertEquals((await call('GET', '/inbox', undefined, {})).status, 401);
  assertEquals((await call('GET', '/admin')).status, 404);
  assertEquals((await call('GET', '/inbox/not-a-uuid/read')).status, 404);
  assertEquals((await call('DELETE', '/preferences')).status, 405);
  assertEquals((await call('PUT', '/preferences', 'x'.repeat(70_000))).status, 413);
  assertEquals(seen.length, before);
  const preflight = await call('OPTIONS', '/inbox', undefined, {});
  assertEquals(preflight.status, 204);
  assert(preflight.headers.get('access-control-allow-headers')?.includes('authorization'));
});

Deno.test('the service’s own answers pass through; an unreachable service is a 503', async () => {
  down = true;
  assertEquals((await call('GET', '/unread-count')).status, 500);
  down = false;
  const unreachable = createNotificationHandler({
    forward: httpForwarder({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 300 }),
  });
  const response = await unreachable(
    new Request('http://x/functions/v1/notification/inbox', { headers: auth }),
  );
  assertEquals(response.status, 503);
});

Deno.test({
  name: 'stops the stand-in service',
  fn: () => service.shutdown(),
  sanitizeResources: false,
  sanitizeOps: false,
});
