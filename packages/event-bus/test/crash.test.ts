// Exactly once in effect, proven by crashing for real: relays and consumers run as child
// processes and are killed with SIGKILL at the two moments that matter — a relay after the bus
// took a batch and before the outbox rows were stamped, a consumer after its handler's
// transaction committed and before its position was committed — on both buses. Effects go to
// a table without a unique key, so a duplicate would be a second row.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { adminDb, createTestTenant } from '@eduspry/common/testing';
import { busTestDb, createBusTestSchema, fillOutbox, seqOf, uniqueTopic, waitFor } from './helpers.ts';

const WORKER = new URL('./fixtures/crash-worker.ts', import.meta.url).pathname;
const EVENTS = 10_000;
const SCHEMA = 'event_bus_crash';
const admin = adminDb();
const sql = busTestDb(2);
before(() => createBusTestSchema(admin, SCHEMA));
after(() => Promise.all([admin.end(), sql.end()]));

interface Worker {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startWorker(env: Record<string, string>): Promise<Worker> {
  const child = spawn(process.execPath, [WORKER], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }));
  await Promise.race([
    once(child.stdout!, 'data'),
    exited.then(({ code, signal }) => {
      throw new Error(`worker ${env.ROLE} exited before it was ready (${code ?? signal})`);
    }),
  ]);
  return { child, exited };
}

async function killedBySelf(worker: Worker, what: string): Promise<void> {
  const { signal } = await Promise.race([
    worker.exited,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} never crashed`)), 120_000)),
  ]);
  assert.equal(signal, 'SIGKILL', `${what} died by SIGKILL at its crash point`);
}

async function stopGracefully(worker: Worker): Promise<void> {
  worker.child.kill('SIGTERM');
  assert.equal((await worker.exited).code, 0);
}

const count = async (query: Promise<{ count: number }[]>) => (await query)[0]!.count;

const ADAPTERS = [
  { kind: 'postgres', brokers: '', skip: false as const },
  {
    kind: 'kafka',
    brokers: process.env.KAFKA_BROKERS ?? '',
    skip: !process.env.KAFKA_BROKERS && 'KAFKA_BROKERS not set',
  },
];

for (const adapter of ADAPTERS) {
  describe(`${adapter.kind} event bus under SIGKILL`, { skip: adapter.skip }, () => {
    test('10,000 events through crashing relays and consumers: none lost, none doubled, no dead letters', async () => {
      const tenant = await createTestTenant(admin);
      const topic = uniqueTopic();
      const group = `crash-${randomUUID()}`;
      const events = await fillOutbox(sql, {
        tenantId: tenant.id,
        topic,
        count: EVENTS,
        keys: 50,
        schema: SCHEMA,
      });
      const base = { TOPIC: topic, GROUP: group, SCHEMA, BUS_BROKERS: adapter.brokers };
      const stamped = () =>
        count(admin`select count(*)::int as count from event_bus_crash.outbox
                    where topic = ${topic} and published_at is not null`);

      // Two relays die between publishing a batch and stamping it; a third finishes the job.
      for (const crashAfter of ['3', '4']) {
        const relay = await startWorker({
          ...base,
          ROLE: 'relay',
          CRASH_AT: 'after-publish',
          CRASH_AFTER: crashAfter,
        });
        await killedBySelf(relay, 'relay');
        if (adapter.kind === 'postgres') {
          const logged = await count(
            admin`select count(*)::int as count from eventbus.events where topic = ${topic}`,
          );
          const stampedNow = await stamped();
          assert.ok(
            logged > stampedNow,
            `the killed relay had published a batch it never stamped (${logged} logged, ${stampedNow} stamped)`,
          );
        }
      }
      const relay = await startWorker({ ...base, ROLE: 'relay' });
      await waitFor('every event to be stamped', async () => (await stamped()) === EVENTS, 120_000);
      await stopGracefully(relay);
      if (adapter.kind === 'postgres') {
        const logged = await count(
          admin`select count(*)::int as count from eventbus.events where topic = ${topic}`,
        );
        assert.equal(logged, EVENTS, 'the log holds each event once although batches were published twice');
      }

      // Two consumers die right after a handler's commit, before their position is committed.
      const processed = () =>
        count(admin`select count(*)::int as count from event_bus_crash.processed_events
                    where consumer_group = ${group}`);
      for (const crashAfter of ['7', '19']) {
        const consumer = await startWorker({
          ...base,
          ROLE: 'consumer',
          CRASH_AT: 'after-commit',
          CRASH_AFTER: crashAfter,
        });
        await killedBySelf(consumer, 'consumer');
        if (adapter.kind === 'postgres') {
          const [{ position }] = await admin<[{ position: string }]>`
            select position from eventbus.consumer_offsets where group_name = ${group} and topic = ${topic}`;
          const beyond = await count(admin`
            select count(*)::int as count from event_bus_crash.processed_events p
            join eventbus.events e on e.event_id = p.event_id
            where p.consumer_group = ${group} and e.position > ${position}`);
          assert.ok(beyond > 0, 'events were handled past the committed position, so they come again');
        }
      }
      const consumer = await startWorker({ ...base, ROLE: 'consumer' });
      await waitFor('every event to be handled', async () => (await processed()) === EVENTS, 180_000);
      await stopGracefully(consumer);

      const [effects] = await admin<[{ count: number; distinct: number; sum: number }]>`
        select count(*)::int as count, count(distinct event_id)::int as distinct, coalesce(sum(seq), 0)::int as sum
        from event_bus_crash.effects where consumer_group = ${group}`;
      assert.deepEqual(effects, {
        count: EVENTS,
        distinct: EVENTS,
        sum: events.reduce((sum, event) => sum + seqOf(event), 0),
      });
      assert.equal(
        await count(
          admin`select count(*)::int as count from event_bus_crash.dead_letters where consumer_group = ${group}`,
        ),
        0,
        'no event was parked',
      );
    });
  });
}
