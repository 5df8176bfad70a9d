import type { Sql } from '@eduspry/common';
import type { EventEnvelope } from '@eduspry/contracts';
import type { Registry } from 'prom-client';
import { eventBusMetrics } from './metrics.ts';
import { assertSchemaName } from './topics.ts';
import type { EventBus, EventBusLogger } from './types.ts';
import { Wake } from './wake.ts';

export interface OutboxRelayOptions {
  /** The service's connection (its own role): the outbox is in its schema. */
  sql: Sql;
  schema: string;
  bus: EventBus;
  logger?: EventBusLogger;
  registry?: Registry;
  /** Rows published per transaction (default 500). */
  batchSize?: number;
  /** Look for rows this often without a NOTIFY, in ms (default 1000). */
  pollIntervalMs?: number;
  /** Published rows are deleted after this long, in ms (default 24 h). */
  retainPublishedMs?: number;
}

export interface OutboxRelay {
  /** Finishes the batch in hand and stops. */
  stop(): Promise<void>;
}

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  payload: EventEnvelope;
  headers: Record<string, string>;
}

const CLEANUP_EVERY_MS = 10 * 60 * 1000;

/**
 * Publishes `<schema>.outbox` in id order and stamps `published_at`, a batch per transaction.
 * Any number of relays may run: a transaction-scoped advisory lock lets one publish at a time per
 * schema (so order holds), and the rows are locked FOR UPDATE SKIP LOCKED besides. A crash between
 * publish and commit publishes the batch again: the event log drops the copies by eventId and
 * consumers deduplicate by eventId, so the effect is once.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const schema = assertSchemaName(options.schema);
  const { sql, bus, logger } = options;
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const retainMs = options.retainPublishedMs ?? 24 * 60 * 60 * 1000;
  const metrics = eventBusMetrics(options.registry);
  const table = sql(`${schema}.outbox`);
  const wake = new Wake();
  let stopping = false;
  let lastCleanup = Date.now();

  const relayBatch = (): Promise<number> =>
    sql.begin(async (tx) => {
      const [lock] = await tx<{ locked: boolean }[]>`
        select pg_try_advisory_xact_lock(hashtext(${`eduspry.outbox:${schema}`})) as locked`;
      if (!lock?.locked) return 0;
      const rows = await tx<OutboxRow[]>`
        select id, topic, key, payload, headers from ${table}
        where published_at is null order by id limit ${batchSize}
        for update skip locked`;
      if (!rows.length) return 0;
      await bus.publish(
        rows.map((row) => ({ topic: row.topic, key: row.key, event: row.payload, headers: row.headers })),
      );
      await tx`update ${table} set published_at = now() where id = any(${rows.map((row) => row.id)}::bigint[])`;
      return rows.length;
    }) as Promise<number>;

  const loop = (async () => {
    const listener = await sql
      .listen(`${schema}_outbox`, () => wake.wake())
      .catch((error: unknown) => {
        logger?.warn({ err: error, schema }, 'outbox relay cannot LISTEN, polling only');
        return undefined;
      });
    try {
      while (!stopping) {
        let published = 0;
        try {
          published = await relayBatch();
        } catch (error) {
          logger?.error({ err: error, schema }, 'outbox relay could not publish, retrying');
          await wake.wait(pollIntervalMs);
          continue;
        }
        if (published > 0) continue;
        await reportPending();
        if (Date.now() - lastCleanup > CLEANUP_EVERY_MS) await cleanup();
        if (!stopping) await wake.wait(pollIntervalMs);
      }
    } finally {
      await listener?.unlisten().catch(() => {});
    }
  })();

  async function reportPending(): Promise<void> {
    const [row] = await sql<{ count: number }[]>`
      select count(*)::int as count from ${table} where published_at is null`.catch(() => []);
    if (row) metrics.outboxPending.set({ schema }, row.count);
  }

  async function cleanup(): Promise<void> {
    lastCleanup = Date.now();
    await sql`delete from ${table} where published_at < now() - ${`${retainMs} milliseconds`}::interval`.catch(
      (error: unknown) => logger?.warn({ err: error, schema }, 'outbox cleanup failed'),
    );
  }

  return {
    stop: async () => {
      stopping = true;
      wake.wake();
      await loop;
    },
  };
}
