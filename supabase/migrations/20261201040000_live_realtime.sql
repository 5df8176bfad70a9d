-- live: owned by realtime-service (Supabase Realtime's protocol, self-hosted).
--
-- Named `live`, not `realtime`: on a Supabase project the `realtime` schema belongs to Supabase's
-- own Realtime server (realtime.messages, realtime.subscription, …); ours must not collide with it.
--
--   live.messages        Supabase's realtime.messages shape: policies on it decide who may join
--                        (SELECT) and send on (INSERT) a private channel. It stays empty: the
--                        service probes the policies inside a rolled-back savepoint, as Supabase does.
--   live.course_members  who is in which course, kept from course.management.enrollment_changed
--                        events (course-service owns enrolments; we never read its schema).
--   live.changes         row changes of the tables a service opted in with live.publish_table(),
--                        written by a trigger and announced with NOTIFY live_changes.
--   live.cluster_messages broadcasts/presence too large for a NOTIFY payload (Postgres cluster engine).

insert into eduspry.services (schema_name, role_name) values ('live', 'realtime_service')
on conflict do nothing;

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'realtime_service') then
    create role realtime_service nologin noinherit;
  end if;
end
$$;
create schema if not exists live;
revoke all on schema live from public;
grant usage on schema live to realtime_service, authenticated;
grant authenticated to realtime_service;
alter role realtime_service set search_path = live, public;

-- The topic being authorised, set by the service (transaction-local) before probing the policies;
-- Supabase's realtime.topic() reads realtime.topic the same way.
create or replace function live.topic() returns text
language sql stable as $$ select nullif(current_setting('live.topic', true), '') $$;

create table live.messages (
  id bigint generated always as identity primary key,
  tenant_id uuid not null,
  topic text not null,
  extension text not null check (extension in ('broadcast', 'presence', 'postgres_changes')),
  event text,
  payload jsonb,
  private boolean not null default true,
  inserted_at timestamptz not null default now()
);
create index messages_tenant_id_idx on live.messages (tenant_id);
select eduspry.protect_tenant_table('live.messages', 'realtime_service');

create table live.course_members (
  tenant_id uuid not null,
  course_id uuid not null,
  user_id uuid not null,
  updated_at timestamptz not null default now(),
  primary key (course_id, user_id)
);
create index course_members_tenant_id_idx on live.course_members (tenant_id);
create index course_members_user_id_idx on live.course_members (user_id);
select eduspry.protect_tenant_table('live.course_members', 'realtime_service');

-- The EduSpry rules for private topics, evaluated for the joining user (their claims):
--   user:<uuid>    only that user;
--   course:<uuid>  only members of that course in the user's own tenant (super_admin too);
--   anything else  any user of the tenant (tenant isolation still holds: channels are per tenant).
-- Written as a function so further policies (or services' own migrations) can reuse it.
create or replace function live.may_access_topic(topic text) returns boolean
language sql stable as $$
  select case
    when topic like 'user:%' then substr(topic, 6) = (select eduspry.claims() ->> 'sub')
    when topic like 'course:%' then
      (select eduspry.is_super_admin())
      or exists (
        select 1 from live.course_members m
        where m.course_id::text = substr(topic, 8)
          and m.user_id::text = (select eduspry.claims() ->> 'sub')
          and m.tenant_id = (select eduspry.tenant_id()))
    else true
  end
$$;

create policy topic_read on live.messages as restrictive for select to authenticated
  using (topic = live.topic() and live.may_access_topic(topic));
create policy topic_write on live.messages as restrictive for insert to authenticated
  with check (topic = live.topic() and live.may_access_topic(topic));

-- Consumers of the event bus keep processed_events and dead_letters in their own schema
-- (the shape of 20261125010000_event_backbone.sql, which ran before this schema existed).
create table live.processed_events (
  consumer_group text not null,
  event_id uuid not null,
  tenant_id uuid not null,
  processed_at timestamptz not null default now(),
  primary key (consumer_group, event_id)
);
create index processed_events_tenant_id_idx on live.processed_events (tenant_id);
create index processed_events_processed_at_idx on live.processed_events (processed_at);
alter table live.processed_events enable row level security;
grant select, insert, delete on live.processed_events to realtime_service;
create policy platform_access on live.processed_events for all to realtime_service using (true) with check (true);

create table live.dead_letters (
  id bigint generated always as identity primary key,
  consumer_group text not null,
  topic text not null,
  key text not null,
  event_id uuid not null,
  tenant_id uuid not null,
  event_type text not null,
  version integer not null,
  payload jsonb not null,
  headers jsonb not null default '{}'::jsonb,
  error text not null,
  attempts integer not null,
  created_at timestamptz not null default now(),
  last_failed_at timestamptz not null default now(),
  replayed_at timestamptz,
  unique (consumer_group, event_id)
);
create index dead_letters_tenant_id_idx on live.dead_letters (tenant_id);
create index dead_letters_pending_idx on live.dead_letters (consumer_group, id) where replayed_at is null;
alter table live.dead_letters enable row level security;
grant select, insert, update, delete on live.dead_letters to realtime_service;
create policy platform_access on live.dead_letters for all to realtime_service using (true) with check (true);

grant usage on schema eventbus to realtime_service;
grant select, insert on eventbus.events to realtime_service;
grant select, insert, update on eventbus.consumer_offsets to realtime_service;

-- Row changes. Triggers work on any PostgreSQL as it is (wal_level=replica, managed databases
-- without logical replication slots); the service LISTENs on live_changes and reads new rows.
create table live.changes (
  id bigint generated always as identity primary key,
  tenant_id uuid not null,
  schema_name name not null,
  table_name name not null,
  operation text not null check (operation in ('INSERT', 'UPDATE', 'DELETE')),
  record jsonb,
  old_record jsonb,
  -- The primary key of the row ({"id": …}): how the service re-reads it under a subscriber's claims.
  primary_key jsonb not null,
  -- [{"name": …, "type": …}] as Supabase sends them, so realtime-js converts values.
  columns jsonb not null,
  committed_at timestamptz not null default now()
);
create index changes_committed_at_idx on live.changes (committed_at);
create index changes_tenant_id_idx on live.changes (tenant_id);
alter table live.changes enable row level security;
grant select, delete on live.changes to realtime_service;
create policy platform_access on live.changes for all to realtime_service using (true) with check (true);

create or replace function live.capture_change() returns trigger
language plpgsql security definer set search_path = pg_catalog as $$
declare
  row_now jsonb := case when tg_op = 'DELETE' then null else to_jsonb(new) end;
  row_before jsonb := case when tg_op = 'INSERT' then null else to_jsonb(old) end;
  source jsonb := coalesce(row_now, row_before);
  key_columns text[] := tg_argv::text[];
  inserted_id bigint;
begin
  insert into live.changes (tenant_id, schema_name, table_name, operation, record, old_record, primary_key, columns)
  values (
    (source ->> 'tenant_id')::uuid, tg_table_schema, tg_table_name, tg_op, row_now, row_before,
    (select jsonb_object_agg(k, source -> k) from unnest(key_columns) as k),
    (select jsonb_agg(jsonb_build_object('name', a.attname, 'type', t.typname) order by a.attnum)
       from pg_attribute a join pg_type t on t.oid = a.atttypid
       where a.attrelid = tg_relid and a.attnum > 0 and not a.attisdropped))
  returning id into inserted_id;
  perform pg_notify('live_changes', inserted_id::text);
  return null;
end
$$;
revoke all on function live.capture_change() from public;

-- A service opts a table in from its own migration: select live.publish_table('course.items');
-- The table needs tenant_id and a primary key. Its owner's restrictive owning_service_only policy
-- (eduspry.protect_tenant_table) is split so realtime_service may also READ it as a subscriber
-- (role authenticated with the subscriber's claims: every other policy still decides); writing
-- stays with the owner alone.
create or replace function live.publish_table(target regclass) returns void
language plpgsql as $$
declare
  key_columns text[];
  owner_role text;
  policy_owner text;
begin
  if not exists (select 1 from pg_attribute where attrelid = target and attname = 'tenant_id' and not attisdropped) then
    raise exception 'live.publish_table: % has no tenant_id column', target;
  end if;
  select array_agg(a.attname::text order by array_position(i.indkey::int2[], a.attnum))
    into key_columns
    from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
    where i.indrelid = target and i.indisprimary;
  if key_columns is null then
    raise exception 'live.publish_table: % has no primary key', target;
  end if;
  execute format('drop trigger if exists live_capture_change on %s', target);
  execute format(
    'create trigger live_capture_change after insert or update or delete on %s
       for each row execute function live.capture_change(%s)',
    target, (select string_agg(quote_literal(k), ', ') from unnest(key_columns) as k));

  select substring(pg_get_expr(p.polqual, p.polrelid) from 'session_may_use\(''([a-z_]+)''')
    into policy_owner
    from pg_policy p where p.polrelid = target and p.polname = 'owning_service_only';
  if policy_owner is not null then
    owner_role := policy_owner;
    execute format('drop policy owning_service_only on %s', target);
    execute format(
      'create policy owning_service_or_realtime_read on %s as restrictive for select to authenticated
         using ((select eduspry.session_may_use(%L)) or session_user = ''realtime_service'')', target, owner_role);
    execute format(
      'create policy owning_service_only_insert on %s as restrictive for insert to authenticated
         with check ((select eduspry.session_may_use(%L)))', target, owner_role);
    execute format(
      'create policy owning_service_only_update on %s as restrictive for update to authenticated
         using ((select eduspry.session_may_use(%L))) with check ((select eduspry.session_may_use(%L)))',
      target, owner_role, owner_role);
    execute format(
      'create policy owning_service_only_delete on %s as restrictive for delete to authenticated
         using ((select eduspry.session_may_use(%L)))', target, owner_role);
  end if;
end
$$;
revoke all on function live.publish_table(regclass) from public;

-- The Postgres cluster engine (no REDIS_URL): a message too large for NOTIFY's 8000-byte payload is
-- parked here and its id is notified instead. Rows are deleted after a minute.
create unlogged table live.cluster_messages (
  id bigint generated always as identity primary key,
  body text not null,
  created_at timestamptz not null default now()
);
alter table live.cluster_messages enable row level security;
grant select, insert, delete on live.cluster_messages to realtime_service;
create policy platform_access on live.cluster_messages for all to realtime_service using (true) with check (true);
