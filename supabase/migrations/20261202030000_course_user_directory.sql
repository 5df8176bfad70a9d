-- course-service's directory of its tenants' users: who exists, in which tenant, whether they
-- may still be enrolled. Fed by auth-service's user_registered, user_deactivated and
-- user_role_changed events (services/course-service/src/domain/users.ts); course-service never
-- reads identity.* at run time. Each fact carries the instant it happened (`*_at`), and an
-- older fact never overwrites a newer one, so redelivered or reordered events change nothing.
create table course.users (
  tenant_id uuid not null,
  user_id uuid not null,
  email text check (length(email) <= 254),
  display_name text check (length(display_name) <= 200),
  roles text[] not null default '{}',
  roles_at timestamptz not null default '-infinity',
  active boolean not null,
  status_at timestamptz not null default '-infinity',
  updated_at timestamptz not null default now(),
  primary key (tenant_id, user_id)
);
select eduspry.protect_tenant_table('course.users', 'course_service');

-- Backfill: the users that existed before this migration. When identity and course share a
-- database (npm start, the single-database deployments), copy them in the same migration; an
-- invited user who never accepted is not yet registered, as their event has not been emitted.
-- A deployment whose identity schema lives elsewhere replays the user events instead (see
-- services/course-service/README.md, "User directory").
do $$
begin
  if to_regclass('identity.users') is not null then
    insert into course.users (tenant_id, user_id, email, display_name, roles, roles_at, active, status_at)
    select tenant_id, id, email, display_name, roles, updated_at, status = 'active', updated_at
    from identity.users
    where status in ('active', 'deactivated')
    on conflict do nothing;
  end if;
end
$$;
