import type { Tx } from '@eduspry/common';
import { type EventEnvelope, validateEvent } from '@eduspry/contracts';
import { assertSchemaName, topicFor } from './topics.ts';
import { currentTraceHeaders } from './trace.ts';

export interface OutboxEntry {
  /** The service's own schema: `identity` for auth-service, `course` for course-service, … */
  schema: string;
  /** The aggregate id (user id, course id): order holds per key. */
  key: string;
  event: EventEnvelope;
  /** Defaults to the event's domain topic (`eduspry.<domain>`). */
  topic?: string;
}

/**
 * Writes an event into `<schema>.outbox` inside the caller's transaction, so the event exists
 * exactly when the change it describes commits. The event is validated against its Avro schema
 * first: an invalid one throws an EventValidationError naming the field, and nothing is written.
 *
 * Works as the service role and as `authenticated` under withTenant (then only for the claims'
 * own tenant). No RETURNING: `authenticated` may append but not read the outbox.
 */
export async function appendToOutbox(tx: Tx, entry: OutboxEntry): Promise<void> {
  await appendAllToOutbox(tx, [entry]);
}

/** appendToOutbox for many events in one statement, in the given order; all or none are written. */
export async function appendAllToOutbox(tx: Tx, entries: OutboxEntry[]): Promise<void> {
  if (!entries.length) return;
  const headers = currentTraceHeaders();
  const bySchema = new Map<string, Record<string, unknown>[]>();
  for (const entry of entries) {
    const schema = assertSchemaName(entry.schema);
    validateEvent(entry.event);
    if (typeof entry.key !== 'string' || entry.key.length === 0)
      throw new TypeError('appendToOutbox: key (the aggregate id) must be a non-empty string');
    const { event } = entry;
    const rows = bySchema.get(schema) ?? [];
    rows.push({
      event_id: event.eventId,
      tenant_id: event.tenantId,
      event_type: event.eventType,
      version: event.version,
      topic: entry.topic ?? topicFor(event.eventType),
      key: entry.key,
      payload: event,
      headers,
    });
    bySchema.set(schema, rows);
  }
  for (const [schema, rows] of bySchema) {
    for (let start = 0; start < rows.length; start += 1000)
      await tx`insert into ${tx(`${schema}.outbox`)} ${tx(rows.slice(start, start + 1000) as never)}`;
  }
}
