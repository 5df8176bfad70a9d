-- identity: owned by auth-service. Tenants (districts), their users and roles.

create table identity.tenants (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 63),
  name text not null check (length(name) between 1 and 200),
  status text not null default 'active' check (status in ('active', 'suspended')),
  settings jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- A tenant row is its own tenant: members read it, super_admin manages all.
alter table identity.tenants enable row level security;
grant select, insert, update, delete on identity.tenants to authenticated, auth_service;
create policy tenant_isolation on identity.tenants for select to authenticated
  using (id = (select eduspry.tenant_id()));
create policy super_admin_all on identity.tenants for all to authenticated
  using ((select eduspry.is_super_admin())) with check ((select eduspry.is_super_admin()));
create policy platform_access on identity.tenants for all to auth_service using (true) with check (true);
create policy owning_service_only on identity.tenants as restrictive for all to authenticated
  using ((select eduspry.session_may_use('auth_service')))
  with check ((select eduspry.session_may_use('auth_service')));

create table identity.users (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references identity.tenants (id),
  email text not null check (length(email) <= 254),
  display_name text not null check (length(display_name) between 1 and 200),
  password_hash text,
  roles text[] not null default '{student}'
    check (roles <@ array['student', 'instructor', 'tenant_admin', 'super_admin']::text[] and cardinality(roles) > 0),
  status text not null default 'active' check (status in ('invited', 'active', 'deactivated')),
  email_verified_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_tenant_email_key on identity.users (tenant_id, lower(email));
create index users_tenant_id_idx on identity.users (tenant_id);
select eduspry.protect_tenant_table('identity.users', 'auth_service');
