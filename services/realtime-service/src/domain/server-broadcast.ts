import { timingSafeEqual } from 'node:crypto';
import { problems } from '../problems.ts';
import type { Hub } from './hub.ts';
import { channelScope, isReservedTopic, isWellFormedReservedTopic } from './rules.ts';

export interface ServerMessage {
  topic: string;
  event: string;
  payload: Record<string, unknown>;
  private?: boolean;
  /** EduSpry extension: the tenant of a topic that is not `user:<id>` or `course:<id>`. */
  tenant_id?: string;
}

/** The shared REALTIME_SERVICE_KEY, compared in constant time. */
export function requireServiceKey(expected: string, presented: string | undefined): void {
  const a = Buffer.from(presented ?? '');
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b))
    throw problems.create(
      'broadcast-key-invalid',
      'POST /api/broadcast needs Authorization: Bearer <REALTIME_SERVICE_KEY>',
    );
}

/**
 * Supabase's server-side broadcast for services (notification-service, …): each message reaches
 * the channel's subscribers on every instance. `user:`/`course:` topics need no tenant (their
 * policies admit only that user or course's members); any other topic is per tenant and needs
 * `tenant_id`, so a service cannot broadcast into every district's `room1` at once.
 */
export function broadcastFromService(hub: Hub, messages: ServerMessage[]): { delivered: number } {
  for (const message of messages) {
    if (isReservedTopic(message.topic) && !isWellFormedReservedTopic(message.topic))
      throw problems.create('validation', `topic ${message.topic} needs a uuid`);
    if (!isReservedTopic(message.topic) && !message.tenant_id)
      throw problems.create('topic-needs-tenant', `topic ${message.topic} is per tenant: give tenant_id`);
  }
  let delivered = 0;
  for (const message of messages) {
    const scope = channelScope(message.topic, message.tenant_id ?? '');
    delivered += hub.broadcast(scope, message.event, message.payload);
  }
  return { delivered };
}
