// deno test: signed deliveries (the real `standardwebhooks` library) through the handler, with a
// local HTTP server standing in for course-service's POST /enrollments/bulk.
import { Webhook } from 'standardwebhooks';
import { assert, assertEquals } from '../_shared/test-assert.ts';
import {
  configuredSecrets,
  courseServiceRoster,
  memoryDeliveries,
  standardWebhooksVerify,
} from './adapters.ts';
import { createIncomingWebhookHandler, rosterJsonToCsv } from './handler.ts';

const SECRET = `whsec_${btoa('riverside-incoming-secret-32-bytes!')}`;
const OTHER = `whsec_${btoa('lakeside-incoming-secret-of-32-byte')}`;
const bulk: { authorization: string | null; key: string | null; csv: string }[] = [];
let courseStatus = 200;
// Answers a key it has applied before as course-service does: the first answer, `replayed: true`.
const appliedKeys = new Set<string>();
const course = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, async (request) => {
  const key = request.headers.get('idempotency-key');
  bulk.push({ authorization: request.headers.get('authorization'), key, csv: await request.text() });
  if (key && appliedKeys.has(key)) return Response.json({ applied: 1, rows: [], replayed: true });
  if (key && courseStatus < 300) appliedKeys.add(key);
  return Response.json({ applied: 1, rows: [] }, { status: courseStatus });
});
/** One function instance: its own in-process claims, the shared course-service. */
const instance = () =>
  createIncomingWebhookHandler({
    secretsFor: configuredSecrets(JSON.stringify({ riverside: [SECRET], lakeside: OTHER })),
    verify: standardWebhooksVerify,
    ...memoryDeliveries(),
    applyRoster: courseServiceRoster({
      baseUrl: `http://127.0.0.1:${course.addr.port}`,
      tokenFor: async (tenant) => (tenant === 'riverside' ? 'riverside-integration-token' : undefined),
    }),
  });
const handler = instance();

const CSV = 'sourcedId,user,class,role\ne1,11111111-1111-4111-8111-111111111111,MATH-101,student\n';
function post(
  tenant: string,
  body: string,
  { secret = SECRET, id = crypto.randomUUID() as string, type = 'text/csv', to = handler } = {},
) {
  const at = new Date();
  return to(
    new Request(`http://127.0.0.1:54321/functions/v1/webhooks/${tenant}/oneroster`, {
      method: 'POST',
      headers: {
        'content-type': type,
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(secret).sign(id, at, body),
      },
      body,
    }),
  );
}

Deno.test('a signed OneRoster CSV is applied through course-service, once per delivery id', async () => {
  const id = 'delivery-1';
  const first = await post('riverside', CSV, { id });
  assertEquals(first.status, 200);
  assertEquals((await first.json()).duplicate, false);
  assertEquals(bulk.length, 1);
  assertEquals(bulk[0]!.csv, CSV);
  assertEquals(bulk[0]!.authorization, 'Bearer riverside-integration-token');
  const again = await post('riverside', CSV, { id });
  assertEquals(again.status, 200);
  assertEquals((await again.json()).duplicate, true);
  assertEquals(bulk.length, 1, 'the redelivery changed nothing');
});

Deno.test('a redelivery to another instance is answered as a duplicate by course-service', async () => {
  const id = `delivery-${crypto.randomUUID()}`;
  const before = bulk.length;
  assertEquals((await (await post('riverside', CSV, { id })).json()).duplicate, false);
  const other = await post('riverside', CSV, { id, to: instance() });
  assertEquals(other.status, 200);
  assertEquals((await other.json()).duplicate, true);
  assertEquals(
    bulk.slice(before).map((call) => call.key),
    [id, id],
    'both instances sent the delivery id as the idempotency key',
  );
});

Deno.test('OneRoster JSON becomes the same CSV', async () => {
  const json = JSON.stringify({
    enrollments: [
      {
        sourcedId: 'e1',
        user: { sourcedId: '11111111-1111-4111-8111-111111111111' },
        class: { sourcedId: 'MATH-101' },
        role: 'student',
      },
    ],
  });
  assertEquals(rosterJsonToCsv(JSON.parse(json)), CSV);
  const response = await post('riverside', json, { type: 'application/json' });
  assertEquals(response.status, 200);
  assertEquals(bulk.at(-1)!.csv, CSV);
});

Deno.test('wrong secret, another tenant’s secret, unknown tenant, tampering: 401 and nothing applied', async () => {
  const before = bulk.length;
  assertEquals((await post('riverside', CSV, { secret: OTHER })).status, 401);
  assertEquals((await post('nobody', CSV)).status, 401);
  const at = new Date();
  const signature = new Webhook(SECRET).sign('x', at, CSV);
  const tampered = await handler(
    new Request('http://x/functions/v1/webhooks/riverside/oneroster', {
      method: 'POST',
      headers: {
        'content-type': 'text/csv',
        'webhook-id': 'x',
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: CSV.replace('student', 'teacher'),
    }),
  );
  assertEquals(tampered.status, 401);
  assertEquals(bulk.length, before);
});

Deno.test('hostile or malformed bodies are 4xx problems, never a crash', async () => {
  for (const [body, type, status] of [
    ['{"enrollments": "no"}', 'application/json', 400],
    ['not json', 'application/json', 400],
    [
      JSON.stringify({
        enrollments: [
          { sourcedId: 'a\u0000', user: { sourcedId: 'u' }, class: { sourcedId: 'c' }, role: 'student' },
        ],
      }),
      'application/json',
      400,
    ],
    ['a,b\u0000', 'text/csv', 400],
    ['<xml/>', 'application/xml', 415],
  ] as const)
    assertEquals((await post('riverside', body, { type })).status, status, body);
  assertEquals((await post('riverside', 'x'.repeat(3 * 1024 * 1024))).status, 413);
  assertEquals(
    (await handler(new Request('http://x/functions/v1/webhooks/riverside/oneroster'))).status,
    405,
  );
  assertEquals(
    (await handler(new Request('http://x/functions/v1/webhooks/riverside/other', { method: 'POST' }))).status,
    404,
  );
});

Deno.test('course-service failing: the delivery is given back, so the sender’s retry applies it', async () => {
  courseStatus = 500;
  const id = 'delivery-retry';
  assertEquals((await post('riverside', CSV, { id })).status, 503);
  courseStatus = 200;
  const retried = await post('riverside', CSV, { id });
  assertEquals(retried.status, 200);
  assert((await retried.json()).duplicate === false);
  courseStatus = 422;
  assertEquals((await post('riverside', CSV)).status, 422, 'an invalid roster is final');
  courseStatus = 200;
});

Deno.test({
  name: 'stops the stand-in course-service',
  fn: () => course.shutdown(),
  sanitizeResources: false,
  sanitizeOps: false,
});
