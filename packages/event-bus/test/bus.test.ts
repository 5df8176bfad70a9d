import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Tx } from '@eduspry/common';
import { adminDb, createTestTenant } from '@eduspry/common/testing';
import { type EventEnvelope, EventValidationError } from '@eduspry/contracts';
import { appendToOutbox, createEventBus, startOutboxRelay } from '@eduspry/event-bus';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { Registry } from 'prom-client';
import {
  BUS_SCHEMA,
  busTestDb,
  createBusTestSchema,
  fillOutbox,
  numberedEvent,
  seqOf,
  uniqueTopic,
  waitFor,
} from './helpers.ts';

const admin = adminDb();
const sql = busTestDb();
before(async () => {
  // What the service's OpenTelemetry SDK does: keep the active context across awaits.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  await createBusTestSchema(admin);
});
after(() => Promise.all([admin.end(), sql.end()]));

const ADAPTERS = [
  { kind: 'postgres', brokers: '', skip: false as const },
  {
    kind: 'kafka',
    brokers: process.env.KAFKA_BROKERS ?? '',
    skip: !process.env.KAFKA_BROKERS && 'KAFKA_BROKERS not set',
  },
];

const KILL_TEST_EVENTS = 10_000;

/** Problems the bus logs are shown (expected handler failures included), so a hang explains itself. */
const logger = {
  info: () => {},
  warn: (fields: Record<string, unknown>, message: string) =>
    process.env.EVENT_BUS_TEST_LOG && console.error('warn', message, fields),
  error: (fields: Record<string, unknown>, message: string) =>
    (process.env.EVENT_BUS_TEST_LOG || message !== 'event parked in dead letters') &&
    console.error('error', message, fields),
};

function recordEffect(group: string) {
  return async (event: EventEnvelope, tx: Tx) => {
    await tx`insert into event_bus_test.effects (consumer_group, event_id, key, seq)
             values (${group}, ${event.eventId}, ${(event.data as { userId: string }).userId}, ${seqOf(event)})`;
  };
}

async function effects(group: string) {
  const [row] = await admin<{ count: number; sum: number; distinct: number }[]>`
    select count(*)::int as count, coalesce(sum(seq), 0)::int as sum, count(distinct event_id)::int as distinct
    from event_bus_test.effects where consumer_group = ${group}`;
  return row!;
}

/** Keys whose events were handled out of sequence order. */
async function keysOutOfOrder(group: string): Promise<string[]> {
  const rows = await admin<{ key: string }[]>`
    select key from (
      select key, seq, lag(seq) over (partition by key order by handled_order) as previous
      from event_bus_test.effects where consumer_group = ${group}
    ) handled where previous is not null and seq < previous group by key`;
  return rows.map((row) => row.key);
}

for (const adapter of ADAPTERS) {
  describe(`${adapter.kind} event bus`, { skip: adapter.skip }, () => {
    const newBus = (registry = new Registry()) =>
      createEventBus({
        sql,
        service: 'notification-service',
        kafkaBrokers: adapter.brokers,
        registry,
        logger,
      });

    test('is the adapter KAFKA_BROKERS selects', () => {
      assert.equal(newBus().kind, adapter.kind);
    });

    test('delivers a committed outbox event to the consumer in the producer trace, with metrics', async () => {
      const tenant = await createTestTenant(admin);
      const topic = uniqueTopic();
      const group = `test-${randomUUID()}`;
      const registry = new Registry();
      const bus = newBus(registry);
      const traceparent = `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`;
      const event = numberedEvent(tenant.id, randomUUID(), 1);
      await sql.begin(async (tx) => {
        await appendToOutbox(tx, { schema: BUS_SCHEMA, key: event.data.userId, event, topic });
        await tx`update event_bus_test.outbox set headers = ${tx.json({ traceparent })} where event_id = ${event.eventId}`;
      });
      const seen: { event: EventEnvelope; traceId?: string }[] = [];
      const subscription = await bus.subscribe({
        group,
        topics: [topic],
        schema: BUS_SCHEMA,
        handler: async (received, tx) => {
          seen.push({ event: received, traceId: trace.getActiveSpan()?.spanContext().traceId });
          await recordEffect(group)(received, tx);
        },
      });
      const relay = startOutboxRelay({
        sql,
        schema: BUS_SCHEMA,
        bus,
        logger,
        pollIntervalMs: 100,
        registry,
      });
      try {
        await waitFor('the event to be handled', async () => seen.length === 1);
        assert.deepEqual(seen[0]?.event, event);
        assert.equal(seen[0]?.traceId, 'ab'.repeat(16), 'the consumer continues the producer trace');
        // The relay stamps the row after publishing, in its own commit: the consumer may be first.
        await waitFor('the relay to mark the row sent', async () => {
          const [row] =
            await admin`select published_at from event_bus_test.outbox where event_id = ${event.eventId}`;
          return Boolean(row?.published_at);
        });
      } finally {
        await relay.stop();
        await subscription.stop();
        await bus.close();
      }
      const metrics = await registry.getMetricsAsJSON();
      const value = (name: string, labels: Record<string, string>) =>
        metrics
          .find((metric) => metric.name === name)
          ?.values.find((entry) => Object.entries(labels).every(([k, v]) => entry.labels[k] === v))?.value;
      assert.ok((value('eduspry_events_published_total', { topic }) ?? 0) >= 1);
      assert.equal(value('eduspry_events_consumed_total', { group, outcome: 'handled' }), 1);
      const histogram = metrics.find((metric) => metric.name === 'eduspry_event_handler_duration_seconds');
      assert.ok(histogram?.values.some((entry) => entry.labels.group === group && entry.value === 1));
    });

    test('after consumer and relay restarts every one of 10,000 events has its effect exactly once, in order per key', async () => {
      const tenant = await createTestTenant(admin);
      const topic = uniqueTopic();
      const group = `test-${randomUUID()}`;
      const bus = newBus();
      const events = await fillOutbox(sql, { tenantId: tenant.id, topic, count: KILL_TEST_EVENTS, keys: 50 });
      const published = async () => {
        const [row] = await admin<{ count: number }[]>`
          select count(*)::int as count from event_bus_test.outbox where topic = ${topic} and published_at is not null`;
        return row!.count;
      };
      // The consumer is down while the relay publishes; the relay is stopped midway and two
      // relays take over at once.
      const first = startOutboxRelay({
        sql,
        schema: BUS_SCHEMA,
        bus,
        logger,
        batchSize: 200,
        pollIntervalMs: 50,
      });
      await waitFor('some events to be published', async () => (await published()) >= 1000);
      await first.stop();
      const midway = await published();
      assert.ok(midway < KILL_TEST_EVENTS, 'the relay was stopped midway');
      const relays = [1, 2].map(() =>
        startOutboxRelay({ sql, schema: BUS_SCHEMA, bus, logger, batchSize: 500, pollIntervalMs: 50 }),
      );
      await waitFor('every event to be published', async () => (await published()) === KILL_TEST_EVENTS);
      await Promise.all(relays.map((relay) => relay.stop()));
      if (adapter.kind === 'postgres') {
        const [log] = await admin<{ count: number }[]>`
          select count(*)::int as count from eventbus.events where topic = ${topic}`;
        assert.equal(log?.count, KILL_TEST_EVENTS, 'no event was published twice');
      }

      // The consumer starts, stops midway, and comes back as two instances of the group.
      const consumer = await bus.subscribe({
        group,
        topics: [topic],
        schema: BUS_SCHEMA,
        handler: recordEffect(group),
      });
      await waitFor('some effects', async () => (await effects(group)).count >= 2000);
      await consumer.stop();
      if (adapter.kind === 'postgres') {
        // As if the consumer had crashed before committing its position: events come again.
        await admin`update eventbus.consumer_offsets set position = greatest(0, position - 300)
                    where group_name = ${group} and topic = ${topic}`;
      }
      const again = await Promise.all(
        [1, 2].map(() =>
          bus.subscribe({ group, topics: [topic], schema: BUS_SCHEMA, handler: recordEffect(group) }),
        ),
      );
      try {
        await waitFor('every effect', async () => (await effects(group)).count >= KILL_TEST_EVENTS, 120_000);
      } finally {
        await Promise.all(again.map((subscription) => subscription.stop()));
        await bus.close();
      }
      const expectedSum = events.reduce((sum, event) => sum + seqOf(event), 0);
      assert.deepEqual(await effects(group), {
        count: KILL_TEST_EVENTS,
        sum: expectedSum,
        distinct: KILL_TEST_EVENTS,
      });
      assert.deepEqual(await keysOutOfOrder(group), [], 'events of one key were handled in order');
      const [parked] = await admin<[{ count: number }]>`
        select count(*)::int as count from event_bus_test.dead_letters where consumer_group = ${group}`;
      assert.equal(parked.count, 0, 'no event was parked in dead letters');
    });

    test('a handler that throws for one event parks it in dead letters, keeps consuming, and can replay it', async () => {
      const tenant = await createTestTenant(admin);
      const topic = uniqueTopic();
      const group = `test-${randomUUID()}`;
      const bus = newBus();
      const events = await fillOutbox(sql, { tenantId: tenant.id, topic, count: 10, keys: 2, perTx: 10 });
      const poison = events[3]!;
      let healed = false;
      let attempts = 0;
      const subscription = await bus.subscribe({
        group,
        topics: [topic],
        schema: BUS_SCHEMA,
        retry: { maxAttempts: 3, initialDelayMs: 10 },
        handler: async (event, tx) => {
          if (event.eventId === poison.eventId && !healed) {
            attempts++;
            throw new Error('cannot handle this one');
          }
          await recordEffect(group)(event, tx);
        },
      });
      const relay = startOutboxRelay({ sql, schema: BUS_SCHEMA, bus, logger, pollIntervalMs: 50 });
      try {
        await waitFor('the other events', async () => (await effects(group)).count === 9);
        const [dead, ...more] = await bus.listDeadLetters({ schema: BUS_SCHEMA, group });
        assert.equal(more.length, 0);
        assert.equal(dead?.eventId, poison.eventId);
        assert.equal(dead?.attempts, 3);
        assert.ok(attempts >= 3, 'retried before parking');
        assert.match(dead?.error ?? '', /cannot handle this one/);
        assert.deepEqual(dead?.event, poison);

        healed = true;
        await bus.replayDeadLetter({ schema: BUS_SCHEMA, id: dead!.id });
        assert.equal((await effects(group)).count, 10);
        assert.deepEqual(await bus.listDeadLetters({ schema: BUS_SCHEMA, group }), []);
        const [replayed] = await bus.listDeadLetters({
          schema: BUS_SCHEMA,
          group,
          includeReplayed: true,
        });
        assert.ok(replayed?.replayedAt);
      } finally {
        await relay.stop();
        await subscription.stop();
        await bus.close();
      }
    });

    test('an event that fails its schema is refused at publish naming the field, and nothing is written', async () => {
      const tenant = await createTestTenant(admin);
      const topic = uniqueTopic();
      const bus = newBus();
      const valid = numberedEvent(tenant.id, randomUUID(), 1);
      const broken = { ...valid, eventId: randomUUID(), data: { ...valid.data, registeredAt: 42 } };
      try {
        await assert.rejects(
          bus.publish([
            { topic, key: 'k', event: valid, headers: {} },
            { topic, key: 'k', event: broken as never, headers: {} },
          ]),
          (error: unknown) => error instanceof EventValidationError && error.field === 'data.registeredAt',
        );
        const seen: EventEnvelope[] = [];
        const subscription = await bus.subscribe({
          group: `test-${randomUUID()}`,
          topics: [topic],
          schema: BUS_SCHEMA,
          handler: async (event) => {
            seen.push(event);
          },
        });
        await bus.publish([
          { topic, key: 'k', event: numberedEvent(tenant.id, randomUUID(), 2), headers: {} },
        ]);
        await waitFor('the later event', async () => seen.length > 0);
        await subscription.stop();
        assert.deepEqual(
          seen.map((event) => seqOf(event)),
          [2],
          'the valid event of the refused batch was not written either',
        );
      } finally {
        await bus.close();
      }
    });
  });
}
