import type { Tx } from '@eduspry/common';
import type { EventEnvelope } from '@eduspry/contracts';
import type { Registry } from 'prom-client';

/** What a relay hands to the bus: one outbox row. */
export interface PublishRecord {
  topic: string;
  key: string;
  event: EventEnvelope;
  /** traceparent / tracestate of the producing request. */
  headers: Record<string, string>;
}

export interface DeliveryInfo {
  topic: string;
  key: string;
  headers: Record<string, string>;
  /** 1 on the first try, then 2, 3, … */
  attempt: number;
}

/**
 * Handles one event. `tx` is the transaction in which the processed-events row is written:
 * write the effect with it and the effect happens exactly once, however often the event arrives.
 */
export type EventHandler = (event: EventEnvelope, tx: Tx, info: DeliveryInfo) => Promise<void>;

export interface RetryOptions {
  /** Attempts before the event is parked in dead letters (default 5). */
  maxAttempts?: number;
  /** First backoff in ms, doubled per attempt with jitter (default 100). */
  initialDelayMs?: number;
  /** Longest backoff in ms (default 5000). */
  maxDelayMs?: number;
}

export interface SubscribeOptions {
  /** The consumer group: the service name, or `<service>.<purpose>` for a second group. */
  group: string;
  /** The event types to handle; their domain topics are consumed, other types are skipped. */
  eventTypes?: string[];
  /** Topics to consume (every event type on them is handled) when eventTypes is not given. */
  topics?: string[];
  /** The consumer's own schema: where processed_events and dead_letters live. */
  schema: string;
  handler: EventHandler;
  retry?: RetryOptions;
}

/**
 * A broadcast, in-memory follower: every process that watches sees every matching event (no
 * consumer group shares them out), nothing is written (no offsets, no processed_events), and a
 * restarted process starts over. For state each process keeps in memory, e.g. ended sessions.
 */
export interface WatchOptions {
  eventTypes: string[];
  /**
   * Also deliver events appended up to this long before the watch started (the Postgres event
   * log; Kafka starts at the latest offset), so a process that just started knows recent facts.
   */
  lookbackMs?: number;
  handler: (event: EventEnvelope) => void;
}

export interface Subscription {
  readonly group: string;
  /** Stops fetching, lets the event in hand finish and commits what was handled. */
  stop(): Promise<void>;
}

export interface DeadLetter {
  id: number;
  consumerGroup: string;
  topic: string;
  key: string;
  eventId: string;
  eventType: string;
  tenantId: string;
  event: EventEnvelope;
  headers: Record<string, string>;
  error: string;
  attempts: number;
  createdAt: Date;
  lastFailedAt: Date;
  replayedAt: Date | null;
}

export interface ListDeadLettersOptions {
  schema: string;
  group?: string;
  /** Include dead letters already replayed (default false). */
  includeReplayed?: boolean;
  limit?: number;
}

/** A consumer group subscribed on a bus in this process. */
export interface SubscribedGroup {
  group: string;
  schema: string;
  topics: string[];
}

export interface EventBus {
  readonly kind: 'kafka' | 'postgres';
  /** The consumer groups subscribed on this bus in this process (watchers are not groups). */
  groups(): SubscribedGroup[];
  /** Stores the records durably, in order per key; rejects if any is refused. */
  publish(records: PublishRecord[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  watch(options: WatchOptions): Promise<Subscription>;
  listDeadLetters(options: ListDeadLettersOptions): Promise<DeadLetter[]>;
  /**
   * Runs the group's handler again for a dead letter (the group must be subscribed on this bus);
   * on success it is marked replayed, on failure its error is updated and the error thrown.
   */
  replayDeadLetter(options: { schema: string; id: number }): Promise<void>;
  close(): Promise<void>;
}

export interface EventBusLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface BusOptions {
  service: string;
  logger?: EventBusLogger;
  registry?: Registry;
}
