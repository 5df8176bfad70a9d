import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import {
  client,
  SERVICE_KEY,
  sleep,
  startServer,
  subscribed,
  subscribeOutcome,
  testAuth,
  waitFor,
} from './helpers.ts';

// The official @supabase/realtime-js client (vsn 2.0.0, binary broadcast pushes) against our server.
const auth = await testAuth();
const server = await startServer(auth);
const clients: { disconnect(): unknown }[] = [];
after(async () => {
  for (const c of clients) c.disconnect();
  await server.close();
});
const connect = (token: string) => {
  const c = client(server, token);
  clients.push(c);
  return c;
};
const tenant = () => randomUUID();

test('a broadcast reaches the other subscriber, is acknowledged, and comes back to the sender only with self', async () => {
  const tenantId = tenant();
  const room = `room-${randomUUID()}`;
  const alice = connect(await auth.tokenFor(tenantId));
  const bob = connect(await auth.tokenFor(tenantId));
  const aliceGot: unknown[] = [];
  const bobGot: unknown[] = [];
  const a = alice.channel(room, { config: { broadcast: { ack: true, self: false } } });
  a.on('broadcast', { event: 'cursor' }, (message) => aliceGot.push(message));
  const b = bob.channel(room, { config: { broadcast: { self: true } } });
  b.on('broadcast', { event: 'cursor' }, (message) => bobGot.push(message));
  await Promise.all([subscribed(a), subscribed(b)]);

  assert.equal(await a.send({ type: 'broadcast', event: 'cursor', payload: { x: 1, text: 'héllo' } }), 'ok');
  await waitFor('bob receives alice', () => bobGot.length === 1);
  assert.deepEqual(bobGot[0], { type: 'broadcast', event: 'cursor', payload: { x: 1, text: 'héllo' } });

  await b.send({ type: 'broadcast', event: 'cursor', payload: { x: 2 } });
  await waitFor('alice and bob (self) receive bob', () => aliceGot.length === 1 && bobGot.length === 2);
  await sleep(100);
  assert.equal(aliceGot.length, 1, 'alice (self: false) never gets her own message');
  assert.deepEqual((aliceGot[0] as { payload: unknown }).payload, { x: 2 });
});

test('presence: sync, join and leave are seen by both clients with the tracked state', async () => {
  const tenantId = tenant();
  const room = `lobby-${randomUUID()}`;
  const ann = connect(await auth.tokenFor(tenantId));
  const ben = connect(await auth.tokenFor(tenantId));
  const annJoins: string[] = [];
  const annLeaves: string[] = [];
  const a = ann.channel(room, { config: { presence: { key: 'ann' } } });
  a.on('presence', { event: 'join' }, ({ key }) => annJoins.push(key));
  a.on('presence', { event: 'leave' }, ({ key }) => annLeaves.push(key));
  let annSyncs = 0;
  a.on('presence', { event: 'sync' }, () => void annSyncs++);
  await subscribed(a);
  assert.equal(await a.track({ name: 'Ann', page: 'course' }), 'ok');
  await waitFor('ann sees herself', () => annJoins.includes('ann'));

  const b = ben.channel(room, { config: { presence: { key: 'ben' } } });
  b.on('presence', { event: 'sync' }, () => {});
  await subscribed(b);
  await waitFor('ben syncs ann from presence_state', () => b.presenceState().ann);
  await b.track({ name: 'Ben' });
  await waitFor('ann sees ben join', () => annJoins.includes('ben'));
  const state = a.presenceState() as Record<string, { name: string; presence_ref: string }[]>;
  assert.deepEqual(Object.keys(state).sort(), ['ann', 'ben']);
  assert.equal(state.ben![0]!.name, 'Ben');
  assert.ok(state.ben![0]!.presence_ref, 'each presence carries its presence_ref');
  assert.ok(annSyncs > 0);

  await b.untrack();
  await waitFor('ann sees ben leave', () => annLeaves.includes('ben'));
  await b.track({ name: 'Ben again' });
  await waitFor('ben is back', () => (a.presenceState() as Record<string, unknown[]>).ben);
  ben.disconnect();
  await waitFor('a closed socket leaves', () => annLeaves.filter((key) => key === 'ben').length === 2);
  assert.deepEqual(Object.keys(a.presenceState()), ['ann']);
});

test('a token refreshed on the open socket keeps the subscription; one left to expire ends it', async () => {
  const tenantId = tenant();
  const room = `expiry-${randomUUID()}`;
  const sub = randomUUID();
  const listener = connect(await auth.tokenFor(tenantId, ['student'], sub, '3s'));
  const got: unknown[] = [];
  const statuses: string[] = [];
  const channel = listener.channel(room);
  channel.on('broadcast', { event: 'ping' }, (message) => got.push(message));
  channel.on('system', {}, (message) => statuses.push(JSON.stringify(message)));
  await subscribed(channel);
  await listener.setAuth(await auth.tokenFor(tenantId, ['student'], sub, '10m'));

  const staleOne = connect(await auth.tokenFor(tenantId, ['student'], randomUUID(), '3s'));
  const stale = staleOne.channel(room);
  const staleGot: unknown[] = [];
  stale.on('broadcast', { event: 'ping' }, (message) => staleGot.push(message));
  stale.on('system', {}, (message) => statuses.push(JSON.stringify(message)));
  await subscribed(stale);

  await sleep(3600);
  await waitFor('the unrefreshed channel is closed', () => stale.state === 'closed');
  assert.ok(
    statuses.some((s) => s.includes('Token has expired')),
    statuses.join(),
  );
  const sender = connect(await auth.tokenFor(tenantId));
  const s = sender.channel(room);
  await subscribed(s);
  await s.send({ type: 'broadcast', event: 'ping', payload: { n: 1 } });
  await waitFor('the refreshed channel still receives', () => got.length === 1);
  await sleep(150);
  assert.equal(staleGot.length, 0);
});

test('a token for another user on an open channel closes it; an invalid token is refused at join', async () => {
  const tenantId = tenant();
  const c = connect(await auth.tokenFor(tenantId));
  const channel = c.channel(`swap-${randomUUID()}`);
  await subscribed(channel);
  await c.setAuth(await auth.tokenFor(tenantId));
  await waitFor('channel closed after a token for someone else', () => channel.state === 'closed');

  const forged = connect('not-a-jwt');
  const outcome = await subscribeOutcome(forged.channel(`x-${randomUUID()}`));
  assert.match(outcome, /CHANNEL_ERROR: .*Unauthorized/);
});

test('the client reconnects and rejoins after the server restarts, and receives again', async () => {
  const restartable = await startServer(auth);
  const port = restartable.port;
  const tenantId = tenant();
  const room = `restart-${randomUUID()}`;
  const c = client(restartable, await auth.tokenFor(tenantId));
  const got: unknown[] = [];
  const channel = c.channel(room);
  channel.on('broadcast', { event: 'hello' }, (message) => got.push(message));
  await subscribed(channel);
  await restartable.close();
  await waitFor('client notices', () => !c.isConnected());
  const again = await startServer(auth, { port });
  try {
    await waitFor('rejoined on the new server', () => again.realtime.hub.memberCount === 1, 8000);
    const response = await fetch(`${again.httpUrl}/api/broadcast`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SERVICE_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        messages: [{ topic: room, event: 'hello', payload: { v: 2 }, tenant_id: tenantId }],
      }),
    });
    assert.equal(response.status, 202);
    await waitFor('broadcast after restart arrives', () => got.length === 1);
  } finally {
    c.disconnect();
    await again.close();
  }
});

test('server-side broadcast needs the service key, and a tenant for per-tenant topics', async () => {
  const tenantId = tenant();
  const userId = randomUUID();
  const post = (body: unknown, key = SERVICE_KEY) =>
    server.realtime.app.inject({
      method: 'POST',
      url: '/realtime/v1/api/broadcast',
      headers: { authorization: `Bearer ${key}` },
      payload: body as object,
    });
  const noKey = await post({ messages: [{ topic: `user:${userId}`, event: 'n', payload: {} }] }, 'wrong');
  assert.equal(noKey.statusCode, 401);
  assert.equal(noKey.json().type, 'https://eduspry.dev/problems/broadcast-key-invalid');
  const noTenant = await post({ messages: [{ topic: 'room1', event: 'n', payload: {} }] });
  assert.equal(noTenant.statusCode, 400);
  assert.equal(noTenant.json().type, 'https://eduspry.dev/problems/topic-needs-tenant');
  for (const bad of [
    { messages: [] },
    { messages: [{ topic: 'a\u0000b', event: 'n', payload: {}, tenant_id: tenantId }] },
    { messages: [{ topic: 'a', event: 'n', payload: 'str', tenant_id: tenantId }] },
    { messages: [{ topic: 'user:not-a-uuid', event: 'n', payload: {} }] },
    { nested: JSON.parse('['.repeat(2000) + ']'.repeat(2000)) },
  ]) {
    const response = await post(bad);
    assert.equal(response.statusCode, 400, JSON.stringify(bad).slice(0, 80));
    assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
  }
  const huge = await post({
    messages: [{ topic: `user:${userId}`, event: 'n', payload: { x: 'y'.repeat(2_000_000) } }],
  });
  assert.equal(huge.statusCode, 413);
  const ok = await post({
    messages: [{ topic: `user:${userId}`, event: 'n', payload: { hello: 1 }, private: true }],
  });
  assert.equal(ok.statusCode, 202);
});
