import type { Sql, Tx } from '@eduspry/common';
import type { RawEvent, RollupDeltas } from '../domain/rules.ts';

/** Rows travel as one JSON parameter unpacked by jsonb_to_recordset: one statement per batch. */
const json = (rows: unknown[]) => JSON.stringify(rows);

/**
 * Records the batch's event ids; returns the ids that were new. A replayed or duplicated event
 * is not in the answer, so nothing downstream counts it twice.
 */
export async function claimEventIds(
  tx: Tx,
  tenantId: string,
  events: readonly RawEvent[],
): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const rows = await tx<{ id: string }[]>`
    insert into analytics.event_ids (tenant_id, event_id, ts)
    select ${tenantId}::uuid, r.id, r.ts
    from jsonb_to_recordset(${json(events.map((e) => ({ id: e.eventId, ts: e.ts.toISOString() })))}::text::jsonb)
      as r(id uuid, ts timestamptz)
    on conflict do nothing
    returning event_id as id`;
  return new Set(rows.map((row) => row.id));
}

export async function insertRawEvents(tx: Tx, tenantId: string, events: readonly RawEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => ({
    ts: e.ts.toISOString(),
    id: e.eventId,
    type: e.type,
    user_id: e.userId,
    course_id: e.courseId,
    item_id: e.itemId,
    data: e.data,
  }));
  await tx`
    insert into analytics.events (tenant_id, ts, event_id, type, user_id, course_id, item_id, data)
    select ${tenantId}::uuid, r.ts, r.id, r.type, r.user_id, r.course_id, r.item_id, coalesce(r.data, '{}')
    from jsonb_to_recordset(${json(rows)}::text::jsonb)
      as r(ts timestamptz, id uuid, type text, user_id uuid, course_id uuid, item_id uuid, data jsonb)
    on conflict do nothing`;
}

/** Creates the day partitions (UTC) that do not exist yet; the service role's narrow way to DDL. */
export async function ensureDayPartitions(sql: Sql | Tx, firstDay: string, lastDay: string): Promise<number> {
  const [row] = await sql<{ created: number }[]>`
    select analytics.ensure_day_partitions(${firstDay}::date, ${lastDay}::date) as created`;
  return row!.created;
}

export async function dropDayPartitionsBefore(sql: Sql | Tx, day: string): Promise<string[]> {
  const rows = await sql<
    { name: string }[]
  >`select analytics.drop_day_partitions_before(${day}::date) as name`;
  return rows.map((row) => row.name);
}

/** One upsert per rollup for the whole batch; each combination is order-independent. */
export async function applyRollupDeltas(tx: Tx, tenantId: string, deltas: RollupDeltas): Promise<void> {
  const work: Promise<unknown>[] = [];
  if (deltas.daily.length)
    work.push(tx`
      insert into analytics.daily_activity as d (tenant_id, day, course_id, user_id, seconds, events, items_opened,
        videos_played, attempts_submitted, items_completed, last_at)
      select ${tenantId}::uuid, r.day, r.course_id, r.user_id, r.milliseconds / 1000.0, r.events, r.items_opened, r.videos_played,
        r.attempts_submitted, r.items_completed, r.last_at
      from jsonb_to_recordset(${json(
        deltas.daily.map((d) => ({
          day: d.day,
          course_id: d.courseId,
          user_id: d.userId,
          milliseconds: d.milliseconds,
          events: d.events,
          items_opened: d.itemsOpened,
          videos_played: d.videosPlayed,
          attempts_submitted: d.attemptsSubmitted,
          items_completed: d.itemsCompleted,
          last_at: d.lastAt.toISOString(),
        })),
      )}::text::jsonb) as r(day date, course_id uuid, user_id uuid, milliseconds bigint, events int, items_opened int,
        videos_played int, attempts_submitted int, items_completed int, last_at timestamptz)
      on conflict (tenant_id, day, course_id, user_id) do update set
        seconds = d.seconds + excluded.seconds,
        events = d.events + excluded.events,
        items_opened = d.items_opened + excluded.items_opened,
        videos_played = d.videos_played + excluded.videos_played,
        attempts_submitted = d.attempts_submitted + excluded.attempts_submitted,
        items_completed = d.items_completed + excluded.items_completed,
        last_at = greatest(d.last_at, excluded.last_at)`);
  if (deltas.items.length)
    work.push(tx`
      insert into analytics.student_items as s (tenant_id, course_id, user_id, item_id, module_id, position,
        first_opened_at, completed_at, video_played_at)
      select ${tenantId}::uuid, r.course_id, r.user_id, r.item_id, r.module_id, r.position, r.first_opened_at,
        r.completed_at, r.video_played_at
      from jsonb_to_recordset(${json(
        deltas.items.map((i) => ({
          course_id: i.courseId,
          user_id: i.userId,
          item_id: i.itemId,
          module_id: i.moduleId,
          position: i.position,
          first_opened_at: i.firstOpenedAt?.toISOString() ?? null,
          completed_at: i.completedAt?.toISOString() ?? null,
          video_played_at: i.videoPlayedAt?.toISOString() ?? null,
        })),
      )}::text::jsonb) as r(course_id uuid, user_id uuid, item_id uuid, module_id uuid, position int,
        first_opened_at timestamptz, completed_at timestamptz, video_played_at timestamptz)
      on conflict (tenant_id, course_id, user_id, item_id) do update set
        module_id = coalesce(s.module_id, excluded.module_id),
        position = coalesce(s.position, excluded.position),
        first_opened_at = least(s.first_opened_at, excluded.first_opened_at),
        completed_at = least(s.completed_at, excluded.completed_at),
        video_played_at = least(s.video_played_at, excluded.video_played_at)`);
  if (deltas.grades.length)
    work.push(tx`
      insert into analytics.grades as g (tenant_id, course_id, quiz_id, user_id, score, points_possible, posted_at, event_id)
      select ${tenantId}::uuid, r.course_id, r.quiz_id, r.user_id, r.score, r.points_possible, r.posted_at, r.event_id
      from jsonb_to_recordset(${json(
        deltas.grades.map((g) => ({
          course_id: g.courseId,
          quiz_id: g.quizId,
          user_id: g.userId,
          score: g.score,
          points_possible: g.pointsPossible,
          posted_at: g.at.toISOString(),
          event_id: g.eventId,
        })),
      )}::text::jsonb) as r(course_id uuid, quiz_id uuid, user_id uuid, score float8, points_possible float8,
        posted_at timestamptz, event_id uuid)
      on conflict (tenant_id, course_id, quiz_id, user_id) do update set
        score = excluded.score, points_possible = excluded.points_possible,
        posted_at = excluded.posted_at, event_id = excluded.event_id
      where (excluded.posted_at, excluded.event_id) > (g.posted_at, g.event_id)`);
  if (deltas.enrollments.length)
    work.push(tx`
      insert into analytics.enrollments as e (tenant_id, course_id, user_id, role, active, changed_at, event_id)
      select ${tenantId}::uuid, r.course_id, r.user_id, r.role, r.active, r.changed_at, r.event_id
      from jsonb_to_recordset(${json(
        deltas.enrollments.map((e) => ({
          course_id: e.courseId,
          user_id: e.userId,
          role: e.role,
          active: e.active,
          changed_at: e.at.toISOString(),
          event_id: e.eventId,
        })),
      )}::text::jsonb) as r(course_id uuid, user_id uuid, role text, active boolean, changed_at timestamptz,
        event_id uuid)
      on conflict (tenant_id, course_id, user_id) do update set
        role = excluded.role, active = excluded.active, changed_at = excluded.changed_at, event_id = excluded.event_id
      where (excluded.changed_at, excluded.event_id) > (e.changed_at, e.event_id)`);
  if (deltas.users.length)
    work.push(tx`
      insert into analytics.users as u (tenant_id, user_id, roles, registered_at, deactivated_at)
      select ${tenantId}::uuid, r.user_id, coalesce(r.roles, '{}'), r.registered_at, r.deactivated_at
      from jsonb_to_recordset(${json(
        deltas.users.map((u) => ({
          user_id: u.userId,
          roles: u.roles,
          registered_at: u.registeredAt?.toISOString() ?? null,
          deactivated_at: u.deactivatedAt?.toISOString() ?? null,
        })),
      )}::text::jsonb) as r(user_id uuid, roles text[], registered_at timestamptz, deactivated_at timestamptz)
      on conflict (tenant_id, user_id) do update set
        roles = case when excluded.registered_at is not null
                      and (u.registered_at is null or excluded.registered_at < u.registered_at)
                     then excluded.roles else u.roles end,
        registered_at = least(u.registered_at, excluded.registered_at),
        deactivated_at = greatest(u.deactivated_at, excluded.deactivated_at)`);
  if (deltas.schedules.length)
    work.push(tx`
      insert into analytics.course_schedules as c (tenant_id, course_id, module_id, published, unlock_at, item_ids,
        removed, changed_at, event_id)
      select ${tenantId}::uuid, r.course_id, r.module_id, r.published, r.unlock_at, r.item_ids, r.removed,
        r.changed_at, r.event_id
      from jsonb_to_recordset(${json(
        deltas.schedules.map((c) => ({
          course_id: c.courseId,
          module_id: c.moduleId,
          published: c.published,
          unlock_at: c.unlockAt?.toISOString() ?? null,
          item_ids: c.itemIds,
          removed: c.removed,
          changed_at: c.at.toISOString(),
          event_id: c.eventId,
        })),
      )}::text::jsonb) as r(course_id uuid, module_id uuid, published boolean, unlock_at timestamptz,
        item_ids uuid[], removed boolean, changed_at timestamptz, event_id uuid)
      on conflict (tenant_id, course_id, module_id) do update set
        published = excluded.published, unlock_at = excluded.unlock_at, item_ids = excluded.item_ids,
        removed = excluded.removed, changed_at = excluded.changed_at, event_id = excluded.event_id
      where (excluded.changed_at, excluded.event_id) > (c.changed_at, c.event_id)`);
  await Promise.all(work);
}

/** The rollups of people's activity (a user's erasure clears their rows in each). */
const ROLLUPS = ['daily_activity', 'student_items', 'grades', 'enrollments', 'users', 'at_risk'] as const;

export async function deleteRollupsOfTenant(tx: Tx, tenantId: string): Promise<void> {
  for (const table of [...ROLLUPS, 'course_schedules'])
    await tx`delete from ${tx(`analytics.${table}`)} where tenant_id = ${tenantId}`;
}

/** Raw events of a tenant in (ts, event_id) order, a page at a time (keyset). */
export async function rawEventsPage(
  tx: Tx,
  tenantId: string,
  after: { ts: Date; eventId: string } | null,
  limit: number,
): Promise<RawEvent[]> {
  const rows = await tx<
    {
      ts: Date;
      eventId: string;
      type: string;
      userId: string | null;
      courseId: string | null;
      itemId: string | null;
      data: Record<string, unknown>;
    }[]
  >`
    select ts, event_id as "eventId", type, user_id as "userId", course_id as "courseId", item_id as "itemId", data
    from analytics.events
    where tenant_id = ${tenantId}
      ${after ? tx`and (ts, event_id) > (${after.ts}, ${after.eventId}::uuid)` : tx``}
    order by ts, event_id
    limit ${limit}`;
  return rows.map((row) => ({ tenantId, ...row }));
}

/** A user's raw events, ids and rollups: a FERPA/GDPR erasure. */
export async function deleteUserData(tx: Tx, tenantId: string, userId: string): Promise<number> {
  const ids = await tx<{ id: string }[]>`
    delete from analytics.events where tenant_id = ${tenantId} and user_id = ${userId} returning event_id as id`;
  for (const table of ROLLUPS)
    await tx`delete from ${tx(`analytics.${table}`)} where tenant_id = ${tenantId} and user_id = ${userId}`;
  // The ids stay claimed, so a replay of the erased events cannot bring them back.
  return ids.length;
}

/** Raw events past each tenant's retention (its settings, else the default). */
export async function deleteExpiredEvents(tx: Tx, defaultDays: number, now: Date): Promise<number> {
  const result = await tx`
    delete from analytics.events e
    using (select t.tenant_id, coalesce(s.retention_days, ${defaultDays}) as days
           from (select distinct tenant_id from analytics.event_ids) t
           left join analytics.settings s on s.tenant_id = t.tenant_id) r
    where e.tenant_id = r.tenant_id and e.ts < ${now}::timestamptz - make_interval(days => r.days)`;
  return result.count;
}
