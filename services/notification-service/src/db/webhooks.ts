import type { Sql, Tx } from '@eduspry/common';

export interface EndpointRow {
  id: string;
  tenant_id: string;
  url: string;
  description: string;
  event_types: string[];
  ordered: boolean;
  status: 'active' | 'disabled';
  disabled_reason: string | null;
  failing_since: Date | null;
  created_at: Date;
  updated_at: Date;
}

const ENDPOINT_COLUMNS =
  'id, tenant_id, url, description, event_types, ordered, status, disabled_reason, failing_since, created_at, updated_at';

export async function insertEndpoint(
  tx: Tx,
  row: {
    tenantId: string;
    url: string;
    description: string;
    eventTypes: string[];
    ordered: boolean;
    createdBy: string;
  },
): Promise<EndpointRow> {
  const [endpoint] = await tx<EndpointRow[]>`
    insert into notification.webhook_endpoints (tenant_id, url, description, event_types, ordered, created_by)
    values (${row.tenantId}, ${row.url}, ${row.description}, ${row.eventTypes}, ${row.ordered}, ${row.createdBy})
    returning ${tx.unsafe(ENDPOINT_COLUMNS)}`;
  return endpoint!;
}

export function listEndpoints(tx: Tx, tenantId: string) {
  return tx<EndpointRow[]>`
    select ${tx.unsafe(ENDPOINT_COLUMNS)} from notification.webhook_endpoints
    where tenant_id = ${tenantId} order by created_at`;
}

export async function endpointById(tx: Tx, id: string): Promise<EndpointRow | undefined> {
  const [row] = await tx<EndpointRow[]>`
    select ${tx.unsafe(ENDPOINT_COLUMNS)} from notification.webhook_endpoints where id = ${id}`;
  return row;
}

export async function updateEndpoint(
  tx: Tx,
  id: string,
  patch: {
    url?: string | undefined;
    description?: string | undefined;
    eventTypes?: string[] | undefined;
    ordered?: boolean | undefined;
    enable?: boolean;
  },
): Promise<EndpointRow | undefined> {
  const [row] = await tx<EndpointRow[]>`
    update notification.webhook_endpoints set
      url = coalesce(${patch.url ?? null}, url),
      description = coalesce(${patch.description ?? null}, description),
      event_types = coalesce(${patch.eventTypes ?? null}::text[], event_types),
      ordered = coalesce(${patch.ordered ?? null}::boolean, ordered),
      status = ${patch.enable ? 'active' : tx`status`},
      disabled_reason = ${patch.enable ? null : tx`disabled_reason`},
      failing_since = ${patch.enable ? null : tx`failing_since`},
      updated_at = now()
    where id = ${id}
    returning ${tx.unsafe(ENDPOINT_COLUMNS)}`;
  return row;
}

export async function deleteEndpoint(tx: Tx, id: string): Promise<boolean> {
  return (await tx`delete from notification.webhook_endpoints where id = ${id} returning id`).length > 0;
}

export async function insertSecret(
  tx: Tx,
  tenantId: string,
  endpointId: string,
  secret: string,
): Promise<void> {
  await tx`insert into notification.webhook_secrets (tenant_id, endpoint_id, secret) values (${tenantId}, ${endpointId}, ${secret})`;
}

/** Older secrets keep signing until `until` (the overlap window), then stop. */
export async function expireSecrets(tx: Tx, endpointId: string, until: Date): Promise<void> {
  await tx`
    update notification.webhook_secrets set expires_at = least(coalesce(expires_at, ${until}), ${until})
    where endpoint_id = ${endpointId}`;
}

/** Queues one delivery per matching active endpoint of the tenant; a redelivered event adds none. */
export async function queueDeliveries(
  tx: Tx,
  input: {
    tenantId: string;
    messageId: string;
    eventType: string;
    orderingKey: string;
    payload: unknown;
    now: Date;
    giveUpAt: Date;
  },
  endpointIds: string[],
): Promise<number> {
  if (!endpointIds.length) return 0;
  const rows = await tx`
    insert into notification.webhook_deliveries
      (tenant_id, endpoint_id, message_id, event_type, ordering_key, payload, next_attempt_at, give_up_at)
    select ${input.tenantId}, endpoint_id, ${input.messageId}, ${input.eventType}, ${input.orderingKey},
           ${tx.json(input.payload as never)}, ${input.now}, ${input.giveUpAt}
    from unnest(${endpointIds}::uuid[]) as endpoint_id
    on conflict (endpoint_id, message_id) do nothing
    returning id`;
  return rows.length;
}

export function activeEndpointsOf(tx: Tx, tenantId: string) {
  return tx<{ id: string; event_types: string[] }[]>`
    select id, event_types from notification.webhook_endpoints where tenant_id = ${tenantId} and status = 'active'`;
}

export interface ClaimedDelivery {
  id: number;
  tenant_id: string;
  endpoint_id: string;
  message_id: string;
  event_type: string;
  payload: unknown;
  attempts: number;
  give_up_at: Date;
  url: string;
  failing_since: Date | null;
  /** The endpoint's secrets that sign now, newest first. */
  secrets: string[];
}

/**
 * Claims due deliveries for a lease, with the secrets that sign them. Per endpoint at most
 * `perEndpoint`, none of the endpoints in `busy` (already at their share in flight), and for
 * ordered endpoints only the oldest pending delivery of each aggregate key, so they go out one at
 * a time and in order. One statement (atomic on its own): a claim is a single round trip.
 */
export function claimDueDeliveries(
  sql: Sql,
  {
    now,
    leaseMs,
    limit,
    perEndpoint,
    busy,
  }: { now: Date; leaseMs: number; limit: number; perEndpoint: number; busy: string[] },
) {
  // Endpoint by endpoint (each reads its own due rows from an index), in random order so no
  // endpoint is always served first when the limit cuts.
  return sql<ClaimedDelivery[]>`
    with picked as (
      select due.id from (
        select id, ordered from notification.webhook_endpoints
        where status = 'active' and id <> all(${busy}::uuid[])
        order by random()
      ) e
      cross join lateral (
        select d.id from notification.webhook_deliveries d
        where d.endpoint_id = e.id and d.status = 'pending' and d.next_attempt_at <= ${now}
          and (d.locked_until is null or d.locked_until < ${now})
          and (not e.ordered or not exists (
            select 1 from notification.webhook_deliveries earlier
            where earlier.endpoint_id = d.endpoint_id and earlier.status = 'pending'
              and earlier.ordering_key is not distinct from d.ordering_key and earlier.id < d.id))
        order by d.next_attempt_at, d.id
        limit ${perEndpoint}
        for update of d skip locked
      ) due
      limit ${limit}
    )
    update notification.webhook_deliveries d
    set locked_until = ${new Date(now.getTime() + leaseMs)}, attempts = d.attempts + 1
    from picked, notification.webhook_endpoints e
    where d.id = picked.id and e.id = d.endpoint_id
    returning d.id, d.tenant_id, d.endpoint_id, d.message_id, d.event_type, d.payload, d.attempts, d.give_up_at,
              e.url, e.failing_since,
              array(select s.secret from notification.webhook_secrets s
                    where s.endpoint_id = d.endpoint_id and (s.expires_at is null or s.expires_at > ${now})
                    order by s.id desc) as secrets`;
}

export async function recordAttempt(
  tx: Tx,
  attempt: {
    tenantId: string;
    deliveryId: number;
    at: Date;
    statusCode: number | null;
    latencyMs: number;
    excerpt: string | null;
    error: string | null;
  },
): Promise<void> {
  await tx`
    insert into notification.webhook_attempts (tenant_id, delivery_id, attempted_at, status_code, latency_ms, response_excerpt, error)
    values (${attempt.tenantId}, ${attempt.deliveryId}, ${attempt.at}, ${attempt.statusCode}, ${attempt.latencyMs},
            ${attempt.excerpt}, ${attempt.error})`;
}

/**
 * Many successful attempts at once: their deliveries' completion and their log rows, in one
 * statement (atomic on its own, one round trip).
 */
export async function recordSuccesses(
  sql: Sql,
  rows: { tenantId: string; deliveryId: number; statusCode: number; latencyMs: number; excerpt: string }[],
  at: Date,
): Promise<void> {
  await sql`
    with t as (
      select * from unnest(${rows.map((row) => row.tenantId)}::uuid[], ${rows.map((row) => row.deliveryId)}::bigint[],
                           ${rows.map((row) => row.statusCode)}::int[], ${rows.map((row) => row.latencyMs)}::int[],
                           ${rows.map((row) => row.excerpt)}::text[])
        as t(tenant_id, delivery_id, status_code, latency_ms, response_excerpt)
    ), done as (
      update notification.webhook_deliveries d
      set status = 'succeeded', locked_until = null, last_status_code = t.status_code, completed_at = ${at}
      from t where d.id = t.delivery_id
    )
    insert into notification.webhook_attempts (tenant_id, delivery_id, attempted_at, status_code, latency_ms, response_excerpt)
    select tenant_id, delivery_id, ${at}, status_code, latency_ms, response_excerpt from t`;
}

export async function completeDelivery(
  tx: Tx,
  id: number,
  outcome: {
    status: 'succeeded' | 'failed' | 'pending';
    statusCode: number | null;
    at: Date;
    nextAttemptAt?: Date;
  },
): Promise<void> {
  await tx`
    update notification.webhook_deliveries set
      status = ${outcome.status}, locked_until = null, last_status_code = ${outcome.statusCode},
      completed_at = ${outcome.status === 'pending' ? null : outcome.at},
      next_attempt_at = ${outcome.nextAttemptAt ?? tx`next_attempt_at`}
    where id = ${id}`;
}

/** Marks the endpoint healthy, or failing since `at` (kept if already failing); returns failing_since. */
export async function markEndpointHealth(
  tx: Tx,
  endpointId: string,
  healthy: boolean,
  at: Date,
): Promise<Date | null> {
  const [row] = await tx<{ failing_since: Date | null }[]>`
    update notification.webhook_endpoints
    set failing_since = ${healthy ? null : tx`coalesce(failing_since, ${at})`}
    where id = ${endpointId} returning failing_since`;
  return row?.failing_since ?? null;
}

/** Disables an active endpoint; false if it was disabled already (only one notice is sent). */
export async function disableEndpoint(
  tx: Tx,
  endpointId: string,
  reason: string,
): Promise<EndpointRow | undefined> {
  const [row] = await tx<EndpointRow[]>`
    update notification.webhook_endpoints set status = 'disabled', disabled_reason = ${reason}, updated_at = now()
    where id = ${endpointId} and status = 'active'
    returning ${tx.unsafe(ENDPOINT_COLUMNS)}`;
  return row;
}

export interface DeliveryRow {
  id: number;
  endpoint_id: string;
  message_id: string;
  event_type: string;
  ordering_key: string | null;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  created_at: Date;
  completed_at: Date | null;
  last_status_code: number | null;
}

export function listDeliveries(
  tx: Tx,
  endpointId: string,
  { status, limit, beforeId }: { status?: string | undefined; limit: number; beforeId?: number | undefined },
) {
  return tx<DeliveryRow[]>`
    select id, endpoint_id, message_id, event_type, ordering_key, status, attempts, next_attempt_at, created_at,
           completed_at, last_status_code
    from notification.webhook_deliveries
    where endpoint_id = ${endpointId}
      ${status ? tx`and status = ${status}` : tx``}
      ${beforeId ? tx`and id < ${beforeId}` : tx``}
    order by id desc limit ${limit}`;
}

export async function deliveryById(tx: Tx, endpointId: string, id: number) {
  const [row] = await tx<(DeliveryRow & { payload: unknown })[]>`
    select id, endpoint_id, message_id, event_type, ordering_key, status, attempts, next_attempt_at, created_at,
           completed_at, last_status_code, payload
    from notification.webhook_deliveries where endpoint_id = ${endpointId} and id = ${id}`;
  return row;
}

export function attemptsOf(tx: Tx, deliveryId: number) {
  return tx<
    {
      attempted_at: Date;
      status_code: number | null;
      latency_ms: number;
      response_excerpt: string | null;
      error: string | null;
    }[]
  >`
    select attempted_at, status_code, latency_ms, response_excerpt, error from notification.webhook_attempts
    where delivery_id = ${deliveryId} order by id`;
}

/** Replay: the same message (same webhook-id) goes out again, with a new retry horizon. */
export async function replayDelivery(
  tx: Tx,
  endpointId: string,
  id: number,
  now: Date,
  giveUpAt: Date,
): Promise<boolean> {
  const rows = await tx`
    update notification.webhook_deliveries
    set status = 'pending', next_attempt_at = ${now}, give_up_at = ${giveUpAt}, locked_until = null, completed_at = null
    where endpoint_id = ${endpointId} and id = ${id} returning id`;
  return rows.length > 0;
}
