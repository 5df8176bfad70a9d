import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDb, type Sql } from '@eduspry/common';
import { createEvent, type EventOf } from '@eduspry/contracts';
import { appendAllToOutbox, type OutboxEntry } from '@eduspry/event-bus';

/**
 * The bus tests act as notification-service: no running service relays its outbox, so no
 * other test file's relay can publish (and count) these tests' events in its stead.
 * Its own role, with room for a relay, a consumer and its handler transactions.
 */
export function busTestDb(max = 8): Sql {
  const url = process.env.NOTIFICATION_SERVICE_DATABASE_URL;
  if (!url) throw new Error('NOTIFICATION_SERVICE_DATABASE_URL is not set: run the tests with `npm test`');
  return createDb(url, { applicationName: 'eduspry-test-event-bus', max });
}

/** A table outside the service schemas (so the RLS check ignores it) where test handlers write their effect. */
export async function createEffectsTable(admin: Sql): Promise<void> {
  await admin.unsafe(`
    create schema if not exists event_bus_test;
    grant usage on schema event_bus_test to notification_service;
    create table if not exists event_bus_test.effects (
      consumer_group text not null,
      event_id uuid not null,
      key text not null,
      seq integer not null,
      handled_order bigint generated always as identity,
      primary key (consumer_group, event_id)
    );
    grant select, insert on event_bus_test.effects to notification_service;`);
}

export type Registered = EventOf<'user.authentication.user_registered'>;

/** A user_registered event whose email carries a sequence number the handler can check order with. */
export function numberedEvent(tenantId: string, userId: string, seq: number): Registered {
  return createEvent('user.authentication.user_registered', {
    tenantId,
    data: {
      userId,
      tenantId,
      email: `${seq}@example.org`,
      roles: ['student'],
      registeredAt: new Date().toISOString(),
    },
  });
}

export function seqOf(event: { data: unknown }): number {
  return Number((event.data as { email: string }).email.split('@')[0]);
}

/** Appends `count` numbered events spread over `keys` aggregates, in transactions of `perTx`. */
export async function fillOutbox(
  sql: Sql,
  {
    tenantId,
    topic,
    count,
    keys,
    perTx = 1000,
  }: { tenantId: string; topic: string; count: number; keys: number; perTx?: number },
): Promise<Registered[]> {
  const users = Array.from({ length: keys }, () => randomUUID());
  const events: Registered[] = [];
  for (let start = 0; start < count; start += perTx) {
    const entries: OutboxEntry[] = [];
    for (let seq = start; seq < Math.min(count, start + perTx); seq++) {
      const userId = users[seq % keys]!;
      const event = numberedEvent(tenantId, userId, seq);
      events.push(event);
      entries.push({ schema: 'notification', key: userId, event, topic });
    }
    await sql.begin((tx) => appendAllToOutbox(tx, entries));
  }
  return events;
}

export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export const uniqueTopic = () => `test.${randomUUID().slice(0, 8)}`;
