-- course: sections, unlock rules, content items, progress, waitlist and orientation courses.
-- Extends 20261125000200_course.sql; owned by course-service.

-- A course can be a tenant's orientation course: every newly registered user is enrolled.
alter table course.courses
  add column auto_enroll_on_registration boolean not null default false;
create index courses_tenant_state_idx on course.courses (tenant_id, state, code);

-- Sections: cohorts of a course with their own dates and instructors.
create table course.sections (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  course_id uuid not null references course.courses (id) on delete cascade,
  name text not null check (length(name) between 1 and 200),
  starts_on date,
  ends_on date check (ends_on is null or starts_on is null or ends_on >= starts_on),
  instructor_ids uuid[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (course_id, name)
);
create index sections_tenant_id_idx on course.sections (tenant_id);
select eduspry.protect_tenant_table('course.sections', 'course_service');

-- Unlock rules: available from a date, and/or after completing another module of the course.
alter table course.modules
  add column unlock_at timestamptz,
  add column requires_module_id uuid references course.modules (id) on delete set null,
  add column updated_at timestamptz not null default now(),
  add constraint modules_not_own_prerequisite check (requires_module_id is null or requires_module_id <> id);
create index modules_course_idx on course.modules (course_id, position);

-- Ordered items of a module. Each kind keeps its own reference; content lives elsewhere.
create table course.items (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  course_id uuid not null references course.courses (id) on delete cascade,
  module_id uuid not null references course.modules (id) on delete cascade,
  position integer not null check (position >= 0),
  kind text not null check (kind in ('page', 'file', 'link', 'assessment')),
  title text not null check (length(title) between 1 and 200),
  body text check (length(body) <= 200000),
  url text check (length(url) <= 2048),
  file_id uuid,
  assessment_id uuid,
  published boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (module_id, position) deferrable initially deferred,
  check (kind <> 'link' or url is not null),
  check (kind <> 'file' or file_id is not null),
  check (kind <> 'assessment' or assessment_id is not null)
);
create index items_tenant_id_idx on course.items (tenant_id);
create index items_module_idx on course.items (module_id, position);
select eduspry.protect_tenant_table('course.items', 'course_service');

-- Enrolments: a section, and when a waitlisted student queued (first come, first promoted).
alter table course.enrollments
  add column section_id uuid references course.sections (id) on delete set null,
  add column waitlisted_at timestamptz,
  add column updated_at timestamptz not null default now();
create index enrollments_course_status_idx on course.enrollments (course_id, status, role);

-- Progress: which items a student completed.
create table course.item_completions (
  tenant_id uuid not null,
  item_id uuid not null references course.items (id) on delete cascade,
  user_id uuid not null,
  course_id uuid not null references course.courses (id) on delete cascade,
  module_id uuid not null references course.modules (id) on delete cascade,
  completed_at timestamptz not null default now(),
  primary key (item_id, user_id)
);
create index item_completions_tenant_id_idx on course.item_completions (tenant_id);
create index item_completions_user_course_idx on course.item_completions (user_id, course_id);
select eduspry.protect_tenant_table('course.item_completions', 'course_service');
