import { setTimeout as sleep } from 'node:timers/promises';
import type { Sql, Tx } from '@eduspry/common';
import { type EventEnvelope, NIL_UUID } from '@eduspry/contracts';
import { runWithLogContext } from '@eduspry/logging';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { EventBusMetrics } from './metrics.ts';
import { assertSchemaName, topicFor } from './topics.ts';
import { contextFromHeaders } from './trace.ts';
import type { DeliveryInfo, EventBusLogger, SubscribeOptions } from './types.ts';

/** Events a consumer handles in one transaction at most, whichever bus delivers them. */
export const HANDLER_BATCH = 100;

export type Outcome = 'handled' | 'duplicate' | 'skipped' | 'dead_lettered';

/** One message as an adapter received it, before or after decoding. */
export interface Delivery {
  topic: string;
  key: string;
  headers: Record<string, string>;
  event?: EventEnvelope;
  /** Set when the message could not be decoded: it goes straight to dead letters. */
  decodeError?: Error;
  /** What to keep of an undecodable message. */
  raw?: unknown;
}

const tracer = trace.getTracer('@eduspry/event-bus');

/**
 * The delivery semantics both adapters share: skip types the group did not ask for, run the
 * handler in a transaction that also records (group, eventId) in processed_events — so a
 * redelivered event changes nothing — retry with exponential backoff and jitter, and after the
 * last attempt park the event in dead_letters with the error and move on.
 */
export class ConsumerCore {
  readonly group: string;
  readonly schema: string;
  readonly topics: string[];
  readonly #sql: Sql;
  readonly #options: SubscribeOptions;
  readonly #types: Set<string> | undefined;
  readonly #metrics: EventBusMetrics;
  readonly #logger: EventBusLogger | undefined;
  readonly #maxAttempts: number;
  readonly #initialDelayMs: number;
  readonly #maxDelayMs: number;
  stopping = false;

  constructor(sql: Sql, options: SubscribeOptions, metrics: EventBusMetrics, logger?: EventBusLogger) {
    if (!options.group) throw new TypeError('subscribe: group is required');
    if (!options.eventTypes?.length && !options.topics?.length)
      throw new TypeError('subscribe: give eventTypes or topics');
    this.group = options.group;
    this.schema = assertSchemaName(options.schema);
    this.#sql = sql;
    this.#options = options;
    this.#types = options.eventTypes?.length ? new Set(options.eventTypes) : undefined;
    this.topics = [...new Set(options.topics ?? options.eventTypes!.map(topicFor))].sort();
    this.#metrics = metrics;
    this.#logger = logger;
    this.#maxAttempts = Math.max(1, options.retry?.maxAttempts ?? 5);
    this.#initialDelayMs = options.retry?.initialDelayMs ?? 100;
    this.#maxDelayMs = options.retry?.maxDelayMs ?? 5000;
  }

  async deliver(delivery: Delivery): Promise<Outcome> {
    const { event } = delivery;
    if (!event || delivery.decodeError) {
      await this.#park(delivery, delivery.decodeError ?? new Error('message has no event'), 1);
      return this.#count(delivery.headers.ce_type ?? 'unknown', 'dead_lettered');
    }
    if (this.#types && !this.#types.has(event.eventType)) return this.#count(event.eventType, 'skipped');
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      try {
        const outcome = await this.handleOnce(event, { ...delivery, attempt });
        return this.#count(event.eventType, outcome);
      } catch (error) {
        lastError = error;
        this.#metrics.handlerFailures.inc({ group: this.group, event_type: event.eventType });
        this.#logger?.warn(
          { err: error, group: this.group, eventId: event.eventId, eventType: event.eventType, attempt },
          'event handler failed',
        );
        if (attempt < this.#maxAttempts) await sleep(this.#backoff(attempt));
      }
    }
    await this.#park(delivery, lastError, this.#maxAttempts);
    return this.#count(event.eventType, 'dead_lettered');
  }

  /**
   * Delivers several events in one transaction (each still with its own processed_events row, so
   * each effect stays exactly-once); one commit instead of one per event is what makes catching up
   * after an outage fast. If any handler throws, the transaction is rolled back and the events are
   * delivered one by one, with retries and dead letters as usual. Order is kept either way.
   */
  async deliverBatch(deliveries: Delivery[]): Promise<Outcome[]> {
    const wanted = deliveries.filter(
      (delivery) =>
        delivery.event &&
        !delivery.decodeError &&
        (!this.#types || this.#types.has(delivery.event.eventType)),
    );
    if (deliveries.length < 2 || wanted.length !== deliveries.length) {
      const outcomes: Outcome[] = [];
      for (const delivery of deliveries) outcomes.push(await this.deliver(delivery));
      return outcomes;
    }
    try {
      const outcomes = (await this.#sql.begin(async (tx) => {
        const results: ('handled' | 'duplicate')[] = [];
        for (const delivery of deliveries) {
          const event = delivery.event!;
          results.push(
            await this.#inTrace(event, { ...delivery, attempt: 1 }, () =>
              this.#attempt(tx, event, { ...delivery, attempt: 1 }),
            ),
          );
        }
        return results;
      })) as ('handled' | 'duplicate')[];
      return outcomes.map((outcome, index) => this.#count(deliveries[index]!.event!.eventType, outcome));
    } catch {
      const outcomes: Outcome[] = [];
      for (const delivery of deliveries) outcomes.push(await this.deliver(delivery));
      return outcomes;
    }
  }

  async #attempt(tx: Tx, event: EventEnvelope, info: DeliveryInfo): Promise<'handled' | 'duplicate'> {
    const [fresh] = await tx`
      insert into ${tx(`${this.schema}.processed_events`)} (consumer_group, event_id, tenant_id)
      values (${this.group}, ${event.eventId}, ${event.tenantId})
      on conflict do nothing returning event_id`;
    if (!fresh) return 'duplicate';
    const stop = this.#metrics.handlerSeconds.startTimer({ group: this.group, event_type: event.eventType });
    try {
      await this.#options.handler(event, tx, info);
    } finally {
      stop();
    }
    return 'handled';
  }

  /**
   * Runs `work` in a consumer span whose parent is the producer's span (from `traceparent`), inside
   * a log context of the event's tenant and that trace.
   */
  #inTrace<T>(event: EventEnvelope, info: DeliveryInfo, work: () => Promise<T>): Promise<T> {
    const parent = contextFromHeaders(info.headers);
    return context.with(parent, () =>
      tracer.startActiveSpan(
        `process ${event.eventType}`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            'messaging.destination.name': info.topic,
            'messaging.consumer.group.name': this.group,
            'messaging.message.id': event.eventId,
            'eduspry.tenant_id': event.tenantId,
          },
        },
        async (span) => {
          try {
            // Every line the handler logs names the event's tenant and trace, as a request's do.
            const { traceId, spanId } = span.spanContext();
            return await runWithLogContext({ tenantId: event.tenantId, traceId, spanId }, work);
          } catch (error) {
            span.recordException(error as Error);
            span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
            throw error;
          } finally {
            span.end();
          }
        },
      ),
    );
  }

  /** One attempt in one transaction, in the producer's trace. */
  handleOnce(event: EventEnvelope, info: DeliveryInfo): Promise<'handled' | 'duplicate'> {
    return this.#inTrace(
      event,
      info,
      () => this.#sql.begin((tx) => this.#attempt(tx, event, info)) as Promise<'handled' | 'duplicate'>,
    );
  }

  #backoff(attempt: number): number {
    const exponential = Math.min(this.#maxDelayMs, this.#initialDelayMs * 2 ** (attempt - 1));
    return exponential / 2 + Math.random() * (exponential / 2);
  }

  async #park(delivery: Delivery, error: unknown, attempts: number): Promise<void> {
    const event = delivery.event;
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    const eventId = event?.eventId ?? delivery.headers.ce_id ?? crypto.randomUUID();
    await this.#sql`
      insert into ${this.#sql(`${this.schema}.dead_letters`)}
        (consumer_group, topic, key, event_id, tenant_id, event_type, version, payload, headers, error, attempts)
      values (${this.group}, ${delivery.topic}, ${delivery.key}, ${eventId},
              ${event?.tenantId ?? delivery.headers.ce_tenantid ?? NIL_UUID},
              ${event?.eventType ?? delivery.headers.ce_type ?? 'unknown'}, ${event?.version ?? 0},
              ${this.#sql.json((event ?? { raw: delivery.raw ?? null }) as never)},
              ${this.#sql.json(delivery.headers)}, ${message}, ${attempts})
      on conflict (consumer_group, event_id) do update
        set error = excluded.error, attempts = dead_letters.attempts + excluded.attempts,
            last_failed_at = now(), replayed_at = null`;
    this.#logger?.error(
      { err: error, group: this.group, eventId, eventType: event?.eventType, topic: delivery.topic },
      'event parked in dead letters',
    );
  }

  #count(eventType: string, outcome: Outcome): Outcome {
    this.#metrics.consumed.inc({ group: this.group, event_type: eventType, outcome });
    return outcome;
  }
}
