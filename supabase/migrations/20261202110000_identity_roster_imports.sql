-- identity.roster_imports: a OneRoster dry run and, once approved, its application.
-- The dry run keeps the parsed rows and the diff's hash; applying recomputes the diff against the
-- users as they are then and refuses when its hash differs, so what the admin approved is what
-- happens (auth-service src/domain/roster.ts).
create table identity.roster_imports (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references identity.tenants (id),
  created_by uuid not null,
  created_at timestamptz not null default now(),
  -- the parsed, valid users.csv rows the diff was computed from
  rows jsonb not null,
  -- the diff as shown (creates, changes, removals, errors): pages are read from it
  diff jsonb not null,
  diff_hash text not null check (diff_hash ~ '^[0-9a-f]{64}$'),
  applied_at timestamptz,
  applied_by uuid,
  result jsonb
);
create index roster_imports_tenant_idx on identity.roster_imports (tenant_id, created_at desc);
select eduspry.protect_tenant_table('identity.roster_imports', 'auth_service');
