import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDb, type Sql } from '@eduspry/common';
import { createEvent, type EventOf } from '@eduspry/contracts';
import { appendAllToOutbox, type OutboxEntry } from '@eduspry/event-bus';

/**
 * The bus tests connect as notification-service's role but work in schemas of their own
 * (`event_bus_test`, and one for the crash tests, whose relays must not meet the others'), shaped exactly like a service schema's event tables (outbox,
 * processed_events, dead_letters, with RLS), so no running service's relay or consumer can
 * publish or handle these tests' events in their stead.
 */
export const BUS_SCHEMA = 'event_bus_test';

export function busTestDb(max = 8): Sql {
  const url = process.env.NOTIFICATION_SERVICE_DATABASE_URL;
  if (!url) throw new Error('NOTIFICATION_SERVICE_DATABASE_URL is not set: run the tests with `npm test`');
  return createDb(url, { applicationName: 'eduspry-test-event-bus', max });
}

/**
 * The test schema's event tables, copied from a service schema, and `effects`, where test
 * handlers write what they did. `effects` has no unique key on purpose: a duplicate effect is
 * a second row, so "each event once" is counted, never enforced by the table.
 */
export async function createBusTestSchema(admin: Sql, schema = BUS_SCHEMA): Promise<void> {
  // Test files run in parallel: one of them creates the schema, the others wait and find it.
  await admin.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${schema}))`;
    await tx.unsafe(`
    create schema if not exists ${schema};
    grant usage on schema ${schema} to notification_service;
    create table if not exists ${schema}.outbox (like notification.outbox including all);
    create table if not exists ${schema}.processed_events (like notification.processed_events including all);
    create table if not exists ${schema}.dead_letters (like notification.dead_letters including all);
    create table if not exists ${schema}.effects (
      consumer_group text not null,
      event_id uuid not null,
      key text not null,
      seq integer not null,
      handled_order bigint generated always as identity
    );
    create index if not exists effects_group_idx on ${schema}.effects (consumer_group, event_id);
    grant select, insert, update, delete on all tables in schema ${schema} to notification_service;
    do $$ begin
      create trigger outbox_notify after insert on ${schema}.outbox
        for each statement execute function eduspry.notify_outbox();
      alter table ${schema}.outbox enable row level security;
      alter table ${schema}.processed_events enable row level security;
      alter table ${schema}.dead_letters enable row level security;
      create policy platform_access on ${schema}.outbox for all to notification_service using (true) with check (true);
      create policy platform_access on ${schema}.processed_events for all to notification_service using (true) with check (true);
      create policy platform_access on ${schema}.dead_letters for all to notification_service using (true) with check (true);
    exception when duplicate_object then null;
    end $$;`);
  });
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
    schema = BUS_SCHEMA,
  }: { tenantId: string; topic: string; count: number; keys: number; perTx?: number; schema?: string },
): Promise<Registered[]> {
  const users = Array.from({ length: keys }, () => randomUUID());
  const events: Registered[] = [];
  for (let start = 0; start < count; start += perTx) {
    const entries: OutboxEntry[] = [];
    for (let seq = start; seq < Math.min(count, start + perTx); seq++) {
      const userId = users[seq % keys]!;
      const event = numberedEvent(tenantId, userId, seq);
      events.push(event);
      entries.push({ schema, key: userId, event, topic });
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
