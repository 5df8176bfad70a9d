-- The event backbone (packages/event-bus).
--
-- In every service schema:
--   outbox            the service's events, written in the same transaction as its change; a relay
--                     publishes them in id order and stamps published_at.
--   processed_events  (consumer_group, event_id) of every event a consumer handled, written in the
--                     handler's transaction: redelivery is a no-op (exactly once in effect).
--   dead_letters      events a consumer gave up on after its retries, with the error; replayable.
-- And the schema `eventbus`: the Postgres event log, the embedded stand-in for Kafka.
--
-- These tables are platform-internal. A user request (role `authenticated` under withTenant) may
-- only append to its own service's outbox, for its own tenant; reading, publishing and consuming is
-- the service role's job.

create or replace function eduspry.notify_outbox() returns trigger
language plpgsql as $$
begin
  perform pg_notify(tg_table_schema || '_outbox', '');
  return null;
end
$$;

do $$
declare
  service record;
begin
  for service in select schema_name, role_name from eduspry.services
  loop
    execute format($sql$
      create table %1$I.outbox (
        id bigint generated always as identity primary key,
        event_id uuid not null unique,
        tenant_id uuid not null,
        event_type text not null,
        version integer not null check (version > 0),
        topic text not null,
        key text not null,
        payload jsonb not null,
        headers jsonb not null default '{}'::jsonb,
        created_at timestamptz not null default now(),
        published_at timestamptz
      );
      create index outbox_unpublished_idx on %1$I.outbox (id) where published_at is null;
      create index outbox_tenant_id_idx on %1$I.outbox (tenant_id);
      create index outbox_published_at_idx on %1$I.outbox (published_at) where published_at is not null;
      create trigger outbox_notify after insert on %1$I.outbox
        for each statement execute function eduspry.notify_outbox();

      alter table %1$I.outbox enable row level security;
      grant select, insert, update, delete on %1$I.outbox to %2$I;
      grant insert on %1$I.outbox to authenticated;
      create policy platform_access on %1$I.outbox for all to %2$I using (true) with check (true);
      create policy append_own_tenant on %1$I.outbox for insert to authenticated
        with check (tenant_id = (select eduspry.tenant_id()) or (select eduspry.is_super_admin()));
      create policy owning_service_only on %1$I.outbox as restrictive for all to authenticated
        using ((select eduspry.session_may_use(%2$L))) with check ((select eduspry.session_may_use(%2$L)));

      create table %1$I.processed_events (
        consumer_group text not null,
        event_id uuid not null,
        tenant_id uuid not null,
        processed_at timestamptz not null default now(),
        primary key (consumer_group, event_id)
      );
      create index processed_events_tenant_id_idx on %1$I.processed_events (tenant_id);
      create index processed_events_processed_at_idx on %1$I.processed_events (processed_at);
      alter table %1$I.processed_events enable row level security;
      grant select, insert, delete on %1$I.processed_events to %2$I;
      create policy platform_access on %1$I.processed_events for all to %2$I using (true) with check (true);

      create table %1$I.dead_letters (
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
      create index dead_letters_tenant_id_idx on %1$I.dead_letters (tenant_id);
      create index dead_letters_pending_idx on %1$I.dead_letters (consumer_group, id) where replayed_at is null;
      alter table %1$I.dead_letters enable row level security;
      grant select, insert, update, delete on %1$I.dead_letters to %2$I;
      create policy platform_access on %1$I.dead_letters for all to %2$I using (true) with check (true);
    $sql$, service.schema_name, service.role_name);
  end loop;
end
$$;

-- The Postgres event log: one append-only table shared by every service, read per consumer group
-- from the group's committed position. Appends to a topic are serialised by the publisher
-- (pg_advisory_xact_lock on the topic) so positions become visible in order and a reader that
-- moved past position N never misses a later commit below N.
create schema if not exists eventbus;
revoke all on schema eventbus from public;

create table eventbus.events (
  position bigint generated always as identity primary key,
  topic text not null,
  key text not null,
  event_id uuid not null,
  tenant_id uuid not null,
  event_type text not null,
  version integer not null,
  payload jsonb not null,
  headers jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index events_topic_position_idx on eventbus.events (topic, position);
-- At most one copy of an event in the log, even when a relay crashed between publish and marking sent.
create unique index events_event_id_key on eventbus.events (event_id);
create index events_tenant_id_idx on eventbus.events (tenant_id);

create or replace function eventbus.refuse_change() returns trigger
language plpgsql as $$
begin
  raise exception 'eventbus.events is append-only' using errcode = 'insufficient_privilege';
end
$$;
create trigger events_append_only before update or delete on eventbus.events
  for each row execute function eventbus.refuse_change();

create or replace function eventbus.notify_appended() returns trigger
language plpgsql as $$
declare
  appended record;
begin
  for appended in select distinct topic from inserted loop
    perform pg_notify('eventbus', appended.topic);
  end loop;
  return null;
end
$$;
create trigger events_notify after insert on eventbus.events
  referencing new table as inserted for each statement execute function eventbus.notify_appended();

create table eventbus.consumer_offsets (
  group_name text not null,
  topic text not null,
  -- The position of the last event the group finished with (handled or dead-lettered).
  position bigint not null default 0,
  updated_at timestamptz not null default now(),
  primary key (group_name, topic)
);

do $$
declare
  role_name text;
begin
  foreach role_name in array array[
    'auth_service', 'course_service', 'content_service', 'assessment_service',
    'logging_service', 'analytics_service', 'notification_service'
  ] loop
    execute format('grant usage on schema eventbus to %I', role_name);
    execute format('grant select, insert on eventbus.events to %I', role_name);
    execute format('grant select, insert, update on eventbus.consumer_offsets to %I', role_name);
  end loop;
end
$$;
