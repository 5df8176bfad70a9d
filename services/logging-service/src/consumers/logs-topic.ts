import { clientConnection, eventBusMetrics, type KafkaConnection } from '@eduspry/event-bus';
import type { Logger } from '@eduspry/logging';
import { Admin, Consumer, type Message, type MessagesStream, stringDeserializer } from '@platformatic/kafka';
import type { Ingestor } from '../domain/ingest.ts';
import { InvalidLogLine, type LogRecord } from '../domain/log-records.ts';

export interface LogsTopicOptions {
  connection: KafkaConnection;
  topic: string;
  group: string;
  ingestor: Ingestor;
  logger: Logger;
  /** Lines per insert; a partial batch is flushed after `flushMs`. */
  batchSize?: number;
  flushMs?: number;
}

type LogMessage = Message<string, string, string, string>;

/**
 * Consumes raw JSON log lines from the `logs` topic (services and Fluent Bit ship there) and
 * stores them in batches. Not the event bus: these are plain lines, not Avro events. Offsets are
 * committed only after the batch is stored (at-least-once); a line that is not a valid log line
 * is counted and skipped, never retried forever. No span per batch: tracing the log pipeline
 * would only add spans (and lines) about logging itself.
 */
export async function consumeLogsTopic(options: LogsTopicOptions): Promise<{ stop(): Promise<void> }> {
  const { topic, group, ingestor, logger } = options;
  const connection = clientConnection(options.connection);
  const batchSize = options.batchSize ?? 500;
  const log = logger.child({ component: 'logs-consumer' });
  // The event bus's consumer metrics, so lag alerts cover this consumer like any other.
  const metrics = eventBusMetrics();
  await ensureTopic(connection, topic);
  const consumer = new Consumer<string, string, string, string>({
    groupId: group,
    clientId: `logging-service-${group}`,
    ...connection,
    deserializers: {
      key: stringDeserializer,
      value: stringDeserializer,
      headerKey: stringDeserializer,
      headerValue: stringDeserializer,
    },
    autocommit: false,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTime: 200,
  });
  const stream: MessagesStream<string, string, string, string> = await consumer.consume({
    topics: [topic],
    mode: 'committed',
    fallbackMode: 'earliest',
    autocommit: false,
  });
  consumer.on('consumer:lag', (lag: Map<string, bigint[]>) => {
    for (const [laggingTopic, partitions] of lag)
      metrics.lag.set(
        { group, topic: laggingTopic },
        partitions.reduce((sum, value) => sum + Math.max(0, Number(value)), 0),
      );
  });
  consumer.startLagMonitoring({ topics: [topic] }, 5_000);

  let pending: LogMessage[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let stopping = false;

  const flush = (): Promise<void> => {
    const messages = pending;
    pending = [];
    if (messages.length === 0) return flushing;
    flushing = flushing
      .then(() => storeBatch(messages))
      .catch((error: unknown) => {
        log.error(
          { err: error, lines: messages.length },
          'storing a batch from the logs topic failed; it will be redelivered',
        );
        // Not committed: after a restart the group resumes from the last committed offset.
        throw error;
      });
    return flushing;
  };

  async function storeBatch(messages: LogMessage[]): Promise<void> {
    const records: LogRecord[] = [];
    let invalid = 0;
    const now = new Date();
    for (const message of messages) {
      try {
        const [record] = await ingestor.parse([JSON.parse(message.value)], now);
        records.push(record!);
      } catch (error) {
        if (!(error instanceof InvalidLogLine) && !(error instanceof SyntaxError)) throw error;
        invalid += 1;
      }
    }
    if (invalid > 0) {
      ingestor.rejected('kafka', invalid);
      metrics.consumed.inc({ group, event_type: 'log_line', outcome: 'skipped' }, invalid);
      log.warn({ invalid, topic }, 'skipped messages on the logs topic that are not valid log lines');
    }
    await ingestor.store(
      records,
      { platform: 'lines shipped on the logs topic carry their own tenant' },
      'kafka',
    );
    metrics.consumed.inc({ group, event_type: 'log_line', outcome: 'handled' }, records.length);
    const last = new Map<number, LogMessage>();
    for (const message of messages) last.set(message.partition, message);
    await Promise.all([...last.values()].map((message) => message.commit()));
  }

  const timer = setInterval(() => void flush().catch(() => {}), options.flushMs ?? 250);
  const loop = (async () => {
    for await (const message of stream as AsyncIterable<LogMessage>) {
      pending.push(message);
      if (pending.length >= batchSize) await flush();
      if (stopping) break;
    }
  })().catch((error: unknown) => {
    if (!stopping) log.error({ err: error }, 'logs consumer stopped on an error');
  });

  return {
    async stop() {
      stopping = true;
      clearInterval(timer);
      consumer.stopLagMonitoring();
      await stream.close().catch(() => {});
      await loop;
      await flush().catch(() => {});
      await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
    },
  };
}

async function ensureTopic(connection: ReturnType<typeof clientConnection>, topic: string): Promise<void> {
  const admin = new Admin({ clientId: 'logging-service-admin', ...connection });
  try {
    if ((await admin.listTopics()).includes(topic)) return;
    await admin.createTopics({ topics: [topic], partitions: 3, replicas: 1 }).catch((error: Error) => {
      if (!/already exists/i.test(JSON.stringify(error, Object.getOwnPropertyNames(error)))) throw error;
    });
  } finally {
    await admin.close();
  }
}
