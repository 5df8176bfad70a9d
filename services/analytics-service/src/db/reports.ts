import type { Tx } from '@eduspry/common';

/** The nil uuid: "no course" in rollup keys (domain/rules.ts NO_COURSE). */
const NO_COURSE = '00000000-0000-0000-0000-000000000000';

/**
 * Report queries over the rollups only (never the raw events). They run under the caller's
 * claims, so RLS narrows every table to what the caller may see; they still name the tenant so
 * the indexes apply.
 */
interface Range {
  tenantId: string;
  from: string;
  to: string;
}

const STAFF = ['teacher', 'ta'];

export interface Settings {
  retentionDays: number;
  inactiveDays: number;
  lowGradePercent: number;
  /** Days after a module is due for a student (its unlock date or their enrolment) before they are behind. */
  scheduleGraceDays: number;
}
export const DEFAULT_SETTINGS: Settings = {
  retentionDays: 365,
  inactiveDays: 7,
  lowGradePercent: 60,
  scheduleGraceDays: 7,
};

const settingsColumns = (tx: Tx) => tx`
  retention_days as "retentionDays", inactive_days as "inactiveDays", low_grade_percent as "lowGradePercent",
  schedule_grace_days as "scheduleGraceDays"`;

export async function findSettings(tx: Tx, tenantId: string): Promise<Settings> {
  const [row] = await tx<Settings[]>`
    select ${settingsColumns(tx)} from analytics.settings where tenant_id = ${tenantId}`;
  return row ?? DEFAULT_SETTINGS;
}

export async function upsertSettings(tx: Tx, tenantId: string, s: Settings): Promise<Settings> {
  const [row] = await tx<Settings[]>`
    insert into analytics.settings (tenant_id, retention_days, inactive_days, low_grade_percent, schedule_grace_days)
    values (${tenantId}, ${s.retentionDays}, ${s.inactiveDays}, ${s.lowGradePercent}, ${s.scheduleGraceDays})
    on conflict (tenant_id) do update set retention_days = excluded.retention_days,
      inactive_days = excluded.inactive_days, low_grade_percent = excluded.low_grade_percent,
      schedule_grace_days = excluded.schedule_grace_days, updated_at = now()
    returning ${settingsColumns(tx)}`;
  return row!;
}

export function activeUsersByDay(tx: Tx, r: Range) {
  return tx<{ day: string; count: number }[]>`
    select to_char(day, 'YYYY-MM-DD') as day, count(distinct user_id)::int as count
    from analytics.daily_activity
    where tenant_id = ${r.tenantId} and day between ${r.from}::date and ${r.to}::date
    group by day order by day`;
}

export async function tenantTotals(tx: Tx, r: Range) {
  const [row] = await tx<
    {
      users: number;
      activeUsers: number;
      itemsCompleted: number;
      attemptsSubmitted: number;
      minutes: number;
    }[]
  >`
    select
      (select count(*)::int from analytics.users
        where tenant_id = ${r.tenantId} and registered_at is not null and deactivated_at is null) as users,
      count(distinct user_id)::int as "activeUsers",
      coalesce(sum(items_completed), 0)::int as "itemsCompleted",
      coalesce(sum(attempts_submitted), 0)::int as "attemptsSubmitted",
      coalesce(sum(seconds), 0)::float8 / 60 as minutes
    from analytics.daily_activity
    where tenant_id = ${r.tenantId} and day between ${r.from}::date and ${r.to}::date`;
  return row!;
}

export function tenantCourses(tx: Tx, r: Range) {
  return tx<
    { courseId: string; activeStudents: number; completionRate: number; gradeAverage: number | null }[]
  >`
    with courses as (
      select distinct course_id from analytics.daily_activity
      where tenant_id = ${r.tenantId} and day between ${r.from}::date and ${r.to}::date and course_id <> ${NO_COURSE}
      union
      select course_id from analytics.enrollments where tenant_id = ${r.tenantId} and active
    ),
    active as (
      select d.course_id, count(distinct d.user_id)::int as students
      from analytics.daily_activity d
      left join analytics.enrollments e
        on e.tenant_id = d.tenant_id and e.course_id = d.course_id and e.user_id = d.user_id
      where d.tenant_id = ${r.tenantId} and d.day between ${r.from}::date and ${r.to}::date
        and (e.role is null or e.role <> all(${STAFF}))
      group by d.course_id
    ),
    enrolled as (
      select course_id, count(*)::int as students from analytics.enrollments
      where tenant_id = ${r.tenantId} and active and (role is null or role <> all(${STAFF}))
      group by course_id
    ),
    items as (
      select course_id, count(distinct item_id)::int as total,
        count(*) filter (where completed_at is not null)::int as completed
      from analytics.student_items where tenant_id = ${r.tenantId} group by course_id
    ),
    grades as (
      select course_id, avg(100 * score / points_possible) as average
      from analytics.grades where tenant_id = ${r.tenantId} and points_possible > 0 group by course_id
    )
    select c.course_id as "courseId", coalesce(a.students, 0) as "activeStudents",
      case when coalesce(i.total, 0) = 0 or coalesce(n.students, 0) = 0 then 0
           else least(1, i.completed::float8 / (i.total * n.students)) end as "completionRate",
      g.average as "gradeAverage"
    from courses c
    left join active a on a.course_id = c.course_id
    left join enrolled n on n.course_id = c.course_id
    left join items i on i.course_id = c.course_id
    left join grades g on g.course_id = c.course_id
    order by c.course_id`;
}

export function courseEngagement(tx: Tx, r: Range, courseId: string) {
  return tx<{ day: string; activeStudents: number; minutes: number }[]>`
    select to_char(d.day, 'YYYY-MM-DD') as day, count(distinct d.user_id)::int as "activeStudents",
      sum(d.seconds)::float8 / 60 as minutes
    from analytics.daily_activity d
    where d.tenant_id = ${r.tenantId} and d.course_id = ${courseId} and d.day between ${r.from}::date and ${r.to}::date
    group by d.day order by d.day`;
}

export function courseFunnel(tx: Tx, tenantId: string, courseId: string) {
  return tx<{ moduleId: string; position: number; started: number; completed: number }[]>`
    select module_id as "moduleId", coalesce(min(position), 0)::int as position,
      count(distinct user_id) filter (where first_opened_at is not null or completed_at is not null)::int as started,
      count(distinct user_id) filter (where completed_at is not null)::int as completed
    from analytics.student_items
    where tenant_id = ${tenantId} and course_id = ${courseId} and module_id is not null
    group by module_id order by position, module_id`;
}

export async function coursePercents(tx: Tx, tenantId: string, courseId: string): Promise<number[]> {
  const rows = await tx<{ percent: number }[]>`
    select 100 * score / points_possible as percent from analytics.grades
    where tenant_id = ${tenantId} and course_id = ${courseId} and points_possible > 0`;
  return rows.map((row) => row.percent);
}

export interface StudentRow {
  userId: string;
  enrolledAt: Date | null;
  lastActivityAt: Date | null;
  minutes: number;
  itemsCompleted: number;
  videosWatched: number;
  gradeAverage: number | null;
  /** Items of the modules due for this student by `schedule.now` (see riskReasons). */
  dueItems: number;
  dueCompleted: number;
}

/**
 * The course's students: active non-staff enrolments and anyone else active in it. A module is
 * due for a student `graceDays` after its unlock date or their enrolment, whichever is later.
 */
export function courseStudents(
  tx: Tx,
  r: Range,
  courseId: string,
  schedule: { now: Date; graceDays: number },
) {
  return tx<StudentRow[]>`
    with people as (
      select user_id from analytics.enrollments
      where tenant_id = ${r.tenantId} and course_id = ${courseId} and active and (role is null or role <> all(${STAFF}))
      union
      select d.user_id from analytics.daily_activity d
      where d.tenant_id = ${r.tenantId} and d.course_id = ${courseId}
        and not exists (select 1 from analytics.enrollments e where e.tenant_id = d.tenant_id
          and e.course_id = d.course_id and e.user_id = d.user_id and e.role = any(${STAFF}))
    )
    select p.user_id as "userId", p."enrolledAt",
      (select max(last_at) from analytics.daily_activity d where d.tenant_id = ${r.tenantId}
        and d.course_id = ${courseId} and d.user_id = p.user_id) as "lastActivityAt",
      coalesce((select sum(seconds) from analytics.daily_activity d where d.tenant_id = ${r.tenantId}
        and d.course_id = ${courseId} and d.user_id = p.user_id
        and d.day between ${r.from}::date and ${r.to}::date), 0)::float8 / 60 as minutes,
      (select count(*) filter (where completed_at is not null)::int from analytics.student_items s
        where s.tenant_id = ${r.tenantId} and s.course_id = ${courseId} and s.user_id = p.user_id) as "itemsCompleted",
      (select count(*) filter (where video_played_at is not null)::int from analytics.student_items s
        where s.tenant_id = ${r.tenantId} and s.course_id = ${courseId} and s.user_id = p.user_id) as "videosWatched",
      (select avg(100 * score / points_possible) from analytics.grades g where g.tenant_id = ${r.tenantId}
        and g.course_id = ${courseId} and g.user_id = p.user_id and g.points_possible > 0) as "gradeAverage",
      due.items as "dueItems", due.completed as "dueCompleted"
    from (
      select people.user_id,
        (select e.changed_at from analytics.enrollments e where e.tenant_id = ${r.tenantId}
          and e.course_id = ${courseId} and e.user_id = people.user_id and e.active) as "enrolledAt"
      from people
    ) p
    cross join lateral (
      select count(*)::int as items, count(s.completed_at)::int as completed
      from (
        select distinct item_id from analytics.course_schedules c, unnest(c.item_ids) as item_id
        where c.tenant_id = ${r.tenantId} and c.course_id = ${courseId} and c.published and not c.removed
          and c.unlock_at is not null
          and greatest(c.unlock_at, p."enrolledAt") + make_interval(days => ${schedule.graceDays}) <= ${schedule.now}
      ) d
      left join analytics.student_items s on s.tenant_id = ${r.tenantId} and s.course_id = ${courseId}
        and s.user_id = p.user_id and s.item_id = d.item_id
    ) due
    order by p.user_id`;
}

export function studentActivity(tx: Tx, r: Range, userId: string) {
  return tx<{ day: string; minutes: number }[]>`
    select to_char(day, 'YYYY-MM-DD') as day, sum(seconds)::float8 / 60 as minutes
    from analytics.daily_activity
    where tenant_id = ${r.tenantId} and user_id = ${userId} and day between ${r.from}::date and ${r.to}::date
    group by day order by day`;
}

export function studentCourses(tx: Tx, r: Range, userId: string) {
  return tx<
    {
      courseId: string;
      lastActivityAt: Date | null;
      minutes: number;
      itemsCompleted: number;
      itemsTotal: number;
      videosWatched: number;
      gradeAverage: number | null;
    }[]
  >`
    with courses as (
      select course_id from analytics.enrollments where tenant_id = ${r.tenantId} and user_id = ${userId} and active
      union
      select distinct course_id from analytics.daily_activity
      where tenant_id = ${r.tenantId} and user_id = ${userId} and course_id <> ${NO_COURSE}
    )
    select c.course_id as "courseId",
      (select max(last_at) from analytics.daily_activity d where d.tenant_id = ${r.tenantId}
        and d.course_id = c.course_id and d.user_id = ${userId}) as "lastActivityAt",
      coalesce((select sum(seconds) from analytics.daily_activity d where d.tenant_id = ${r.tenantId}
        and d.course_id = c.course_id and d.user_id = ${userId}
        and d.day between ${r.from}::date and ${r.to}::date), 0)::float8 / 60 as minutes,
      (select count(*) filter (where completed_at is not null)::int from analytics.student_items s
        where s.tenant_id = ${r.tenantId} and s.course_id = c.course_id and s.user_id = ${userId}) as "itemsCompleted",
      analytics.course_item_count(c.course_id) as "itemsTotal",
      (select count(*) filter (where video_played_at is not null)::int from analytics.student_items s
        where s.tenant_id = ${r.tenantId} and s.course_id = c.course_id and s.user_id = ${userId}) as "videosWatched",
      (select avg(100 * score / points_possible) from analytics.grades g where g.tenant_id = ${r.tenantId}
        and g.course_id = c.course_id and g.user_id = ${userId} and g.points_possible > 0) as "gradeAverage"
    from courses c order by c.course_id`;
}
