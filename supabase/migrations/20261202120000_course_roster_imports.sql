-- course.roster_imports: a OneRoster enrolment dry run (users.csv, classes.csv, enrollments.csv)
-- and, once approved, its application. The dry run keeps the joined rows and the plan's hash;
-- applying recomputes the plan against the enrolments as they are then and refuses when its hash
-- differs, so what the admin approved is what happens (course-service src/domain/roster-imports.ts).
create table course.roster_imports (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  created_by uuid not null,
  created_at timestamptz not null default now(),
  -- the joined enrollments.csv rows and the files' row errors the plan was computed from
  rows jsonb not null,
  -- the plan as shown (enrols, changes, removals, errors): pages are read from it
  plan jsonb not null,
  plan_hash text not null check (plan_hash ~ '^[0-9a-f]{64}$'),
  applied_at timestamptz,
  applied_by uuid,
  result jsonb
);
create index roster_imports_tenant_idx on course.roster_imports (tenant_id, created_at desc);
select eduspry.protect_tenant_table('course.roster_imports', 'course_service');

-- Enrolment rows name users by email (through users.csv): the directory is searched by it.
create index users_email_idx on course.users (tenant_id, lower(email));
