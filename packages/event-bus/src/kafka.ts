import { randomUUID } from 'node:crypto';
import type { Sql } from '@eduspry/common';
import { type EventEnvelope, schemaFor, validateEvent } from '@eduspry/contracts';
import {
  Admin,
  Consumer,
  type Message,
  type MessagesStream,
  ProduceAcks,
  Producer,
  stringDeserializer,
  stringSerializer,
} from '@platformatic/kafka';
import { ConsumerCore, HANDLER_BATCH } from './consumer.ts';
import { listDeadLetters, replayDeadLetter } from './dead-letters.ts';
import { clientConnection, type KafkaConnection } from './kafka-connection.ts';
import { type EventBusMetrics, eventBusMetrics } from './metrics.ts';
import { topicFor } from './topics.ts';
import { HEADERS } from './trace.ts';
import type {
  BusOptions,
  DeadLetter,
  EventBus,
  ListDeadLettersOptions,
  PublishRecord,
  SubscribedGroup,
  SubscribeOptions,
  Subscription,
  WatchOptions,
} from './types.ts';

export interface KafkaBusOptions extends BusOptions {
  /** Brokers, and SASL/TLS when the brokers want them (kafkaConnection reads them from the env). */
  connection: KafkaConnection;
  /** Partitions of topics this bus creates (default 3); existing topics are left as they are. */
  partitions?: number;
  replicationFactor?: number;
  /** Commit consumed offsets at least this often, in ms (default 200). */
  commitIntervalMs?: number;
}

type KafkaMessage = Message<string, Buffer, string, string>;

/**
 * Kafka through @platformatic/kafka. The value is the Avro-encoded `data`; the envelope travels in
 * CloudEvents Kafka-binding headers (`ce_id`, `ce_type`, `ce_dataversion`, `ce_tenantid`,
 * `ce_time`, …) plus W3C `traceparent`. Key = aggregate id, so order holds per aggregate. The
 * producer is idempotent with acks=all; consumers commit offsets only after the handler's
 * transaction committed (at-least-once delivery, exactly once in effect via processed_events).
 */
export class KafkaBus implements EventBus {
  readonly kind = 'kafka';
  readonly #sql: Sql;
  readonly #options: KafkaBusOptions;
  readonly #metrics: EventBusMetrics;
  readonly #producer: Producer<string, Buffer, string, string>;
  readonly #knownTopics = new Set<string>();
  readonly #consumers = new Map<string, ConsumerCore>();
  readonly #subscriptions = new Set<Subscription>();
  /** What every client of this bus is given to reach the brokers. */
  readonly #connection: ReturnType<typeof clientConnection>;

  constructor(sql: Sql, options: KafkaBusOptions) {
    this.#sql = sql;
    this.#options = options;
    this.#metrics = eventBusMetrics(options.registry);
    this.#connection = clientConnection(options.connection);
    this.#producer = new Producer({
      clientId: `${options.service}-producer`,
      ...this.#connection,
      idempotent: true,
      acks: ProduceAcks.ALL,
      serializers: { key: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer },
    });
  }

  /** Creates missing topics (brokers may forbid auto-creation). */
  async ensureTopics(topics: string[]): Promise<void> {
    const missing = topics.filter((topic) => !this.#knownTopics.has(topic));
    if (!missing.length) return;
    const admin = new Admin({
      clientId: `${this.#options.service}-admin`,
      ...this.#connection,
    });
    try {
      const existing = new Set(await admin.listTopics());
      const create = missing.filter((topic) => !existing.has(topic));
      if (create.length) {
        await admin
          .createTopics({
            topics: create,
            partitions: this.#options.partitions ?? 3,
            replicas: this.#options.replicationFactor ?? 1,
          })
          .catch((error: Error) => {
            // Another process created it between our list and create.
            if (!/already exists/i.test(JSON.stringify(error, Object.getOwnPropertyNames(error))))
              throw error;
          });
      }
      for (const topic of missing) this.#knownTopics.add(topic);
    } finally {
      await admin.close();
    }
  }

  async publish(records: PublishRecord[]): Promise<void> {
    if (!records.length) return;
    const messages = records.map(({ topic, key, event, headers }) => {
      validateEvent(event);
      return {
        topic,
        key,
        value: schemaFor(event.eventType, event.version).type.toBuffer(event.data),
        headers: {
          ...headers,
          [HEADERS.id]: event.eventId,
          [HEADERS.type]: event.eventType,
          [HEADERS.version]: String(event.version),
          [HEADERS.tenant]: event.tenantId,
          [HEADERS.time]: event.timestamp,
          [HEADERS.source]: `/eduspry/${this.#options.service}`,
          [HEADERS.specVersion]: '1.0',
          [HEADERS.contentType]: 'application/avro',
        },
      };
    });
    await this.ensureTopics([...new Set(records.map((record) => record.topic))]);
    await this.#producer.send({ messages });
    for (const record of records)
      this.#metrics.published.inc({
        topic: record.topic,
        event_type: record.event.eventType,
        bus: this.kind,
      });
  }

  groups(): SubscribedGroup[] {
    return [...this.#consumers.values()].map(({ group, schema, topics }) => ({ group, schema, topics }));
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const core = new ConsumerCore(this.#sql, options, this.#metrics, this.#options.logger);
    const { group, topics } = core;
    await this.ensureTopics(topics);
    const consumer = new Consumer<string, Buffer, string, string>({
      groupId: group,
      clientId: `${this.#options.service}-${group}`,
      ...this.#connection,
      deserializers: {
        key: stringDeserializer,
        headerKey: stringDeserializer,
        headerValue: stringDeserializer,
      },
      autocommit: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTime: 200,
    });
    const stream: MessagesStream<string, Buffer, string, string> = await consumer.consume({
      topics,
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: false,
    });
    consumer.on('consumer:lag', (lag: Map<string, bigint[]>) => {
      for (const [topic, partitions] of lag)
        this.#metrics.lag.set(
          { group, topic },
          partitions.reduce((sum, value) => sum + Math.max(0, Number(value)), 0),
        );
    });
    consumer.startLagMonitoring({ topics }, 5_000);

    // The last handled message per partition: committing it commits everything before it.
    const handled = new Map<string, KafkaMessage>();
    let committing: Promise<void> = Promise.resolve();
    const commit = (): Promise<void> => {
      const toCommit = [...handled.values()];
      handled.clear();
      committing = committing
        .then(() => Promise.all(toCommit.map((message) => message.commit())))
        .then(
          () => {},
          (error: unknown) => this.#options.logger?.warn({ err: error, group }, 'offset commit failed'),
        );
      return committing;
    };
    const timer = setInterval(commit, this.#options.commitIntervalMs ?? 200);

    // Messages that arrived together are handled in one transaction (see deliverBatch), in order;
    // the stream is paused while a batch is in hand so nothing overtakes it.
    let buffer: KafkaMessage[] = [];
    let draining: Promise<void> | undefined;
    const drain = async (): Promise<void> => {
      while (buffer.length && !core.stopping) {
        const batch = buffer.splice(0, HANDLER_BATCH);
        await core.deliverBatch(batch.map(decode));
        for (const message of batch) handled.set(`${message.topic}:${message.partition}`, message);
      }
      draining = undefined;
      if (!core.stopping) stream.resume();
    };
    stream.on('data', (message: KafkaMessage) => {
      buffer.push(message);
      if (buffer.length >= HANDLER_BATCH) stream.pause();
      draining ??= new Promise<void>((resolve) => setImmediate(resolve))
        .then(drain)
        .catch((error: unknown) => {
          draining = undefined;
          this.#options.logger?.error({ err: error, group }, 'kafka consumer could not handle a batch');
        });
    });
    stream.on('error', (error: Error) => {
      if (!core.stopping) this.#options.logger?.error({ err: error, group }, 'kafka consumer stream error');
    });
    const loop = {
      finish: async () => {
        stream.pause();
        await draining;
        buffer = [];
      },
    };

    this.#consumers.set(`${core.schema}/${group}`, core);
    const subscription: Subscription = {
      group,
      stop: async () => {
        core.stopping = true;
        clearInterval(timer);
        consumer.stopLagMonitoring();
        await loop.finish();
        await (stream.close() as Promise<void>).catch(() => {});
        await commit();
        await (consumer.close(true) as unknown as Promise<void>).catch(() => {});
        this.#consumers.delete(`${core.schema}/${group}`);
        this.#subscriptions.delete(subscription);
      },
    };
    this.#subscriptions.add(subscription);
    return subscription;
  }

  /** A consumer group of its own per watch (so every process sees everything), from the latest offset. */
  async watch(options: WatchOptions): Promise<Subscription> {
    const types = new Set(options.eventTypes);
    const topics = [...new Set(options.eventTypes.map(topicFor))];
    await this.ensureTopics(topics);
    const group = `${this.#options.service}.watch.${randomUUID()}`;
    const consumer = new Consumer<string, Buffer, string, string>({
      groupId: group,
      clientId: group,
      ...this.#connection,
      deserializers: {
        key: stringDeserializer,
        headerKey: stringDeserializer,
        headerValue: stringDeserializer,
      },
      autocommit: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTime: 200,
    });
    const stream: MessagesStream<string, Buffer, string, string> = await consumer.consume({
      topics,
      mode: 'latest',
      autocommit: false,
    });
    stream.on('data', (message: KafkaMessage) => {
      const delivered = decode(message);
      if (!('event' in delivered) || !delivered.event || !types.has(delivered.event.eventType)) return;
      try {
        options.handler(delivered.event);
      } catch (error) {
        this.#options.logger?.error({ err: error, group }, 'event watcher failed on an event');
      }
    });
    stream.on('error', (error: Error) =>
      this.#options.logger?.error({ err: error, group }, 'kafka watch stream error'),
    );
    const subscription: Subscription = {
      group,
      stop: async () => {
        await (stream.close() as Promise<void>).catch(() => {});
        await (consumer.close(true) as unknown as Promise<void>).catch(() => {});
        this.#subscriptions.delete(subscription);
      },
    };
    this.#subscriptions.add(subscription);
    return subscription;
  }

  listDeadLetters(options: ListDeadLettersOptions): Promise<DeadLetter[]> {
    return listDeadLetters(this.#sql, options);
  }

  replayDeadLetter(options: { schema: string; id: number }): Promise<void> {
    return replayDeadLetter(this.#sql, this.#consumers, options);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.stop()));
    await this.#producer.close();
  }
}

function decode(message: KafkaMessage) {
  const headers: Record<string, string> = Object.fromEntries(message.headers);
  const delivery = { topic: message.topic, key: message.key ?? '', headers };
  try {
    const eventType = headers[HEADERS.type];
    const version = Number(headers[HEADERS.version]);
    if (!eventType) throw new Error(`message has no ${HEADERS.type} header`);
    // decode() rather than fromBuffer(): fields a newer revision appended are ignored, not an error.
    const { value, offset } = schemaFor(eventType, version).type.decode(message.value, 0);
    if (offset < 0) throw new Error(`value is not a ${eventType} v${version} (truncated Avro)`);
    const event: EventEnvelope = {
      eventId: headers[HEADERS.id] ?? '',
      tenantId: headers[HEADERS.tenant] ?? '',
      timestamp: headers[HEADERS.time] ?? '',
      eventType,
      version,
      data: value,
    };
    return { ...delivery, event: { ...event, data: structuredClone(value) } };
  } catch (error) {
    return { ...delivery, decodeError: error as Error, raw: message.value?.toString('base64') };
  }
}
