import type { Sql } from '@eduspry/common';
import type { EventEnvelope } from '@eduspry/contracts';
import type { ConsumerCore } from './consumer.ts';
import { assertSchemaName } from './topics.ts';
import type { DeadLetter, ListDeadLettersOptions } from './types.ts';

interface DeadLetterRow {
  id: string;
  consumer_group: string;
  topic: string;
  key: string;
  event_id: string;
  event_type: string;
  tenant_id: string;
  payload: EventEnvelope;
  headers: Record<string, string>;
  error: string;
  attempts: number;
  created_at: Date;
  last_failed_at: Date;
  replayed_at: Date | null;
}

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: Number(row.id),
    consumerGroup: row.consumer_group,
    topic: row.topic,
    key: row.key,
    eventId: row.event_id,
    eventType: row.event_type,
    tenantId: row.tenant_id,
    event: row.payload,
    headers: row.headers,
    error: row.error,
    attempts: row.attempts,
    createdAt: row.created_at,
    lastFailedAt: row.last_failed_at,
    replayedAt: row.replayed_at,
  };
}

/** Why a dead letter could not be replayed: the admin routes answer each as its own problem. */
export type DeadLetterRefusal = 'not-found' | 'already-replayed' | 'not-subscribed' | 'undecodable';

export class DeadLetterReplayRefused extends Error {
  readonly reason: DeadLetterRefusal;
  constructor(reason: DeadLetterRefusal, message: string) {
    super(message);
    this.name = 'DeadLetterReplayRefused';
    this.reason = reason;
  }
}

export async function listDeadLetters(sql: Sql, options: ListDeadLettersOptions): Promise<DeadLetter[]> {
  const table = sql(`${assertSchemaName(options.schema)}.dead_letters`);
  const rows = await sql<DeadLetterRow[]>`
    select * from ${table}
    where (${options.group ?? null}::text is null or consumer_group = ${options.group ?? null})
      and (${options.includeReplayed ?? false} or replayed_at is null)
    order by id
    limit ${options.limit ?? 100}`;
  return rows.map(toDeadLetter);
}

/** Runs the dead letter's group handler again; see EventBus.replayDeadLetter. */
export async function replayDeadLetter(
  sql: Sql,
  consumers: Map<string, ConsumerCore>,
  options: { schema: string; id: number },
): Promise<void> {
  const table = sql(`${assertSchemaName(options.schema)}.dead_letters`);
  const [row] = await sql<DeadLetterRow[]>`select * from ${table} where id = ${options.id}`;
  if (!row)
    throw new DeadLetterReplayRefused('not-found', `no dead letter ${options.id} in ${options.schema}`);
  if (row.replayed_at)
    throw new DeadLetterReplayRefused('already-replayed', `dead letter ${options.id} was already replayed`);
  const consumer = consumers.get(`${options.schema}/${row.consumer_group}`);
  if (!consumer)
    throw new DeadLetterReplayRefused(
      'not-subscribed',
      `consumer group ${row.consumer_group} is not subscribed on this bus: cannot replay`,
    );
  if (!row.payload?.eventId)
    throw new DeadLetterReplayRefused('undecodable', `dead letter ${options.id} holds no decodable event`);
  try {
    await consumer.handleOnce(row.payload, {
      topic: row.topic,
      key: row.key,
      headers: row.headers,
      attempt: row.attempts + 1,
    });
  } catch (error) {
    await sql`update ${table} set error = ${(error as Error).stack ?? String(error)},
                attempts = attempts + 1, last_failed_at = now() where id = ${options.id}`;
    throw error;
  }
  await sql`update ${table} set replayed_at = now() where id = ${options.id}`;
}
