import { asPlatform, type Sql, type TenantClaims, type Tx, withTenant } from '@eduspry/common';
import type { EventEnvelope } from '@eduspry/contracts';
import {
  applyRollupDeltas,
  claimEventIds,
  deleteRollupsOfTenant,
  deleteUserData,
  ensureDayPartitions,
  insertRawEvents,
  rawEventsPage,
} from '../db/ingest.ts';
import { problems } from '../problems.ts';
import { requireAccess } from './access.ts';
import type { AnalyticsContext } from './context.ts';
import {
  dayOf,
  type RawEvent,
  rawFromDomain,
  rawFromTrack,
  rollupDeltas,
  skewProblem,
  type TrackInput,
} from './rules.ts';

/** Days whose partition is known to exist, per pool: creating one is DDL, done once per day. */
const knownDays = new WeakMap<Sql, Set<string>>();

/** Creates the missing day partitions outside any request transaction (DDL on the parent). */
export async function ensurePartitionsFor(sql: Sql, events: readonly RawEvent[]): Promise<void> {
  const known = knownDays.get(sql) ?? new Set<string>();
  knownDays.set(sql, known);
  const missing = [...new Set(events.map((e) => dayOf(e.ts)))].filter((day) => !known.has(day));
  for (const day of missing) {
    await ensureDayPartitions(sql, day, day);
    known.add(day);
  }
}

/**
 * The one ingestion path of both sources and of rebuilds: the batch's new event ids are claimed,
 * the new events stored raw, and each rollup gets one upsert for the whole batch.
 */
export async function ingestBatch(
  tx: Tx,
  tenantId: string,
  events: readonly RawEvent[],
): Promise<{ accepted: number; duplicates: number }> {
  // Shared with other batches, exclusive to a rebuild of the same tenant (see rebuildTenant).
  await tx`select pg_advisory_xact_lock_shared(hashtextextended(${`analytics.rebuild:${tenantId}`}, 0))`;
  const unique = new Map<string, RawEvent>();
  for (const event of events) if (!unique.has(event.eventId)) unique.set(event.eventId, event);
  const fresh = await claimEventIds(tx, tenantId, [...unique.values()]);
  const accepted = [...unique.values()].filter((event) => fresh.has(event.eventId));
  await insertRawEvents(tx, tenantId, accepted);
  await applyRollupDeltas(tx, tenantId, rollupDeltas(accepted));
  return { accepted: accepted.length, duplicates: events.length - accepted.length };
}

export interface TrackBody {
  events: (TrackInput & { tenantId?: unknown; userId?: unknown })[];
  tenantId?: unknown;
  userId?: unknown;
}

/**
 * Client activity (`POST /track`): the tenant and user are the token's. A body that names a
 * tenant or user is refused outright rather than silently re-attributed, so a client bug that
 * tries to track for someone else is seen, not hidden.
 */
export async function trackEvents(ctx: AnalyticsContext, claims: TenantClaims, body: TrackBody) {
  await requireAccess(undefined, claims, 'activity:track');
  const forged = [body, ...body.events].some((e) => e.tenantId !== undefined || e.userId !== undefined);
  if (forged)
    throw problems.create(
      'forged-identity',
      'tenantId and userId come from the access token; leave them out of the body',
    );
  const now = ctx.now();
  body.events.forEach((event, index) => {
    const problem = skewProblem(new Date(event.at), now);
    if (problem)
      throw problems.create('clock-skew', `events[${index}].at ${problem}`, { index, at: event.at });
  });
  const tenantId = claims.app_metadata.tenant_id;
  const raws = body.events.map((event) => rawFromTrack(tenantId, claims.sub, event));
  await ensurePartitionsFor(ctx.sql, raws);
  // Under the caller's claims: RLS refuses any row that is not the token's tenant and user.
  return withTenant(ctx.sql, claims, (tx) => ingestBatch(tx, tenantId, raws));
}

/** A domain event from the bus, in the bus's transaction (exactly once with processed_events). */
export async function ingestDomainEvent(tx: Tx, event: EventEnvelope): Promise<void> {
  const raw = rawFromDomain(event);
  // In the bus's own transaction (not cached: a rolled-back transaction takes its partition along).
  const day = dayOf(raw.ts);
  await ensureDayPartitions(tx, day, day);
  await ingestBatch(tx, raw.tenantId, [raw]);
}

/** Drops a tenant's rollups and rebuilds them from its raw events (event replay). */
export async function rebuildRollups(ctx: AnalyticsContext, claims: TenantClaims, tenantId: string) {
  await requireAccess(undefined, claims, 'tenant:rebuild', { tenantId });
  return rebuildTenant(ctx, tenantId);
}

export function rebuildTenant(ctx: AnalyticsContext, tenantId: string, pageSize = 5000) {
  return asPlatform(ctx.sql, 'rebuild one tenant’s rollups from its raw events', ctx.log, async (tx) => {
    // Exclusive: batches of this tenant in flight finish first, new ones wait for the rebuild.
    await tx`select pg_advisory_xact_lock(hashtextextended(${`analytics.rebuild:${tenantId}`}, 0))`;
    await deleteRollupsOfTenant(tx, tenantId);
    let after: { ts: Date; eventId: string } | null = null;
    let events = 0;
    for (;;) {
      const page = await rawEventsPage(tx, tenantId, after, pageSize);
      if (page.length === 0) break;
      await applyRollupDeltas(tx, tenantId, rollupDeltas(page));
      events += page.length;
      const last = page[page.length - 1]!;
      after = { ts: last.ts, eventId: last.eventId };
    }
    return { events };
  });
}

/** FERPA/GDPR erasure: the user's raw events and every rollup row of theirs. */
export async function eraseUser(ctx: AnalyticsContext, claims: TenantClaims, userId: string) {
  await requireAccess(undefined, claims, 'user:erase', { userId });
  const tenantId = claims.app_metadata.tenant_id;
  return withTenant(ctx.sql, claims, (tx) => deleteUserData(tx, tenantId, userId));
}
