-- analytics: owned by analytics-service. Raw activity (client tracking and the domain events it
-- consumes) in day partitions, and rollups maintained incrementally from them. Every rollup is a
-- function of the SET of raw events (sums, min/max, latest-by-time with the event id breaking ties),
-- so replaying twice, or shuffled, gives the same rows; analytics.event_ids makes a replay a no-op.
insert into eduspry.services (schema_name, role_name) values ('analytics', 'analytics_service') on conflict do nothing;

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'analytics_service') then
    create role analytics_service nologin noinherit;
  end if;
end
$$;
create schema if not exists analytics;
revoke all on schema analytics from public;
grant usage on schema analytics to analytics_service, authenticated;
grant authenticated to analytics_service;
alter role analytics_service set search_path = analytics, public;

-- Idempotency: one row per (tenant, event id), whichever source brought the event.
create table analytics.event_ids (
  tenant_id uuid not null,
  event_id uuid not null,
  ts timestamptz not null,
  primary key (tenant_id, event_id)
);
create index event_ids_ts_idx on analytics.event_ids (tenant_id, ts);
select eduspry.protect_tenant_table('analytics.event_ids', 'analytics_service');

-- Raw events, kept per tenant for settings.retention_days. `type` is a tracking type
-- (page_view, item_opened, video_*, heartbeat) or a domain event type.
create table analytics.events (
  tenant_id uuid not null,
  ts timestamptz not null,
  event_id uuid not null,
  type text not null check (length(type) between 1 and 200),
  user_id uuid,
  course_id uuid,
  item_id uuid,
  data jsonb not null default '{}'::jsonb,
  received_at timestamptz not null default now(),
  primary key (tenant_id, ts, event_id)
) partition by range (ts);
create index events_user_idx on analytics.events (tenant_id, user_id, ts);
select eduspry.protect_tenant_table('analytics.events', 'analytics_service');

create table analytics.settings (
  tenant_id uuid primary key,
  retention_days integer not null default 365 check (retention_days between 1 and 3650),
  inactive_days integer not null default 7 check (inactive_days between 1 and 365),
  low_grade_percent double precision not null default 60 check (low_grade_percent between 0 and 100),
  updated_at timestamptz not null default now()
);
select eduspry.protect_tenant_table('analytics.settings', 'analytics_service');

-- Rollups. The nil uuid stands for "no course" so keys stay NOT NULL.
create table analytics.users (
  tenant_id uuid not null,
  user_id uuid not null,
  roles text[] not null default '{}',
  registered_at timestamptz,
  deactivated_at timestamptz,
  primary key (tenant_id, user_id)
);
create table analytics.enrollments (
  tenant_id uuid not null,
  course_id uuid not null,
  user_id uuid not null,
  role text,
  active boolean not null,
  changed_at timestamptz not null,
  event_id uuid not null,
  primary key (tenant_id, course_id, user_id)
);
create index enrollments_user_idx on analytics.enrollments (tenant_id, user_id);
create table analytics.daily_activity (
  tenant_id uuid not null,
  day date not null,
  course_id uuid not null,
  user_id uuid not null,
  seconds numeric(16, 3) not null default 0, -- exact: sums must not depend on the order events arrive in
  events integer not null default 0,
  items_opened integer not null default 0,
  videos_played integer not null default 0,
  attempts_submitted integer not null default 0,
  items_completed integer not null default 0,
  last_at timestamptz not null,
  primary key (tenant_id, day, course_id, user_id)
);
create index daily_activity_course_idx on analytics.daily_activity (tenant_id, course_id, day);
create index daily_activity_user_idx on analytics.daily_activity (tenant_id, user_id, day);
create table analytics.student_items (
  tenant_id uuid not null,
  course_id uuid not null,
  user_id uuid not null,
  item_id uuid not null,
  module_id uuid,
  position integer,
  first_opened_at timestamptz,
  completed_at timestamptz,
  video_played_at timestamptz,
  primary key (tenant_id, course_id, user_id, item_id)
);
create index student_items_user_idx on analytics.student_items (tenant_id, user_id);
create table analytics.grades (
  tenant_id uuid not null,
  course_id uuid not null,
  quiz_id uuid not null,
  user_id uuid not null,
  score double precision not null,
  points_possible double precision not null,
  posted_at timestamptz not null,
  event_id uuid not null,
  primary key (tenant_id, course_id, quiz_id, user_id)
);
create index grades_user_idx on analytics.grades (tenant_id, user_id);
-- Who was last reported at risk, so the event is emitted when a student becomes at risk, once.
create table analytics.at_risk (
  tenant_id uuid not null,
  course_id uuid not null,
  user_id uuid not null,
  reasons text[] not null,
  since timestamptz not null default now(),
  primary key (tenant_id, course_id, user_id)
);

select eduspry.protect_tenant_table('analytics.users', 'analytics_service');
select eduspry.protect_tenant_table('analytics.enrollments', 'analytics_service');
select eduspry.protect_tenant_table('analytics.daily_activity', 'analytics_service');
select eduspry.protect_tenant_table('analytics.student_items', 'analytics_service');
select eduspry.protect_tenant_table('analytics.grades', 'analytics_service');
select eduspry.protect_tenant_table('analytics.at_risk', 'analytics_service');

-- Who sees which rows inside a tenant, enforced under the user's claims (restrictive, so it
-- narrows tenant_isolation): tenant admins (and super_admin) all, course staff (teacher/ta, from
-- the enrolments analytics keeps) their courses, everyone their own rows.
create function analytics.is_tenant_admin() returns boolean
language sql stable as $$ select eduspry.has_role('tenant_admin') or eduspry.has_role('super_admin') $$;

create function analytics.teaches(course uuid) returns boolean
language sql stable security definer set search_path = pg_catalog as $$
  select exists (
    select 1 from analytics.enrollments e
    where e.tenant_id = eduspry.tenant_id() and e.course_id = course
      and e.user_id = nullif(eduspry.claims() ->> 'sub', '')::uuid
      and e.active and e.role in ('teacher', 'ta'))
$$;
revoke all on function analytics.teaches(uuid) from public;
grant execute on function analytics.teaches(uuid) to authenticated, analytics_service;

do $$
declare
  target text;
begin
  foreach target in array array['daily_activity', 'student_items', 'grades', 'enrollments', 'at_risk'] loop
    execute format(
      'create policy report_visibility on analytics.%I as restrictive for all to authenticated
         using ((select analytics.is_tenant_admin()) or user_id = (select auth.uid()) or analytics.teaches(course_id))
         with check ((select analytics.is_tenant_admin()) or user_id = (select auth.uid()) or analytics.teaches(course_id))',
      target);
  end loop;
  foreach target in array array['users', 'events'] loop
    execute format(
      'create policy report_visibility on analytics.%I as restrictive for all to authenticated
         using ((select analytics.is_tenant_admin()) or user_id = (select auth.uid()))
         with check ((select analytics.is_tenant_admin()) or user_id = (select auth.uid()))',
      target);
  end loop;
end
$$;

-- Partition upkeep needs CREATE/DROP on the schema, which the service role does not have.
create function analytics.ensure_day_partitions(first_day date, last_day date) returns integer
language plpgsql security definer set search_path = pg_catalog as $$
declare
  day date;
  created integer := 0;
  partition_name text;
begin
  if last_day - first_day > 400 then
    raise exception 'refusing to create more than 400 day partitions at once';
  end if;
  for day in select generate_series(first_day, last_day, interval '1 day')::date loop
    partition_name := 'events_' || to_char(day, 'YYYYMMDD');
    if to_regclass('analytics.' || partition_name) is null then
      execute format(
        'create table if not exists analytics.%I partition of analytics.events for values from (%L) to (%L)',
        partition_name, day::timestamptz, (day + 1)::timestamptz);
      created := created + 1;
    end if;
  end loop;
  return created;
end
$$;

create function analytics.drop_day_partitions_before(before_day date) returns setof text
language plpgsql security definer set search_path = pg_catalog as $$
declare
  partition record;
begin
  for partition in
    select child.relname
    from pg_inherits
    join pg_class child on child.oid = pg_inherits.inhrelid
    join pg_class parent on parent.oid = pg_inherits.inhparent
    join pg_namespace ns on ns.oid = parent.relnamespace
    where ns.nspname = 'analytics' and parent.relname = 'events'
      and child.relname ~ '^events_\d{8}$'
      and to_date(substring(child.relname from '\d{8}$'), 'YYYYMMDD') < before_day
  loop
    execute format('drop table analytics.%I', partition.relname);
    return next partition.relname;
  end loop;
end
$$;

revoke all on function analytics.ensure_day_partitions(date, date) from public;
revoke all on function analytics.drop_day_partitions_before(date) from public;
grant execute on function analytics.ensure_day_partitions(date, date) to analytics_service;
grant execute on function analytics.drop_day_partitions_before(date) to analytics_service;

-- How many items of a course analytics has seen (by anyone): a student's "itemsTotal" without
-- letting the student read other students' rows. A count of the caller's own tenant only.
create function analytics.course_item_count(course uuid) returns integer
language sql stable security definer set search_path = pg_catalog as $$
  select count(distinct item_id)::integer from analytics.student_items
  where tenant_id = eduspry.tenant_id() and course_id = course
$$;
revoke all on function analytics.course_item_count(uuid) from public;
grant execute on function analytics.course_item_count(uuid) to authenticated, analytics_service;
