-- Behind-schedule at-risk: analytics keeps each module's schedule as course-service tells it
-- (course.management.schedule_changed), the latest by (changed_at, event_id), so replaying the
-- events in any order gives the same rows. A student is behind once a published, dated module's
-- items are due (its unlock date or their enrolment, whichever is later, plus the tenant's grace
-- days) and they have not completed all of them.
create table analytics.course_schedules (
  tenant_id uuid not null,
  course_id uuid not null,
  module_id uuid not null,
  published boolean not null,
  unlock_at timestamptz,
  item_ids uuid[] not null default '{}',
  removed boolean not null default false,
  changed_at timestamptz not null,
  event_id uuid not null,
  primary key (tenant_id, course_id, module_id)
);
select eduspry.protect_tenant_table('analytics.course_schedules', 'analytics_service');

-- Course structure, not anyone's activity: tenant admins and the course's staff read it.
create policy report_visibility on analytics.course_schedules as restrictive for all to authenticated
  using ((select analytics.is_tenant_admin()) or analytics.teaches(course_id))
  with check ((select analytics.is_tenant_admin()) or analytics.teaches(course_id));

alter table analytics.settings
  add column schedule_grace_days integer not null default 7 check (schedule_grace_days between 0 and 365);
