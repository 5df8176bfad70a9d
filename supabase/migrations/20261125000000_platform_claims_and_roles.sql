-- Platform foundations that every service schema builds on.
-- Runs unchanged on plain PostgreSQL and on Supabase: what Supabase already provides
-- (the anon/authenticated/service_role roles, auth.uid(), auth.jwt(), auth.role())
-- is created here only where it is missing, with the same meaning.

-- Supabase's API roles.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
end
$$;

-- Supabase's claim helpers, reading the claims PostgREST (or withTenant) put in request.jwt.claims.
create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

do $$
begin
  if not exists (select 1 from pg_proc where proname = 'jwt' and pronamespace = 'auth'::regnamespace) then
    create function auth.jwt() returns jsonb language sql stable as $fn$
      select coalesce(
        nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')
      )::jsonb
    $fn$;
  end if;
  if not exists (select 1 from pg_proc where proname = 'uid' and pronamespace = 'auth'::regnamespace) then
    create function auth.uid() returns uuid language sql stable as $fn$
      select coalesce(
        nullif(current_setting('request.jwt.claim.sub', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
      )::uuid
    $fn$;
  end if;
  if not exists (select 1 from pg_proc where proname = 'role' and pronamespace = 'auth'::regnamespace) then
    create function auth.role() returns text language sql stable as $fn$
      select coalesce(
        nullif(current_setting('request.jwt.claim.role', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
      )::text
    $fn$;
  end if;
end
$$;

-- EduSpry's own helpers for policies. Unlike auth.jwt() they never raise on malformed
-- claims: missing or malformed claims yield null, and a null tenant matches no row.
create schema if not exists eduspry;
grant usage on schema eduspry to anon, authenticated, service_role;

create or replace function eduspry.claims() returns jsonb
language plpgsql stable as $$
begin
  return nullif(current_setting('request.jwt.claims', true), '')::jsonb;
exception when others then
  return null;
end
$$;

create or replace function eduspry.tenant_id() returns uuid
language sql stable as $$
  select case
    when tenant ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then tenant::uuid
  end
  from (select eduspry.claims() -> 'app_metadata' ->> 'tenant_id' as tenant) as claim
$$;

create or replace function eduspry.has_role(wanted text) returns boolean
language sql stable as $$
  select coalesce(jsonb_typeof(roles) = 'array' and roles ? wanted, false)
  from (select eduspry.claims() -> 'app_metadata' -> 'roles' as roles) as claim
$$;

-- A super_admin token is still a well-formed token: it names a valid tenant (its home).
create or replace function eduspry.is_super_admin() returns boolean
language sql stable as $$ select eduspry.tenant_id() is not null and eduspry.has_role('super_admin') $$;

-- Whether the connected (session) role may act on a table owned by `owner`: the owning
-- service, a superuser (migrations, seed) or Supabase's PostgREST login `authenticator`.
-- Keeps one service from reading another's schema by switching to `authenticated`.
create or replace function eduspry.session_may_use(owner name) returns boolean
language sql stable security definer set search_path = pg_catalog as $$
  select session_user = owner
      or session_user = 'authenticator'
      or coalesce((select rolsuper from pg_roles where rolname = session_user), false)
$$;

-- One call gives a tenant-owned table the platform's standard protection:
--   * tenant_isolation: a user sees and writes rows of their own tenant only;
--   * super_admin_all:  super_admin crosses tenants, explicitly;
--   * platform_access:  the owning service's own role (the trusted, logged path) sees all;
--   * owning_service_only (restrictive): only the owning service may act as a user here.
-- Helper calls are wrapped in (select …) so Postgres evaluates them once per statement.
create or replace function eduspry.protect_tenant_table(target regclass, owner name) returns void
language plpgsql as $$
begin
  execute format('alter table %s enable row level security', target);
  execute format('grant select, insert, update, delete on %s to authenticated, %I', target, owner);
  execute format(
    'create policy tenant_isolation on %s for all to authenticated
       using (tenant_id = (select eduspry.tenant_id()))
       with check (tenant_id = (select eduspry.tenant_id()))', target);
  execute format(
    'create policy super_admin_all on %s for all to authenticated
       using ((select eduspry.is_super_admin())) with check ((select eduspry.is_super_admin()))', target);
  execute format('create policy platform_access on %s for all to %I using (true) with check (true)', target, owner);
  execute format(
    'create policy owning_service_only on %s as restrictive for all to authenticated
       using ((select eduspry.session_may_use(%L))) with check ((select eduspry.session_may_use(%L)))',
    target, owner, owner);
end
$$;

-- The services and the schema each owns: the one list later migrations iterate over.
create table if not exists eduspry.services (
  schema_name name primary key,
  role_name name not null unique
);
insert into eduspry.services (schema_name, role_name) values
  ('identity', 'auth_service'),
  ('course', 'course_service'),
  ('content', 'content_service'),
  ('assessment', 'assessment_service'),
  ('logging', 'logging_service'),
  ('analytics', 'analytics_service'),
  ('notification', 'notification_service')
on conflict do nothing;

-- One schema and one login-capable role per service. Roles are created without a
-- password: deployment sets LOGIN and a password (npm start generates one per machine).
-- NOINHERIT: acting as `authenticated` needs an explicit SET ROLE inside a transaction.
do $$
declare
  service record;
begin
  for service in select schema_name, role_name from eduspry.services
  loop
    if not exists (select 1 from pg_roles where rolname = service.role_name) then
      execute format('create role %I nologin noinherit', service.role_name);
    end if;
    execute format('create schema if not exists %I', service.schema_name);
    execute format('revoke all on schema %I from public', service.schema_name);
    execute format('grant usage on schema %I to %I, authenticated', service.schema_name, service.role_name);
    execute format('grant authenticated to %I', service.role_name);
    execute format('alter role %I set search_path = %I, public', service.role_name, service.schema_name);
  end loop;
end
$$;
