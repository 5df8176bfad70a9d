-- assessment: owned by assessment-service. Question banks (per course, or shared across a
-- tenant), versioned questions, quizzes with sections, attempts with their materialised
-- questions and answers, manual grading with rubrics, the audit of every grade change, and
-- the gradebook's categories, settings and per-student quiz grades. Course membership is
-- asked of course-service (gRPC CheckAccess); nothing here reads the course schema.
-- The schema, role and outbox come from the platform migrations (eduspry.services).

create table assessment.banks (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  -- null: shared by every course of the tenant.
  course_id uuid,
  title text not null check (length(title) between 1 and 200),
  created_by uuid not null,
  created_at timestamptz not null default now()
);
create index banks_tenant_course_idx on assessment.banks (tenant_id, course_id);
select eduspry.protect_tenant_table('assessment.banks', 'assessment_service');

create table assessment.rubrics (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  course_id uuid,
  title text not null check (length(title) between 1 and 200),
  -- [{ id, title, hiddenNote?, levels: [{ id, title, points }] }]
  criteria jsonb not null,
  created_by uuid not null,
  created_at timestamptz not null default now()
);
create index rubrics_tenant_idx on assessment.rubrics (tenant_id, course_id);
select eduspry.protect_tenant_table('assessment.rubrics', 'assessment_service');

create table assessment.questions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  bank_id uuid not null references assessment.banks (id) on delete cascade,
  title text not null check (length(title) between 1 and 200),
  tags text[] not null default '{}',
  current_version integer not null default 1,
  rubric_id uuid references assessment.rubrics (id),
  created_by uuid not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index questions_bank_idx on assessment.questions (bank_id);
create index questions_tenant_idx on assessment.questions (tenant_id);
create index questions_tags_idx on assessment.questions using gin (tags);
select eduspry.protect_tenant_table('assessment.questions', 'assessment_service');

-- A version is immutable once an attempt used it; editing such a question adds a version.
create table assessment.question_versions (
  tenant_id uuid not null,
  question_id uuid not null references assessment.questions (id) on delete cascade,
  version integer not null check (version > 0),
  type text not null,
  points numeric(8, 2) not null check (points >= 0),
  spec jsonb not null,
  created_by uuid not null,
  created_at timestamptz not null default now(),
  primary key (question_id, version)
);
create index question_versions_tenant_idx on assessment.question_versions (tenant_id);
select eduspry.protect_tenant_table('assessment.question_versions', 'assessment_service');

create table assessment.quizzes (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  course_id uuid not null,
  -- course-service's item (kind `assessment`) that places this quiz in a module.
  course_item_id uuid,
  title text not null check (length(title) between 1 and 200),
  description text not null default '',
  published boolean not null default false,
  opens_at timestamptz,
  due_at timestamptz,
  closes_at timestamptz,
  time_limit_seconds integer check (time_limit_seconds > 0),
  attempts_allowed integer not null default 1 check (attempts_allowed > 0),
  scoring_policy text not null default 'highest' check (scoring_policy in ('highest', 'latest', 'average')),
  shuffle_questions boolean not null default false,
  one_question_at_a_time boolean not null default false,
  access_code text,
  release_policy text not null default 'after_submit' check (release_policy in ('never', 'after_submit', 'after_due')),
  category_id uuid,
  extra_credit boolean not null default false,
  -- What the sections add up to (random sections count draw_count × points_each).
  points_possible numeric(10, 2) not null default 0,
  created_by uuid not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index quizzes_course_idx on assessment.quizzes (tenant_id, course_id);
select eduspry.protect_tenant_table('assessment.quizzes', 'assessment_service');

create table assessment.quiz_sections (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  quiz_id uuid not null references assessment.quizzes (id) on delete cascade,
  position integer not null,
  kind text not null check (kind in ('fixed', 'random')),
  question_ids uuid[] not null default '{}',
  bank_id uuid references assessment.banks (id),
  tag text,
  draw_count integer check (draw_count > 0),
  -- Overrides each drawn question's own points.
  points_each numeric(8, 2) check (points_each >= 0),
  unique (quiz_id, position)
);
create index quiz_sections_tenant_idx on assessment.quiz_sections (tenant_id);
select eduspry.protect_tenant_table('assessment.quiz_sections', 'assessment_service');

create table assessment.accommodations (
  tenant_id uuid not null,
  quiz_id uuid not null references assessment.quizzes (id) on delete cascade,
  user_id uuid not null,
  extra_time_seconds integer not null default 0 check (extra_time_seconds >= 0),
  extra_attempts integer not null default 0 check (extra_attempts >= 0),
  opens_at timestamptz,
  due_at timestamptz,
  closes_at timestamptz,
  primary key (quiz_id, user_id)
);
create index accommodations_tenant_idx on assessment.accommodations (tenant_id);
select eduspry.protect_tenant_table('assessment.accommodations', 'assessment_service');

create table assessment.attempts (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  quiz_id uuid not null references assessment.quizzes (id) on delete cascade,
  course_id uuid not null,
  user_id uuid not null,
  number integer not null check (number > 0),
  seed text not null,
  status text not null default 'in_progress' check (status in ('in_progress', 'submitted')),
  started_at timestamptz not null default now(),
  -- Time limit (with extra time) and the close date, whichever comes first; null: none.
  deadline_at timestamptz,
  submitted_at timestamptz,
  auto_submitted boolean not null default false,
  -- complete: every question has a score; pending: some wait for a grader.
  grading_state text check (grading_state in ('complete', 'pending')),
  score numeric(10, 2),
  points_possible numeric(10, 2) not null default 0,
  unique (quiz_id, user_id, number)
);
create index attempts_tenant_idx on assessment.attempts (tenant_id);
create index attempts_open_deadline_idx on assessment.attempts (deadline_at) where status = 'in_progress';
create index attempts_quiz_status_idx on assessment.attempts (quiz_id, status);
select eduspry.protect_tenant_table('assessment.attempts', 'assessment_service');

create table assessment.attempt_questions (
  tenant_id uuid not null,
  attempt_id uuid not null references assessment.attempts (id) on delete cascade,
  position integer not null,
  question_id uuid not null,
  version integer not null,
  points numeric(8, 2) not null,
  -- What the attempt fixed when it started (shuffles, variables, tokens): never sent.
  drawn jsonb not null default '{}'::jsonb,
  answer jsonb,
  answered_at timestamptz,
  fraction numeric(7, 6),
  score numeric(8, 2),
  needs_manual boolean not null default false,
  rubric_levels jsonb,
  feedback text,
  graded_by uuid,
  graded_at timestamptz,
  primary key (attempt_id, position)
);
create index attempt_questions_tenant_idx on assessment.attempt_questions (tenant_id);
create index attempt_questions_question_idx on assessment.attempt_questions (question_id, version);
create index attempt_questions_manual_idx on assessment.attempt_questions (tenant_id) where needs_manual;
select eduspry.protect_tenant_table('assessment.attempt_questions', 'assessment_service');

-- Every change of a score after auto-grading: manual grades, overrides, regrades.
create table assessment.grade_audit (
  id bigint generated always as identity primary key,
  tenant_id uuid not null,
  quiz_id uuid not null references assessment.quizzes (id) on delete cascade,
  user_id uuid not null,
  -- null for an override of the quiz grade itself.
  attempt_id uuid references assessment.attempts (id) on delete cascade,
  position integer,
  action text not null check (action in ('manual_grade', 'override', 'regrade')),
  old_score numeric(10, 2),
  new_score numeric(10, 2),
  reason text,
  actor uuid not null,
  at timestamptz not null default now()
);
create index grade_audit_attempt_idx on assessment.grade_audit (attempt_id);
create index grade_audit_quiz_user_idx on assessment.grade_audit (quiz_id, user_id);
create index grade_audit_tenant_idx on assessment.grade_audit (tenant_id);
select eduspry.protect_tenant_table('assessment.grade_audit', 'assessment_service');

create table assessment.regrades (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  quiz_id uuid,
  question_id uuid not null,
  from_version integer,
  to_version integer not null,
  attempts_regraded integer not null,
  requested_by uuid not null,
  at timestamptz not null default now()
);
create index regrades_question_idx on assessment.regrades (question_id);
create index regrades_tenant_idx on assessment.regrades (tenant_id);
select eduspry.protect_tenant_table('assessment.regrades', 'assessment_service');

-- The gradebook.
create table assessment.grade_categories (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  course_id uuid not null,
  name text not null check (length(name) between 1 and 100),
  weight numeric(6, 3) not null default 0 check (weight >= 0),
  drop_lowest integer not null default 0 check (drop_lowest >= 0),
  position integer not null default 0
);
create index grade_categories_course_idx on assessment.grade_categories (tenant_id, course_id);
select eduspry.protect_tenant_table('assessment.grade_categories', 'assessment_service');

create table assessment.gradebook_settings (
  tenant_id uuid not null,
  course_id uuid primary key,
  weighted boolean not null default false,
  -- { deductionPercent, intervalHours, floorPercent, missingPercent }
  late_policy jsonb,
  -- [{ letter, minPercent }] highest first
  letter_scheme jsonb,
  updated_at timestamptz not null default now()
);
create index gradebook_settings_tenant_idx on assessment.gradebook_settings (tenant_id);
select eduspry.protect_tenant_table('assessment.gradebook_settings', 'assessment_service');

-- The grade each quiz gives each student (the counting attempt per the quiz's policy),
-- refreshed whenever one of their attempts is graded; override_score wins when set.
create table assessment.quiz_grades (
  tenant_id uuid not null,
  quiz_id uuid not null references assessment.quizzes (id) on delete cascade,
  course_id uuid not null,
  user_id uuid not null,
  score numeric(10, 2),
  points_possible numeric(10, 2) not null,
  submitted_at timestamptz,
  pending_manual boolean not null default false,
  override_score numeric(10, 2),
  override_reason text,
  updated_at timestamptz not null default now(),
  primary key (quiz_id, user_id)
);
create index quiz_grades_course_idx on assessment.quiz_grades (tenant_id, course_id, user_id);
select eduspry.protect_tenant_table('assessment.quiz_grades', 'assessment_service');
