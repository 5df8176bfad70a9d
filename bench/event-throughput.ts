// Event backbone throughput: events/s from outbox insert to consumer effect, with the Postgres
// event log and (when KAFKA_BROKERS is set) with Kafka; plus the Kafka adapter's raw publish rate
// next to Kafka's own org.apache.kafka.tools.ProducerPerformance on the same broker with the same
// record size, in the same run. One JSON line per measurement.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createDb } from '@eduspry/common';
import { createEvent, schemaFor } from '@eduspry/contracts';
import { appendAllToOutbox, createEventBus, type EventBus, startOutboxRelay } from '@eduspry/event-bus';
import type { KafkaBus } from '@eduspry/event-bus/kafka';
import { ROOT } from '../scripts/lib/database.ts';
import { ratio, report } from './lib/measure.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const BATCH = 1000;
const admin = createDb(process.env.DATABASE_URL!, { applicationName: 'bench-events-setup', max: 1 });
const sql = createDb(process.env.AUTH_SERVICE_DATABASE_URL!, { applicationName: 'bench-events', max: 8 });
await admin.unsafe(`
  create table if not exists identity.bench_event_effects (consumer_group text, event_id uuid, primary key (consumer_group, event_id));
  grant select, insert on identity.bench_event_effects to auth_service;`);
const tenantId = randomUUID();

function events(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const userId = randomUUID();
    return createEvent('user.authentication.user_registered', {
      tenantId,
      data: {
        userId,
        tenantId,
        email: `user-${i}@example.org`,
        roles: ['student'],
        registeredAt: new Date().toISOString(),
      },
    });
  });
}

async function endToEnd(bus: EventBus): Promise<number> {
  const topic = `bench.${randomUUID().slice(0, 8)}`;
  const group = `bench-${randomUUID()}`;
  const all = events(EVENTS);
  const started = performance.now();
  const subscription = await bus.subscribe({
    group,
    topics: [topic],
    schema: 'identity',
    handler: async (event, tx) => {
      await tx`insert into identity.bench_event_effects values (${group}, ${event.eventId})`;
    },
  });
  const relay = startOutboxRelay({ sql, schema: 'identity', bus, batchSize: 1000, pollIntervalMs: 100 });
  for (let i = 0; i < all.length; i += BATCH) {
    const slice = all
      .slice(i, i + BATCH)
      .map((event) => ({ schema: 'identity', key: event.data.userId, event, topic }));
    await sql.begin((tx) => appendAllToOutbox(tx, slice));
  }
  for (;;) {
    const [row] = await admin<{ count: number }[]>`
      select count(*)::int as count from identity.bench_event_effects where consumer_group = ${group}`;
    if (row!.count >= EVENTS) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  await relay.stop();
  await subscription.stop();
  return Math.round(EVENTS / seconds);
}

const postgresBus = createEventBus({ sql, service: 'bench', kafkaBrokers: '' });
report({
  benchmark: 'event-throughput',
  bus: 'postgres',
  events: EVENTS,
  outboxToEffectPerSecond: await endToEnd(postgresBus),
});
await postgresBus.close();

const brokers = process.env.KAFKA_BROKERS;
if (!brokers) {
  report({
    benchmark: 'event-throughput',
    bus: 'kafka',
    skipped: 'KAFKA_BROKERS not set (npm run kafka:start)',
  });
} else {
  const kafkaBus = createEventBus({ sql, service: 'bench', kafkaBrokers: brokers }) as KafkaBus;
  const endToEndPerSecond = await endToEnd(kafkaBus);

  // Raw publish rate of the adapter (validation, Avro, headers, idempotent producer, acks=all).
  const topic = `bench.publish.${randomUUID().slice(0, 8)}`;
  await kafkaBus.ensureTopics([topic]);
  const records = events(EVENTS).map((event) => ({
    topic,
    key: event.data.userId,
    event,
    headers: { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` },
  }));
  const valueBytes = schemaFor('user.authentication.user_registered').type.toBuffer(
    records[0]!.event.data,
  ).length;
  await kafkaBus.publish(records.slice(0, 1000)); // warm-up
  const started = performance.now();
  for (let i = 0; i < records.length; i += BATCH) await kafkaBus.publish(records.slice(i, i + BATCH));
  const publishPerSecond = Math.round(EVENTS / ((performance.now() - started) / 1000));
  // The ceiling under the same conditions as the adapter: a topic created beforehand (the
  // adapter's was) and a warm JVM — ProducerPerformance runs twice and the second run counts.
  const perfTopic = `bench.perf.${randomUUID().slice(0, 8)}`;
  await kafkaBus.ensureTopics([perfTopic]);
  await kafkaBus.close();
  const producerPerformance = async () => {
    const { stdout } = await promisify(execFile)(
      'bash',
      [
        join(ROOT, 'infrastructure/kafka/kafka.sh'),
        'perf',
        '--topic',
        perfTopic,
        '--num-records',
        String(EVENTS),
        '--record-size',
        String(valueBytes),
        '--throughput',
        '-1',
        '--producer-props',
        `bootstrap.servers=${brokers}`,
        'acks=all',
        'enable.idempotence=true',
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    return (
      stdout
        .trim()
        .split('\n')
        .filter((line) => line.includes('records sent'))
        .at(-1) ?? ''
    );
  };
  await producerPerformance();
  const summary = await producerPerformance();
  const javaPerSecond = Math.round(Number(/([\d.]+) records\/sec/.exec(summary)?.[1] ?? 0));
  report({
    benchmark: 'event-throughput',
    bus: 'kafka',
    events: EVENTS,
    valueBytes,
    outboxToEffectPerSecond: endToEndPerSecond,
    adapterPublishPerSecond: publishPerSecond,
    producerPerformancePerSecond: javaPerSecond,
    ratio: ratio(publishPerSecond, javaPerSecond),
    goal: 0.5,
  });
}
await Promise.all([sql.end(), admin.end()]);
