import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import WebSocket from 'ws';
import { startServer, testAuth, waitFor } from './helpers.ts';

// Raw frames, as a hostile or broken client would send them: every one gets an error reply or a
// close with a reason, and the process keeps serving everyone else.
const auth = await testAuth();
const server = await startServer(auth, {
  limits: { maxMessageBytes: 64 * 1024, maxChannelsPerSocket: 5, maxMessagesPerSecond: 40 },
});
after(() => server.close());

interface Raw {
  ws: WebSocket;
  frames: unknown[][];
  closed: Promise<{ code: number; reason: string }>;
  send(frame: unknown): void;
  reply(ref: string): Promise<{ status: string; response: Record<string, unknown> }>;
}

async function open(): Promise<Raw> {
  const ws = new WebSocket(`${server.wsUrl}/websocket?apikey=x&vsn=2.0.0`);
  const frames: unknown[][] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  ws.on('error', () => {});
  await new Promise((resolve) => ws.once('open', resolve));
  return {
    ws,
    frames,
    closed,
    send: (frame) =>
      ws.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame)),
    reply: async (ref) => {
      const frame = await waitFor(`reply to ${ref}`, () =>
        frames.find((f) => f[1] === ref && f[3] === 'phx_reply'),
      );
      return frame[4] as { status: string; response: Record<string, unknown> };
    },
  };
}

async function stillServing() {
  const probe = await open();
  probe.send([null, 'hb', 'phoenix', 'heartbeat', {}]);
  assert.equal((await probe.reply('hb')).status, 'ok');
  probe.ws.close();
}

test('a frame that is not JSON closes the socket with a reason', async () => {
  const raw = await open();
  raw.send('this is {not json');
  assert.deepEqual(await raw.closed, { code: 1007, reason: 'frame is not JSON' });
  const binary = await open();
  binary.send(Buffer.from([9, 9, 9]));
  assert.equal((await binary.closed).code, 1007);
  await stillServing();
});

test('frames of the wrong shape get an error reply naming the problem', async () => {
  const raw = await open();
  raw.send(['1', 'r1', 'realtime:x', 'phx_join']);
  assert.match(String((await raw.reply('r1')).response.reason), /\[join_ref, ref, topic, event, payload\]/);
  raw.send(['1', 'r2', 'realtime:x', 'phx_join', 'payload-as-string']);
  assert.equal((await raw.reply('r2')).response.reason, 'payload must be an object');
  raw.send(['1', 'r3', 'realtime:a\u0000b', 'phx_join', { access_token: await auth.tokenFor(randomUUID()) }]);
  assert.match(String((await raw.reply('r3')).response.reason), /invalid topic/);
  raw.send(['1', 'r4', 'realtime:room', 'phx_join', {}]);
  assert.match(String((await raw.reply('r4')).response.reason), /Unauthorized/);
  raw.send([
    '1',
    'r5',
    'realtime:room',
    'phx_join',
    {
      access_token: await auth.tokenFor(randomUUID()),
      config: { postgres_changes: [{ event: 'INSERT', schema: 'x', filter: 'id=like.%' }] },
    },
  ]);
  assert.match(String((await raw.reply('r5')).response.reason), /invalid postgres_changes binding/);
  raw.send([null, 'r6', 'phoenix', 'nonsense', {}]);
  assert.equal((await raw.reply('r6')).status, 'error');
  await stillServing();
});

test('a message to a topic the socket has not joined gets "unmatched topic"', async () => {
  const raw = await open();
  raw.send(['1', 'u1', 'realtime:never-joined', 'broadcast', { type: 'broadcast', event: 'x', payload: {} }]);
  assert.deepEqual(await raw.reply('u1'), { status: 'error', response: { reason: 'unmatched topic' } });
  raw.ws.close();
});

test('a 1 MB frame closes the socket with 1009 (message too big); deep nesting is just data', async () => {
  const raw = await open();
  raw.send([
    '1',
    'big',
    'realtime:room',
    'broadcast',
    { type: 'broadcast', event: 'x', payload: { blob: 'y'.repeat(1024 * 1024) } },
  ]);
  assert.equal((await raw.closed).code, 1009);
  const nested = await open();
  const token = await auth.tokenFor(randomUUID());
  nested.send([
    'j',
    'j',
    'realtime:deep',
    'phx_join',
    { access_token: token, config: { broadcast: { ack: true } } },
  ]);
  assert.equal((await nested.reply('j')).status, 'ok');
  nested.send(
    `["j","d","realtime:deep","broadcast",{"type":"broadcast","event":"e","payload":${'['.repeat(5000)}${']'.repeat(5000)}}]`,
  );
  assert.equal((await nested.reply('d')).status, 'ok');
  nested.ws.close();
  await stillServing();
});

test('a flood of joins is capped per socket, and a flood of frames closes the socket', async () => {
  const raw = await open();
  const token = await auth.tokenFor(randomUUID());
  for (let i = 0; i < 12; i++)
    raw.send([`j${i}`, `j${i}`, `realtime:flood-${i}`, 'phx_join', { access_token: token }]);
  const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => raw.reply(`j${i}`)));
  assert.equal(replies.filter((r) => r.status === 'ok').length, 5);
  assert.ok(
    replies
      .filter((r) => r.status === 'error')
      .every((r) => /too many channels/.test(String(r.response.reason))),
  );

  for (let i = 0; i < 200; i++) raw.send([null, `h${i}`, 'phoenix', 'heartbeat', {}]);
  const close = await raw.closed;
  assert.deepEqual(close, { code: 1008, reason: 'rate limit exceeded' });
  assert.ok(
    raw.frames.some((f) =>
      (f[4] as { response?: { reason?: string } }).response?.reason?.startsWith('rate limit exceeded'),
    ),
  );
  await stillServing();
});

test('a WebSocket upgrade on another path is refused', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/elsewhere`);
  const outcome = await new Promise<string>((resolve) => {
    ws.on('unexpected-response', (_request, response) => resolve(String(response.statusCode)));
    ws.on('error', (error) => resolve(error.message));
  });
  assert.match(outcome, /404/);
});
