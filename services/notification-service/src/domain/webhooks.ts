import { type TenantClaims, type Tx, withTenant } from '@eduspry/common';
import type { EventEnvelope } from '@eduspry/contracts';
import {
  activeEndpointsOf,
  attemptsOf,
  type DeliveryRow,
  deleteEndpoint,
  deliveryById,
  type EndpointRow,
  endpointById,
  expireSecrets,
  insertEndpoint,
  insertSecret,
  listDeliveries,
  listEndpoints,
  queueDeliveries,
  replayDelivery,
  updateEndpoint,
} from '../db/webhooks.ts';
import { problems } from '../problems.ts';
import { UnsafeUrlError } from '../webhooks/outbound.ts';
import { newSigningSecret } from '../webhooks/signing.ts';
import { requireAccess } from './access.ts';
import type { NotificationContext } from './context.ts';
import { endpointWants } from './rules.ts';

export const toEndpoint = (row: EndpointRow) => ({
  id: row.id,
  url: row.url,
  description: row.description,
  eventTypes: row.event_types,
  ordered: row.ordered,
  status: row.status,
  disabledReason: row.disabled_reason,
  failingSince: row.failing_since?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
});

const toDelivery = (row: DeliveryRow) => ({
  id: row.id,
  messageId: row.message_id,
  eventType: row.event_type,
  orderingKey: row.ordering_key,
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
  createdAt: row.created_at.toISOString(),
  completedAt: row.completed_at?.toISOString() ?? null,
  lastStatusCode: row.last_status_code,
});

/** Refuses URLs webhooks may not reach (logged), as a 422 the admin can act on. */
async function assertSafeUrl(ctx: NotificationContext, url: string): Promise<void> {
  try {
    await ctx.http.check(url);
  } catch (error) {
    if (!(error instanceof UnsafeUrlError)) throw error;
    ctx.log.warn({ url, reason: error.reason }, 'webhook endpoint refused: unsafe URL');
    throw problems.create('unsafe-url', error.reason);
  }
}

async function ownEndpoint(tx: Tx, id: string): Promise<EndpointRow> {
  const endpoint = await endpointById(tx, id);
  if (!endpoint) throw problems.create('endpoint-not-found', `No webhook endpoint ${id} in this tenant`);
  return endpoint;
}

export interface EndpointInput {
  url: string;
  description?: string | undefined;
  eventTypes: string[];
  ordered?: boolean | undefined;
}

export async function createEndpoint(ctx: NotificationContext, claims: TenantClaims, input: EndpointInput) {
  await assertSafeUrl(ctx, input.url);
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'webhooks:manage');
    const endpoint = await insertEndpoint(tx, {
      tenantId: claims.app_metadata.tenant_id,
      url: input.url,
      description: input.description ?? '',
      eventTypes: input.eventTypes,
      ordered: input.ordered ?? false,
      createdBy: claims.sub,
    });
    const secret = newSigningSecret();
    await insertSecret(tx, endpoint.tenant_id, endpoint.id, secret);
    return { ...toEndpoint(endpoint), secret };
  });
}

export function listTenantEndpoints(ctx: NotificationContext, claims: TenantClaims) {
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'webhooks:manage');
    return { items: (await listEndpoints(tx, claims.app_metadata.tenant_id)).map(toEndpoint) };
  });
}

export function getEndpoint(ctx: NotificationContext, claims: TenantClaims, id: string) {
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'webhooks:manage');
    return toEndpoint(await ownEndpoint(tx, id));
  });
}

export async function changeEndpoint(
  ctx: NotificationContext,
  claims: TenantClaims,
  id: string,
  patch: Partial<EndpointInput> & { status?: 'active' | undefined },
) {
  if (patch.url) await assertSafeUrl(ctx, patch.url);
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'webhooks:manage');
    await ownEndpoint(tx, id);
    const row = await updateEndpoint(tx, id, { ...patch, enable: patch.status === 'active' });
    return toEndpoint(row!);
  });
}

export function removeEndpoint(ctx: NotificationContext, claims: TenantClaims, id: string) {
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'webhooks:manage');
    if (!(await deleteEndpoint(tx, id))) throw problems.create('endpoint-not-found');
  });
}

/** A new secret signs from now on; the old ones keep signing beside it for the overlap window. */
export function rotateSecret(
  ctx: NotificationContext,
  claims: TenantClaims,
  id: string,
  overlapSeconds?: number,
) {
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'webhooks:manage');
    const endpoint = await ownEndpoint(tx, id);
    const overlap = overlapSeconds ?? ctx.webhooks.secretOverlapSeconds;
    const until = new Date(ctx.now().getTime() + overlap * 1000);
    await expireSecrets(tx, id, until);
    const secret = newSigningSecret();
    await insertSecret(tx, endpoint.tenant_id, id, secret);
    return { secret, previousSecretsExpireAt: until.toISOString() };
  });
}

export function listEndpointDeliveries(
  ctx: NotificationContext,
  claims: TenantClaims,
  id: string,
  query: { status?: string | undefined; limit?: number | undefined; before?: number | undefined },
) {
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'webhooks:manage');
    await ownEndpoint(tx, id);
    const rows = await listDeliveries(tx, id, {
      status: query.status,
      limit: query.limit ?? 50,
      beforeId: query.before,
    });
    return { items: rows.map(toDelivery) };
  });
}

export function getDelivery(ctx: NotificationContext, claims: TenantClaims, endpointId: string, id: number) {
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'webhooks:manage');
    const row = await deliveryById(tx, endpointId, id);
    if (!row) throw problems.create('delivery-not-found');
    const attempts = await attemptsOf(tx, id);
    return {
      ...toDelivery(row),
      payload: row.payload,
      log: attempts.map((attempt) => ({
        attemptedAt: attempt.attempted_at.toISOString(),
        statusCode: attempt.status_code,
        latencyMs: attempt.latency_ms,
        responseExcerpt: attempt.response_excerpt,
        error: attempt.error,
      })),
    };
  });
}

export function replay(ctx: NotificationContext, claims: TenantClaims, endpointId: string, id: number) {
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'webhooks:manage');
    const now = ctx.now();
    const replayed = await replayDelivery(
      tx,
      endpointId,
      id,
      now,
      new Date(now.getTime() + ctx.webhooks.retryHorizonMs),
    );
    if (!replayed) throw problems.create('delivery-not-found');
    return { id, status: 'pending' as const };
  });
}

/**
 * The webhook consumer's effect, in its transaction (exactly once per event): one delivery per
 * active endpoint of the event's tenant that subscribed to its type. The body is the envelope;
 * webhook-id is the eventId, so every retry and replay of it carries the same id.
 */
export async function queueEventForWebhooks(
  ctx: Pick<NotificationContext, 'webhooks'>,
  tx: Tx,
  event: EventEnvelope,
  orderingKey: string,
  now: Date,
): Promise<number> {
  const endpoints = (await activeEndpointsOf(tx, event.tenantId)).filter((endpoint) =>
    endpointWants(endpoint.event_types, event.eventType),
  );
  return queueDeliveries(
    tx,
    {
      tenantId: event.tenantId,
      messageId: `msg_${event.eventId}`,
      eventType: event.eventType,
      orderingKey,
      payload: event,
      now,
      giveUpAt: new Date(now.getTime() + ctx.webhooks.retryHorizonMs),
    },
    endpoints.map((endpoint) => endpoint.id),
  );
}
