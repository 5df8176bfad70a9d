// bench/realtime: realtime-service on one process with as many WebSocket clients as this machine
// sustains (up to BENCH_REALTIME_CLIENTS, default 5,000): broadcast fan-out p99 against a bare `ws`
// server doing the same fan-out in the same run, committed row change → subscriber p99, 1,000
// presence joins settling everywhere, and server memory per connection.
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDb } from '@eduspry/common';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import WebSocket from 'ws';
import { ratio, report } from './lib/measure.ts';

const WANTED = Number(process.env.BENCH_REALTIME_CLIENTS ?? 5000);
const BROADCASTS = 20;
const PRESENCE_JOINS = Math.min(1000, WANTED);
const CHANGE_SUBSCRIBERS = 50;
const CHANGES = 40;
const CONNECT_BUDGET_MS = 60_000;
const servers = new URL('./lib/realtime-servers.ts', import.meta.url).pathname;

const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
const tenantId = randomUUID();
const token = (sub = randomUUID()) =>
  new SignJWT({ role: 'authenticated', app_metadata: { tenant_id: tenantId, roles: ['student'] } })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setSubject(sub)
    .setIssuer('bench')
    .setAudience('eduspry')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);

interface Child {
  port: number;
  process: ChildProcess;
  rss(): Promise<number>;
  stop(): Promise<void>;
}

async function serve(kind: 'bare' | 'realtime'): Promise<Child> {
  const child = fork(servers, [kind], {
    env: { ...process.env, BENCH_PUBLIC_JWK: JSON.stringify(await exportJWK(publicKey)) },
    execArgv: ['--expose-gc', '--max-old-space-size=2048'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return {
    port,
    process: child,
    rss: () =>
      new Promise((resolve) => {
        const onMessage = (message: unknown) => {
          const rss = (message as { rss?: number }).rss;
          if (rss === undefined) return;
          child.off('message', onMessage);
          resolve(rss);
        };
        child.on('message', onMessage);
        child.send({ ask: 'memory' });
      }),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

type Handler = (frame: [string | null, string | null, string, string, Record<string, unknown>]) => void;

/** Opens `count` sockets (a few hundred at a time), stopping at the budget: what the machine sustains. */
async function connectMany(
  url: string,
  count: number,
  onFrame: (index: number, socket: WebSocket) => Handler | undefined,
): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  const started = Date.now();
  const batch = 250;
  for (let i = 0; i < count && Date.now() - started < CONNECT_BUDGET_MS; i += batch) {
    const opened = await Promise.allSettled(
      Array.from({ length: Math.min(batch, count - i) }, (_, j) => {
        const index = i + j;
        const ws = new WebSocket(url, { perMessageDeflate: false });
        ws.on('error', () => {});
        return new Promise<WebSocket>((resolve, reject) => {
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
        }).then((socket) => {
          const handler = onFrame(index, socket);
          if (handler) socket.on('message', (data) => handler(JSON.parse(String(data))));
          return socket;
        });
      }),
    );
    for (const result of opened) if (result.status === 'fulfilled') sockets.push(result.value);
    if (opened.some((result) => result.status === 'rejected')) break;
  }
  return sockets;
}

const percentile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10;
};

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) return false;
    await sleep(10);
  }
  return true;
}

/** Sends BROADCASTS messages from socket 0; returns per-delivery latencies and full fan-out times. */
async function fanOut(
  sockets: WebSocket[],
  received: { count: number; latencies: number[] },
  send: (n: number) => void,
) {
  const completions: number[] = [];
  const receivers = sockets.length - 1;
  for (let n = 0; n < BROADCASTS; n++) {
    received.count = 0;
    const sentAt = performance.now();
    sentTimes[n] = sentAt;
    send(n);
    const ok = await waitUntil(() => received.count >= receivers, 10_000);
    completions.push(ok ? performance.now() - sentAt : Number.NaN);
    await sleep(100);
  }
  return completions.filter((value) => !Number.isNaN(value));
}
const sentTimes: number[] = [];

// 1. The ceiling: a bare ws server fanning out the same frames.
const bare = await serve('bare');
const bareReceived = { count: 0, latencies: [] as number[] };
const bareSockets = await connectMany(`ws://127.0.0.1:${bare.port}`, WANTED, () => undefined);
for (const socket of bareSockets.slice(1))
  socket.on('message', (data) => {
    const n = JSON.parse(String(data))[4].payload.n as number;
    bareReceived.latencies.push(performance.now() - sentTimes[n]!);
    bareReceived.count++;
  });
const bareCompletions = await fanOut(bareSockets, bareReceived, (n) =>
  bareSockets[0]!.send(
    JSON.stringify([
      null,
      null,
      'realtime:bench',
      'broadcast',
      { type: 'broadcast', event: 'tick', payload: { n } },
    ]),
  ),
);
for (const socket of bareSockets) socket.terminate();
await bare.stop();

let changeHandler: ((payload: Record<string, unknown>) => void) | undefined;

// 2. realtime-service: every socket joins one channel with the Phoenix protocol.
const realtime = await serve('realtime');
const rssBefore = await realtime.rss();
const received = { count: 0, latencies: [] as number[] };
const joined = { count: 0 };
const presenceTracked = { count: 0 };
const presenceSeen = new Map<number, Set<string>>();
const sharedToken = await token();
const url = `ws://127.0.0.1:${realtime.port}/realtime/v1/websocket?apikey=bench&vsn=2.0.0`;
const connectStarted = performance.now();
const sockets = await connectMany(url, WANTED, (index, socket) => (frame) => {
  const [, ref, topic, event, payload] = frame;
  const ok = event === 'phx_reply' && (payload as { status: string }).status === 'ok';
  if (ok && ref === 'join') joined.count++;
  // Like realtime-js, track only once the join is answered.
  else if (ok && ref === 'pt') presenceTracked.count++;
  else if (ok && ref === 'p')
    socket.send(
      JSON.stringify([
        'p',
        'pt',
        'realtime:presence',
        'presence',
        { type: 'presence', event: 'track', payload: { online: true } },
      ]),
    );
  else if (event === 'broadcast' && topic === 'realtime:bench') {
    const n = (payload.payload as { n: number }).n;
    received.latencies.push(performance.now() - sentTimes[n]!);
    received.count++;
  } else if (event === 'presence_state' || event === 'presence_diff') {
    let seen = presenceSeen.get(index);
    if (!seen) {
      seen = new Set();
      presenceSeen.set(index, seen);
    }
    const joins = event === 'presence_state' ? payload : (payload.joins as Record<string, unknown>);
    for (const key of Object.keys(joins)) seen.add(key);
  } else if (event === 'postgres_changes') changeHandler?.(payload);
});
for (const socket of sockets)
  socket.send(
    JSON.stringify([
      'join',
      'join',
      'realtime:bench',
      'phx_join',
      { access_token: sharedToken, config: { broadcast: { self: false } } },
    ]),
  );
await waitUntil(() => joined.count >= sockets.length, 60_000);
const connectSeconds = (performance.now() - connectStarted) / 1000;
const rssAfter = await realtime.rss();
const completions = await fanOut(sockets.slice(0, joined.count), received, (n) =>
  sockets[0]!.send(
    JSON.stringify([
      'join',
      `b${n}`,
      'realtime:bench',
      'broadcast',
      { type: 'broadcast', event: 'tick', payload: { n } },
    ]),
  ),
);

// 3. Presence: PRESENCE_JOINS sockets join a presence channel and track at once. Settling is
// quadratic (each socket learns of every other: ~1.5M presence entries as state and diffs), and
// this one client process parses all of it: its CPU time over the phase says how much of the
// wall time is the client's, not the server's.
const presenceStarted = performance.now();
const presenceCpu = process.cpuUsage();
for (const socket of sockets.slice(0, PRESENCE_JOINS)) {
  socket.send(
    JSON.stringify([
      'p',
      'p',
      'realtime:presence',
      'phx_join',
      { access_token: sharedToken, config: { presence: { key: '', enabled: true } } },
    ]),
  );
}
await waitUntil(() => presenceTracked.count >= PRESENCE_JOINS, 30_000);
const presenceTrackedMs = Math.round(performance.now() - presenceStarted);
const presenceSettled = await waitUntil(() => {
  if (presenceSeen.size < PRESENCE_JOINS) return false;
  for (const seen of presenceSeen.values()) if (seen.size < PRESENCE_JOINS) return false;
  return true;
}, 30_000);
const presenceSettleMs = Math.round(performance.now() - presenceStarted);
const { user, system } = process.cpuUsage(presenceCpu);
const presenceClientCpuMs = Math.round((user + system) / 1000);

// 4. Row changes: CHANGE_SUBSCRIBERS users subscribe to a published table; rows are inserted one by one.
const admin = createDb(process.env.DATABASE_URL!, { applicationName: 'bench-realtime-admin', max: 2 });
const table = `bench_rows_${randomUUID().slice(0, 8)}`;
await admin.unsafe(`
  create schema if not exists live_bench; grant usage on schema live_bench to authenticated;
  create table live_bench.${table} (id bigint generated always as identity primary key, tenant_id uuid not null, body text);
  select eduspry.protect_tenant_table('live_bench.${table}', 'course_service');
  select live.publish_table('live_bench.${table}');`);
const changeLatencies: number[] = [];
const insertedAt = new Map<string, number>();
changeHandler = (payload) => {
  const record = (payload.data as { record: { body: string } }).record;
  const at = insertedAt.get(record.body);
  if (at !== undefined) changeLatencies.push(performance.now() - at);
};
const subscribers = sockets.slice(-CHANGE_SUBSCRIBERS);
for (const socket of subscribers)
  socket.send(
    JSON.stringify([
      'c',
      'c',
      'realtime:changes',
      'phx_join',
      {
        access_token: await token(),
        config: { postgres_changes: [{ event: 'INSERT', schema: 'live_bench', table }] },
      },
    ]),
  );
await sleep(1500);
for (let i = 0; i < CHANGES; i++) {
  const body = `row-${i}`;
  await admin.unsafe(`insert into live_bench.${table} (tenant_id, body) values ($1, $2)`, [tenantId, body]);
  insertedAt.set(body, performance.now()); // after COMMIT returned: "a committed row change"
  await sleep(50);
}
await waitUntil(() => changeLatencies.length >= CHANGES * subscribers.length, 10_000);
await admin.unsafe(`drop table live_bench.${table}`);
await admin.end();

for (const socket of sockets) socket.terminate();
await realtime.stop();

const bareFanoutP99 = percentile(bareCompletions, 0.99);
const fanoutP99 = percentile(completions, 0.99);
report({
  benchmark: 'realtime',
  ceiling: 'bare ws server, same fan-out, same client process',
  clients: {
    wanted: WANTED,
    connected: sockets.length,
    joined: joined.count,
    connectSeconds: Math.round(connectSeconds * 10) / 10,
  },
  broadcast: {
    deliveryP99Ms: percentile(received.latencies, 0.99),
    fullFanoutP99Ms: fanoutP99,
    bareDeliveryP99Ms: percentile(bareReceived.latencies, 0.99),
    bareFullFanoutP99Ms: bareFanoutP99,
    broadcasts: completions.length,
  },
  ratio: ratio(bareFanoutP99, fanoutP99),
  rowChange: {
    subscribers: subscribers.length,
    deliveries: changeLatencies.length,
    expected: CHANGES * subscribers.length,
    p50Ms: changeLatencies.length ? percentile(changeLatencies, 0.5) : null,
    p99Ms: changeLatencies.length ? percentile(changeLatencies, 0.99) : null,
  },
  presence: {
    joins: PRESENCE_JOINS,
    settled: presenceSettled,
    allTrackedMs: presenceTrackedMs,
    settleMs: presenceSettleMs,
    clientCpuMs: presenceClientCpuMs,
  },
  memoryPerConnectionKiB: Math.round((rssAfter - rssBefore) / Math.max(1, joined.count) / 1024),
});
process.exit(0);
