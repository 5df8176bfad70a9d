import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { OPERATIONS } from '@eduspry/contracts/graphql-operations';
import { type Platform, startPlatform } from './helpers.ts';

// A counting proxy in front of course-service: the calls are counted where they arrive.
let p: Platform;
let proxy: Server;
let target = '';
const arrived: string[] = [];
before(async () => {
  proxy = createServer(async (request, response) => {
    arrived.push(request.url ?? '');
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'host',
      ),
    );
    const upstream = await fetch(target + request.url, {
      method: request.method ?? 'GET',
      headers,
      ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
    });
    response.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/json',
    });
    response.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as { port: number };
  p = await startPlatform({ COURSE_SERVICE_URL: `http://127.0.0.1:${port}` });
  target = p.courseUrl;
});
after(async () => {
  await p.close();
  proxy.closeAllConnections();
  proxy.close();
});

test('300 aliased course(id:) lookups are one call to course-service', async () => {
  const tenant = await p.tenant();
  const teacher = await p.user(tenant, ['instructor']);
  const mine: string[] = [];
  for (let i = 0; i < 3; i++) {
    const created = await p.graphql(teacher.token, OPERATIONS.CreateCourse, {
      input: { code: `BATCH-${i}-${randomUUID().slice(0, 5)}`, title: `Batch ${i}` },
    });
    mine.push(created.body.data.createCourse.id);
  }
  // 297 ids that exist nowhere, plus the three real ones, each under its own alias.
  const ids = [...mine, ...Array.from({ length: 297 }, () => randomUUID())];
  // Under the complexity limit, as an attacker would keep it: `{ id }` costs 3 per alias.
  const query = `{ ${ids.map((id, index) => `c${index}: course(id: "${id}") { id${index < 3 ? ' title' : ''} }`).join(' ')} }`;
  arrived.length = 0;
  const answer = await p.graphql(teacher.token, query);
  assert.equal(answer.status, 200);
  assert.equal(answer.body.errors, undefined, JSON.stringify(answer.body.errors));
  assert.equal(answer.body.data.c0.title, 'Batch 0');
  assert.equal(answer.body.data.c2.id, mine[2]);
  assert.equal(answer.body.data.c3, null);
  assert.equal(answer.body.data.c299, null);
  assert.equal(arrived.length, 1, `course-service got ${arrived.length} calls`);
  assert.equal(answer.upstreamCalls, 1);

  // The same id 300 times is one id in one call; a malformed id is null without failing the rest.
  arrived.length = 0;
  const same = `{ ${Array.from({ length: 299 }, (_, i) => `c${i}: course(id: "${mine[0]}") { id }`).join(' ')} bad: course(id: "not-a-uuid") { id } }`;
  const repeated = await p.graphql(teacher.token, same);
  assert.equal(repeated.body.errors, undefined, JSON.stringify(repeated.body.errors));
  assert.equal(repeated.body.data.c298.id, mine[0]);
  assert.equal(repeated.body.data.bad, null);
  assert.equal(arrived.length, 1);
});

test("another tenant's course stays null through the batch", async () => {
  const mineTenant = await p.tenant();
  const otherTenant = await p.tenant();
  const stranger = await p.user(otherTenant, ['instructor']);
  const created = await p.graphql(stranger.token, OPERATIONS.CreateCourse, {
    input: { code: `THEIRS-${randomUUID().slice(0, 5)}`, title: 'Not yours' },
  });
  const theirs = created.body.data.createCourse.id;
  const admin = await p.user(mineTenant, ['tenant_admin']);
  const answer = await p.graphql(admin.token, `{ a: course(id: "${theirs}") { id title } }`);
  assert.equal(answer.body.data.a, null);
});
