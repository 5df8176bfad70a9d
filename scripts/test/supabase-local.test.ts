// The Supabase-shaped entry (scripts/supabase-local.ts) under the platform processes: the real
// log-events function answers at /functions/v1/log-events and stores through logging-service,
// the analytics function at /functions/v1/analytics through analytics-service;
// a second entry over a fixture functions folder shows every folder is picked up (`_` ones
// skipped), config.toml's verify_jwt is honoured, and /realtime/v1/* (HTTP and WebSocket, path
// unchanged) reaches a throwaway `ws` server standing in for realtime-service — which another
// team is building — and answers a 502 problem once it is gone.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Sql } from '@eduspry/common';
import { adminDb, createTestTenant, type TestTenant } from '@eduspry/common/testing';
import { WebSocket, WebSocketServer } from 'ws';
import { hashPassword } from '../../services/auth-service/src/domain/passwords.ts';
import { ROOT } from '../lib/database.ts';
import { freePort, type PlatformProcesses, startPlatformProcesses } from '../lib/platform-processes.ts';
import { type Child, startChild, stopChildren, waitUntilReady } from '../lib/processes.ts';

const PASSWORD = 'Edge-Entry-2026';
let platform: PlatformProcesses;
let admin: Sql;
let tenant: TestTenant;
let token: string;
let fixtureDir: string;
let fixtureEntry: Child;
let fixtureUrl: string;
let realtime: Server;
let realtimeSockets: WebSocketServer;
const seenByRealtime: string[] = [];

async function writeFixtureFunctions(dir: string) {
  const functions = join(dir, 'functions');
  await mkdir(join(functions, 'hello'), { recursive: true });
  await mkdir(join(functions, 'world'));
  await mkdir(join(functions, '_shared'));
  await writeFile(join(functions, '_shared/greeting.ts'), "export const greeting = 'hello from _shared';\n");
  await writeFile(
    join(functions, 'hello/deno.json'),
    JSON.stringify({ imports: { greeting: '../_shared/greeting.ts' } }),
  );
  await writeFile(
    join(functions, 'hello/index.ts'),
    [
      "import { greeting } from 'greeting';",
      'Deno.serve((request: Request) => {',
      '  const url = new URL(request.url);',
      '  return Response.json({ greeting, path: url.pathname + url.search, method: request.method });',
      '});',
    ].join('\n'),
  );
  // The options form of Deno.serve, and no config.toml block: Supabase's default verify_jwt = true.
  await writeFile(
    join(functions, 'world/index.ts'),
    "Deno.serve({ port: 9999, handler: () => Response.json({ world: 'round' }) });\n",
  );
  // A function that throws while loading (as auth-webhook does without its service key).
  await mkdir(join(functions, 'broken'));
  await writeFile(join(functions, 'broken/index.ts'), "throw new Error('supabaseKey is required');\n");
  await writeFile(join(dir, 'config.toml'), '[functions.hello]\nverify_jwt = false\n');
}

before(async () => {
  admin = adminDb();
  platform = await startPlatformProcesses();
  tenant = await createTestTenant(admin, 'edge');
  const email = `edge-${randomUUID().slice(0, 8)}@entry.test`;
  await admin`
    insert into identity.users (tenant_id, email, display_name, password_hash, roles, status, email_verified_at)
    values (${tenant.id}, ${email}, 'Edge Caller', ${await hashPassword(PASSWORD)}, ${['student']}, 'active', now())`;
  const answer = await fetch(`${platform.authUrl}/token?grant_type=password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: tenant.slug, email, password: PASSWORD }),
  });
  assert.equal(answer.status, 200);
  token = ((await answer.json()) as { access_token: string }).access_token;

  // Stands in for realtime-service: answers HTTP with the path it saw and echoes WebSocket frames.
  realtime = createServer((request, response) => {
    seenByRealtime.push(request.url!);
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      response.writeHead(202, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ path: request.url, method: request.method, body }));
    });
  });
  realtimeSockets = new WebSocketServer({ server: realtime });
  realtimeSockets.on('connection', (socket, request) => {
    seenByRealtime.push(`ws ${request.url}`);
    socket.on('message', (data) => socket.send(`echo:${data}`));
  });
  const realtimePort = await freePort();
  await new Promise<void>((resolve) => realtime.listen(realtimePort, '127.0.0.1', resolve));

  fixtureDir = await mkdtemp(join(tmpdir(), 'eduspry-supabase-'));
  await writeFixtureFunctions(fixtureDir);
  const port = await freePort();
  fixtureUrl = `http://127.0.0.1:${port}`;
  fixtureEntry = startChild(
    'supabase-fixture',
    join(ROOT, 'scripts'),
    'supabase-local.ts',
    {
      ...process.env,
      PORT: String(port),
      SUPABASE_DIR: fixtureDir,
      AUTH_SERVICE_URL: platform.authUrl,
      AUTH_ISSUER: platform.authUrl,
      REALTIME_SERVICE_URL: `http://127.0.0.1:${realtimePort}`,
    },
    16,
  );
  await waitUntilReady(`${fixtureUrl}/ready`, fixtureEntry, 60_000);
});

after(async () => {
  if (fixtureEntry) await stopChildren([fixtureEntry], 5000);
  realtimeSockets?.close();
  realtime?.closeAllConnections();
  realtime?.close();
  await platform?.stop();
  await admin?.end();
  if (fixtureDir) await rm(fixtureDir, { recursive: true, force: true });
});

async function problemOf(response: Response): Promise<{ type: string; status: number; detail: string }> {
  assert.equal(response.headers.get('content-type'), 'application/problem+json');
  return (await response.json()) as { type: string; status: number; detail: string };
}

test('log-events answers at /functions/v1/log-events of the entry and stores the line', async () => {
  const message = `through the entry ${randomUUID()}`;
  const answer = await fetch(`${platform.supabaseUrl}/functions/v1/log-events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ tenantId: tenant.id, events: [{ level: 'info', message, service: 'edge-test' }] }),
  });
  assert.equal(answer.status, 200, await answer.clone().text());
  assert.deepEqual(await answer.json(), { stored: 1 });
  const rows = await admin<{ tenant_id: string }[]>`
    select tenant_id from logging.log_entries where message = ${message}`;
  assert.deepEqual(
    rows.map((row) => row.tenant_id),
    [tenant.id],
  );

  // verify_jwt = false for log-events (config.toml): the function's own check answers.
  const anonymous = await fetch(`${platform.supabaseUrl}/functions/v1/log-events`, {
    method: 'POST',
    body: '{}',
  });
  assert.equal(anonymous.status, 401);
  assert.match((await problemOf(anonymous)).detail, /bearer token/i);

  const ready = await fetch(`${platform.supabaseUrl}/ready`);
  assert.equal(ready.status, 200);
  assert.deepEqual(((await ready.json()) as { checks: unknown }).checks, { functions: 'ok' });
  const unknown = await fetch(`${platform.supabaseUrl}/functions/v1/no-such-function`);
  assert.equal(unknown.status, 404);
  assert.equal((await problemOf(unknown)).type, 'https://eduspry.dev/problems/function-not-found');
});

test('analytics answers at /functions/v1/analytics and counts for the token, once per event id', async () => {
  const event = {
    id: randomUUID(),
    type: 'heartbeat',
    at: new Date(Date.now() - 1000).toISOString(),
    courseId: randomUUID(),
    seconds: 90,
  };
  const track = (body: unknown) =>
    fetch(`${platform.supabaseUrl}/functions/v1/analytics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const first = await track({ events: [event] });
  assert.equal(first.status, 202, await first.clone().text());
  assert.deepEqual(await first.json(), { accepted: 1, duplicates: 0 });
  const again = await track({ events: [event] });
  assert.deepEqual(await again.json(), { accepted: 0, duplicates: 1 });
  const rows = await admin<{ tenant_id: string; user_id: string }[]>`
    select tenant_id, user_id from analytics.events where event_id = ${event.id}`;
  const [caller] = await admin<{ id: string }[]>`
    select id from identity.users where tenant_id = ${tenant.id} and display_name = 'Edge Caller'`;
  assert.deepEqual(
    rows.map((row) => ({ ...row })),
    [{ tenant_id: tenant.id, user_id: caller!.id }],
  );
  // A forged identity is refused at the edge, and nothing is stored for it.
  const forged = await track({ tenantId: randomUUID(), events: [{ ...event, id: randomUUID() }] });
  assert.equal(forged.status, 400);
  assert.equal((await problemOf(forged)).type, 'https://eduspry.dev/problems/forged-identity');
});

test('every function folder is served with its own imports, shared folders are not', async () => {
  const hello = await fetch(`${fixtureUrl}/functions/v1/hello/some/path?x=1`, { method: 'PUT', body: 'x' });
  assert.equal(hello.status, 200);
  // As on Supabase, the function sees its own name first: /functions/v1 belongs to the gateway.
  assert.deepEqual(await hello.json(), {
    greeting: 'hello from _shared',
    path: '/hello/some/path?x=1',
    method: 'PUT',
  });
  const shared = await fetch(`${fixtureUrl}/functions/v1/_shared`);
  assert.equal(shared.status, 404);
  await shared.body?.cancel();
});

test('a function that fails to load answers 503 on its own path; the others serve and /ready says which', async () => {
  const broken = await fetch(`${fixtureUrl}/functions/v1/broken`, { method: 'POST' });
  assert.equal(broken.status, 503);
  const problem = await problemOf(broken);
  assert.equal(problem.type, 'https://eduspry.dev/problems/function-unavailable');
  assert.equal(problem.detail, "broken could not load; see the function server's log");
  assert.equal((await fetch(`${fixtureUrl}/functions/v1/hello`)).status, 200);
  const ready = await fetch(`${fixtureUrl}/ready`);
  assert.equal(ready.status, 200);
  assert.deepEqual(((await ready.json()) as { checks: unknown }).checks, {
    functions: 'ok, but unavailable: broken',
  });
});

test('verify_jwt (on unless config.toml says otherwise) refuses a missing or forged token', async () => {
  const anonymous = await fetch(`${fixtureUrl}/functions/v1/world`);
  assert.equal(anonymous.status, 401);
  assert.match((await problemOf(anonymous)).detail, /verify_jwt/);
  const [header, payload] = token.split('.');
  const forged = await fetch(`${fixtureUrl}/functions/v1/world`, {
    headers: { authorization: `Bearer ${header}.${payload}.${'A'.repeat(86)}` },
  });
  assert.equal(forged.status, 401);
  await forged.body?.cancel();
  const signed = await fetch(`${fixtureUrl}/functions/v1/world`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(signed.status, 200);
  assert.deepEqual(await signed.json(), { world: 'round' });
});

test('/realtime/v1/* reaches realtime-service with the path unchanged, WebSocket upgrades included', async () => {
  const broadcast = await fetch(`${fixtureUrl}/realtime/v1/api/broadcast?x=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"messages":[]}',
  });
  assert.equal(broadcast.status, 202);
  assert.deepEqual(await broadcast.json(), {
    path: '/realtime/v1/api/broadcast?x=1',
    method: 'POST',
    body: '{"messages":[]}',
  });

  const socket = new WebSocket(
    `${fixtureUrl.replace('http', 'ws')}/realtime/v1/websocket?apikey=k&vsn=1.0.0`,
  );
  const echoed = await new Promise<string>((resolve, reject) => {
    socket.once('open', () => socket.send('phx_join'));
    socket.once('message', (data) => resolve(String(data)));
    socket.once('error', reject);
  });
  assert.equal(echoed, 'echo:phx_join');
  assert.ok(
    seenByRealtime.includes('ws /realtime/v1/websocket?apikey=k&vsn=1.0.0'),
    seenByRealtime.join(', '),
  );
  socket.close();
});

test('a browser whose socket is reset mid-connection (a closed tab) does not stop the entry', async () => {
  for (let i = 0; i < 3; i++) {
    const socket = new WebSocket(`${fixtureUrl.replace('http', 'ws')}/realtime/v1/websocket?vsn=1.0.0`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => socket.send('hello'));
      socket.once('message', () => resolve());
      socket.once('error', reject);
    });
    // A TCP reset, not a close frame: what the entry sees when a tab or machine goes away.
    (socket as unknown as { _socket: import('node:net').Socket })._socket.resetAndDestroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(fixtureEntry.process.exitCode, null, 'the entry is still running');
  assert.equal((await fetch(`${fixtureUrl}/health`)).status, 200);
});

test('with realtime-service gone, /realtime/v1 answers a 502 problem, for HTTP and for upgrades', async () => {
  realtimeSockets.close();
  realtime.closeAllConnections();
  await new Promise<void>((resolve) => realtime.close(() => resolve()));

  const answer = await fetch(`${fixtureUrl}/realtime/v1/api/broadcast`, { method: 'POST', body: '{}' });
  assert.equal(answer.status, 502);
  const problem = await problemOf(answer);
  assert.equal(problem.type, 'https://eduspry.dev/problems/realtime-unavailable');
  assert.match(problem.detail, /realtime-service does not answer at http:\/\/127\.0\.0\.1:\d+/);

  const socket = new WebSocket(`${fixtureUrl.replace('http', 'ws')}/realtime/v1/websocket`);
  socket.on('error', () => {}); // the refused handshake, once the request is dropped below
  const status = await new Promise<number>((resolve, reject) => {
    socket.once('unexpected-response', (request, response) => {
      resolve(response.statusCode!);
      request.destroy();
    });
    socket.once('open', () => reject(new Error('the upgrade succeeded without realtime-service')));
  });
  assert.equal(status, 502);
  // The entry itself stays up and ready: its readiness is the function server's.
  assert.equal((await fetch(`${fixtureUrl}/ready`)).status, 200);
});
