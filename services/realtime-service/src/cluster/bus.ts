import { randomUUID } from 'node:crypto';
import type { Redis, Sql } from '@eduspry/common';
import { deleteOldClusterMessages, parkClusterMessage, readClusterMessage } from '../db/cluster.ts';

/** What instances tell each other: broadcasts and presence changes, tagged with the sender. */
export type ClusterMessage =
  | { t: 'broadcast'; scope: string; event: string; payload: unknown }
  | { t: 'presence-join'; scope: string; key: string; meta: Record<string, unknown> }
  | { t: 'presence-leave'; scope: string; key: string; ref: string }
  | { t: 'presence-request' }
  | {
      t: 'presence-snapshot';
      to: string;
      entries: { scope: string; key: string; meta: Record<string, unknown> }[];
    }
  | { t: 'alive' };

export type Envelope = ClusterMessage & { node: string };

/**
 * How several realtime instances behind a load balancer share broadcasts and presence. Every
 * instance publishes what its own sockets did and applies what the others publish.
 */
export interface ClusterBus {
  readonly node: string;
  readonly engine: 'redis' | 'postgres' | 'memory';
  publish(message: ClusterMessage): void;
  onMessage(handler: (message: Envelope) => void): void;
  close(): Promise<void>;
}

export interface BusLogger {
  error(fields: Record<string, unknown>, message: string): void;
}

/** A single instance: nothing to share. */
export function memoryBus(): ClusterBus {
  return {
    node: randomUUID(),
    engine: 'memory',
    publish() {},
    onMessage() {},
    async close() {},
  };
}

const CHANNEL = 'eduspry_realtime';

export async function redisBus(url: string, log: BusLogger): Promise<ClusterBus> {
  const { Redis } = await import('ioredis');
  const options = { connectTimeout: 2000, maxRetriesPerRequest: 2, lazyConnect: true };
  const publisher: Redis = new Redis(url, options);
  const subscriber: Redis = new Redis(url, options);
  await Promise.all([publisher.connect(), subscriber.connect()]);
  const node = randomUUID();
  const handlers: ((message: Envelope) => void)[] = [];
  subscriber.on('message', (_channel, text: string) => deliver(text, node, handlers, log));
  await subscriber.subscribe(CHANNEL);
  for (const client of [publisher, subscriber])
    client.on('error', (error) => log.error({ err: error }, 'redis cluster bus error'));
  return {
    node,
    engine: 'redis',
    publish(message) {
      publisher.publish(CHANNEL, JSON.stringify({ ...message, node })).catch((error: unknown) => {
        log.error({ err: error }, 'redis cluster publish failed');
      });
    },
    onMessage: (handler) => void handlers.push(handler),
    async close() {
      await Promise.allSettled([subscriber.quit(), publisher.quit()]);
    },
  };
}

/** NOTIFY's payload limit is 8000 bytes: larger messages are parked in live.cluster_messages. */
const NOTIFY_LIMIT = 7900;

export async function postgresBus(sql: Sql, log: BusLogger): Promise<ClusterBus> {
  const node = randomUUID();
  const handlers: ((message: Envelope) => void)[] = [];
  // One connection publishes, so one instance's messages arrive in the order it sent them.
  const publisher = await sql.reserve();
  const listener = await sql.listen(CHANNEL, (text) => {
    if (!text.startsWith('#')) return deliver(text, node, handlers, log);
    readClusterMessage(sql, text.slice(1))
      .then((body) => body && deliver(body, node, handlers, log))
      .catch((error: unknown) => log.error({ err: error }, 'reading a parked cluster message failed'));
  });
  const sweeper = setInterval(() => {
    deleteOldClusterMessages(sql).catch((error: unknown) =>
      log.error({ err: error }, 'cluster sweep failed'),
    );
  }, 30_000);
  sweeper.unref();
  return {
    node,
    engine: 'postgres',
    publish(message) {
      const text = JSON.stringify({ ...message, node });
      const sent =
        Buffer.byteLength(text) <= NOTIFY_LIMIT
          ? publisher`select pg_notify(${CHANNEL}, ${text})`
          : parkClusterMessage(sql, text).then((id) => publisher`select pg_notify(${CHANNEL}, ${`#${id}`})`);
      sent.catch((error: unknown) => log.error({ err: error }, 'postgres cluster publish failed'));
    },
    onMessage: (handler) => void handlers.push(handler),
    async close() {
      clearInterval(sweeper);
      await listener.unlisten();
      publisher.release();
    },
  };
}

function deliver(
  text: string,
  self: string,
  handlers: ((message: Envelope) => void)[],
  log: BusLogger,
): void {
  let message: Envelope;
  try {
    message = JSON.parse(text) as Envelope;
  } catch (error) {
    log.error({ err: error }, 'unreadable cluster message');
    return;
  }
  if (message.node === self) return;
  for (const handler of handlers) handler(message);
}
