-- course: owned by course-service. Courses, their ordered modules, and enrollments.

create table course.courses (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  code text not null check (length(code) between 1 and 40),
  title text not null check (length(title) between 1 and 200),
  description text not null default '' check (length(description) <= 20000),
  term text,
  state text not null default 'draft' check (state in ('draft', 'published', 'archived')),
  starts_on date,
  ends_on date check (ends_on is null or starts_on is null or ends_on >= starts_on),
  self_enrollment boolean not null default false,
  capacity integer check (capacity is null or capacity > 0),
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, code)
);
create index courses_tenant_id_idx on course.courses (tenant_id);
select eduspry.protect_tenant_table('course.courses', 'course_service');

create table course.modules (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  course_id uuid not null references course.courses (id) on delete cascade,
  position integer not null check (position >= 0),
  title text not null check (length(title) between 1 and 200),
  published boolean not null default false,
  created_at timestamptz not null default now(),
  unique (course_id, position) deferrable initially deferred
);
create index modules_tenant_id_idx on course.modules (tenant_id);
select eduspry.protect_tenant_table('course.modules', 'course_service');

create table course.enrollments (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  course_id uuid not null references course.courses (id) on delete cascade,
  user_id uuid not null,
  role text not null default 'student' check (role in ('student', 'teacher', 'ta', 'observer')),
  status text not null default 'active' check (status in ('active', 'waitlisted', 'dropped')),
  created_at timestamptz not null default now(),
  unique (course_id, user_id)
);
create index enrollments_tenant_user_idx on course.enrollments (tenant_id, user_id);
select eduspry.protect_tenant_table('course.enrollments', 'course_service');
