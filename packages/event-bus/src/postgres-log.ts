import type { Sql } from '@eduspry/common';
import { type EventEnvelope, validateEvent } from '@eduspry/contracts';
import { ConsumerCore, HANDLER_BATCH } from './consumer.ts';
import { listDeadLetters, replayDeadLetter } from './dead-letters.ts';
import { type EventBusMetrics, eventBusMetrics } from './metrics.ts';
import { topicFor } from './topics.ts';
import type {
  BusOptions,
  DeadLetter,
  EventBus,
  EventBusLogger,
  ListDeadLettersOptions,
  PublishRecord,
  SubscribedGroup,
  SubscribeOptions,
  Subscription,
  WatchOptions,
} from './types.ts';
import { Wake } from './wake.ts';

export interface PostgresLogOptions extends BusOptions {
  /** Events read per consumer poll (default 500). */
  batchSize?: number;
  /** Poll even without a NOTIFY this often, in ms (default 1000): covers a dropped LISTEN connection. */
  pollIntervalMs?: number;
}

const INSERT_CHUNK = 1000;

/**
 * The embedded default: `eventbus.events` is an append-only log, `eventbus.consumer_offsets` holds
 * each group's committed position per topic, NOTIFY wakes consumers. One consumer per group and
 * topic at a time (a row lock on the offset, SKIP LOCKED for the others), like one partition owner.
 */
export class PostgresLogBus implements EventBus {
  readonly kind = 'postgres';
  readonly #sql: Sql;
  readonly #options: PostgresLogOptions;
  readonly #metrics: EventBusMetrics;
  readonly #consumers = new Map<string, ConsumerCore>();
  readonly #subscriptions = new Set<Subscription>();

  constructor(sql: Sql, options: PostgresLogOptions) {
    this.#sql = sql;
    this.#options = options;
    this.#metrics = eventBusMetrics(options.registry);
  }

  async publish(records: PublishRecord[]): Promise<void> {
    if (!records.length) return;
    for (const record of records) validateEvent(record.event);
    const topics = [...new Set(records.map((record) => record.topic))].sort();
    await this.#sql.begin(async (tx) => {
      // Appends to a topic commit in position order, so a reader never skips a late commit.
      for (const topic of topics) await tx`select pg_advisory_xact_lock(hashtext(${`eventbus:${topic}`}))`;
      for (let start = 0; start < records.length; start += INSERT_CHUNK) {
        const rows = records.slice(start, start + INSERT_CHUNK).map(({ topic, key, event, headers }) => ({
          topic,
          key,
          event_id: event.eventId,
          tenant_id: event.tenantId,
          event_type: event.eventType,
          version: event.version,
          payload: event,
          headers,
        }));
        await tx`insert into eventbus.events ${tx(rows as never)} on conflict (event_id) do nothing`;
      }
    });
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
    await this.#sql`
      insert into eventbus.consumer_offsets ${this.#sql(topics.map((topic) => ({ group_name: group, topic })))}
      on conflict do nothing`;
    const wake = new Wake();
    const listener = await this.#sql.listen('eventbus', (topic) => {
      if (topics.includes(topic)) wake.wake();
    });
    this.#consumers.set(`${core.schema}/${group}`, core);
    const loop = this.#consume(core, wake).catch((error) =>
      this.#options.logger?.error({ err: error, group }, 'postgres event log consumer stopped on an error'),
    );
    const subscription: Subscription = {
      group,
      stop: async () => {
        core.stopping = true;
        wake.wake();
        await loop;
        await listener.unlisten();
        this.#consumers.delete(`${core.schema}/${group}`);
        this.#subscriptions.delete(subscription);
      },
    };
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async watch(options: WatchOptions): Promise<Subscription> {
    const types = new Set(options.eventTypes);
    const topics = [...new Set(options.eventTypes.map(topicFor))];
    const since = new Date(Date.now() - (options.lookbackMs ?? 0));
    // A watcher keeps no position, but its subscription is recorded like a group's: a role may
    // read the topics of its own subscriptions only (eventbus.events is under RLS).
    const group = `${this.#options.service}.watch:${options.eventTypes.join(',')}`;
    await this.#sql`
      insert into eventbus.consumer_offsets ${this.#sql(topics.map((topic) => ({ group_name: group, topic })))}
      on conflict do nothing`;
    const positions = new Map<string, string>();
    for (const topic of topics) {
      // Walks the (topic, position) index backwards: recent events are few.
      const [last] = await this.#sql<{ position: string }[]>`
        select position from eventbus.events where topic = ${topic} and created_at < ${since}
        order by position desc limit 1`;
      positions.set(topic, last?.position ?? '0');
    }
    const wake = new Wake();
    const listener = await this.#sql.listen('eventbus', (topic) => {
      if (topics.includes(topic)) wake.wake();
    });
    let stopping = false;
    const batchSize = this.#options.batchSize ?? 500;
    const loop = (async () => {
      while (!stopping) {
        let full = false;
        for (const topic of topics) {
          try {
            const rows = await this.#sql<{ position: string; event_type: string; payload: EventEnvelope }[]>`
              select position, event_type, payload from eventbus.events
              where topic = ${topic} and position > ${positions.get(topic)!}
              order by position limit ${batchSize}`;
            for (const row of rows) {
              if (types.has(row.event_type)) {
                try {
                  options.handler(row.payload);
                } catch (error) {
                  this.#options.logger?.error({ err: error, group }, 'event watcher failed on an event');
                }
              }
              positions.set(topic, row.position);
            }
            if (rows.length === batchSize) full = true;
          } catch (error) {
            if (!stopping)
              this.#options.logger?.warn({ err: error, group, topic }, 'watching the event log failed');
          }
        }
        if (!full && !stopping) await wake.wait(this.#options.pollIntervalMs ?? 1000);
      }
    })();
    const subscription: Subscription = {
      group,
      stop: async () => {
        stopping = true;
        wake.wake();
        await loop;
        await listener.unlisten().catch(() => {});
        this.#subscriptions.delete(subscription);
      },
    };
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async #consume(core: ConsumerCore, wake: Wake): Promise<void> {
    const pollIntervalMs = this.#options.pollIntervalMs ?? 1000;
    while (!core.stopping) {
      let progressed = false;
      for (const topic of core.topics) {
        try {
          if (await this.#consumeBatch(core, topic)) progressed = true;
        } catch (error) {
          // The database went away or a dead letter could not be written: nothing was committed
          // past the failure, so the same events come again after a pause.
          this.#options.logger?.error({ err: error, group: core.group, topic }, 'consuming failed, retrying');
          await wake.wait(pollIntervalMs);
        }
      }
      if (!progressed && !core.stopping) await wake.wait(pollIntervalMs);
    }
  }

  /** Handles the next batch of one topic; true when there were events. */
  #consumeBatch(core: ConsumerCore, topic: string): Promise<boolean> {
    const batchSize = this.#options.batchSize ?? 500;
    return this.#sql.begin(async (tx) => {
      const [owned] = await tx<{ position: string }[]>`
        select position from eventbus.consumer_offsets
        where group_name = ${core.group} and topic = ${topic}
        for update skip locked`;
      if (!owned) return false; // another instance of this group has the topic right now
      const events = await tx<
        { position: string; key: string; payload: EventEnvelope; headers: Record<string, string> }[]
      >`
        select position, key, payload, headers from eventbus.events
        where topic = ${topic} and position > ${owned.position}
        order by position limit ${batchSize}`;
      const [head] = await tx<{ max: string | null }[]>`
        select max(position) from eventbus.events where topic = ${topic}`;
      let position = owned.position;
      for (let start = 0; start < events.length && !core.stopping; start += HANDLER_BATCH) {
        const slice = events.slice(start, start + HANDLER_BATCH);
        await core.deliverBatch(
          slice.map((row) => ({ topic, key: row.key, headers: row.headers, event: row.payload })),
        );
        position = slice.at(-1)!.position;
      }
      if (position !== owned.position)
        await tx`update eventbus.consumer_offsets set position = ${position}, updated_at = now()
                 where group_name = ${core.group} and topic = ${topic}`;
      this.#metrics.lag.set({ group: core.group, topic }, Number(head?.max ?? 0) - Number(position));
      return events.length > 0;
    }) as Promise<boolean>;
  }

  listDeadLetters(options: ListDeadLettersOptions): Promise<DeadLetter[]> {
    return listDeadLetters(this.#sql, options);
  }

  replayDeadLetter(options: { schema: string; id: number }): Promise<void> {
    return replayDeadLetter(this.#sql, this.#consumers, options);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.stop()));
  }
}

export type { EventBusLogger };
