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
  const schema = assertSchemaName(entry.schema);
  validateEvent(entry.event);
  if (typeof entry.key !== 'string' || entry.key.length === 0)
    throw new TypeError('appendToOutbox: key (the aggregate id) must be a non-empty string');
  const { event } = entry;
  const topic = entry.topic ?? topicFor(event.eventType);
  await tx`
    insert into ${tx(`${schema}.outbox`)}
      (event_id, tenant_id, event_type, version, topic, key, payload, headers)
    values (${event.eventId}, ${event.tenantId}, ${event.eventType}, ${event.version}, ${topic},
            ${entry.key}, ${tx.json(event as never)}, ${tx.json(currentTraceHeaders())})`;
}
