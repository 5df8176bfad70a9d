-- logging: owned by logging-service. Every log line the platform writes, partitioned by day,
-- searchable by tenant, service, level, trace id and full text; retention per tenant and level.

create sequence logging.log_entries_id_seq as bigint;

-- Lines that belong to no tenant (startup, relays, the platform itself) carry the nil uuid, so
-- tenant_id stays NOT NULL and such lines are visible to super_admin only.
create table logging.log_entries (
  id bigint not null default nextval('logging.log_entries_id_seq'),
  ts timestamptz not null,
  received_at timestamptz not null default now(),
  level text not null check (level in ('trace', 'debug', 'info', 'warn', 'error', 'fatal')),
  severity smallint not null check (severity between 10 and 60),
  service text not null check (length(service) between 1 and 100),
  component text,
  trace_id text check (trace_id ~ '^[0-9a-f]{32}$'),
  span_id text check (span_id ~ '^[0-9a-f]{16}$'),
  tenant_id uuid not null,
  tenant_name text,
  user_id text,
  session_id text,
  message text not null,
  context jsonb not null default '{}'::jsonb,
  tags text[] not null default '{}',
  metrics jsonb not null default '{}'::jsonb,
  environment text not null,
  search tsvector generated always as (to_tsvector('simple', left(message, 100000))) stored,
  primary key (ts, id)
) partition by range (ts);

create index log_entries_tenant_id_idx on logging.log_entries (tenant_id, ts desc);
create index log_entries_service_idx on logging.log_entries (service, ts desc);
create index log_entries_level_idx on logging.log_entries (severity, ts desc);
create index log_entries_trace_id_idx on logging.log_entries (trace_id) where trace_id is not null;
create index log_entries_search_idx on logging.log_entries using gin (search);

select eduspry.protect_tenant_table('logging.log_entries', 'logging_service');
grant usage on sequence logging.log_entries_id_seq to logging_service, authenticated;

-- How long lines are kept. tenant_id null is the platform default for that level; a tenant's
-- own row overrides it. Whole day partitions are dropped past the longest retention of all.
create table logging.retention_policies (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid,
  level text not null check (level in ('trace', 'debug', 'info', 'warn', 'error', 'fatal')),
  retain_days integer not null check (retain_days between 1 and 3650),
  updated_at timestamptz not null default now(),
  unique nulls not distinct (tenant_id, level)
);
create index retention_policies_tenant_id_idx on logging.retention_policies (tenant_id);
alter table logging.retention_policies enable row level security;
grant select, insert, update, delete on logging.retention_policies to authenticated, logging_service;
create policy tenant_isolation on logging.retention_policies for all to authenticated
  using (tenant_id = (select eduspry.tenant_id()) or tenant_id is null)
  with check (tenant_id = (select eduspry.tenant_id()));
create policy super_admin_all on logging.retention_policies for all to authenticated
  using ((select eduspry.is_super_admin())) with check ((select eduspry.is_super_admin()));
create policy platform_access on logging.retention_policies for all to logging_service using (true) with check (true);
create policy owning_service_only on logging.retention_policies as restrictive for all to authenticated
  using ((select eduspry.session_may_use('logging_service')))
  with check ((select eduspry.session_may_use('logging_service')));

insert into logging.retention_policies (tenant_id, level, retain_days) values
  (null, 'trace', 3), (null, 'debug', 7), (null, 'info', 30),
  (null, 'warn', 90), (null, 'error', 90), (null, 'fatal', 90);

-- Partition upkeep needs CREATE/DROP on the schema, which the service role does not have:
-- these two functions are its only way to do it, named and narrow.
create function logging.ensure_day_partitions(first_day date, last_day date) returns integer
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
    partition_name := 'log_entries_' || to_char(day, 'YYYYMMDD');
    if to_regclass('logging.' || partition_name) is null then
      execute format(
        'create table if not exists logging.%I partition of logging.log_entries for values from (%L) to (%L)',
        partition_name, day::timestamptz, (day + 1)::timestamptz);
      created := created + 1;
    end if;
  end loop;
  return created;
end
$$;

-- Drops whole days older than `before_day`; returns the dropped partitions' names.
create function logging.drop_day_partitions_before(before_day date) returns setof text
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
    where ns.nspname = 'logging' and parent.relname = 'log_entries'
      and child.relname ~ '^log_entries_\d{8}$'
      and to_date(substring(child.relname from '\d{8}$'), 'YYYYMMDD') < before_day
  loop
    execute format('drop table logging.%I', partition.relname);
    return next partition.relname;
  end loop;
end
$$;

revoke all on function logging.ensure_day_partitions(date, date) from public;
revoke all on function logging.drop_day_partitions_before(date) from public;
grant execute on function logging.ensure_day_partitions(date, date) to logging_service;
grant execute on function logging.drop_day_partitions_before(date) to logging_service;
