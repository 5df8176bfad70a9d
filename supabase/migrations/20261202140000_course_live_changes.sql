-- Course structure changes, live: the web app's course page refreshes when a module or item of
-- the course is added, changed or removed (postgres_changes through realtime-service).
--
-- course.items and course.modules are opted in to live.changes. realtime-service re-reads a
-- changed row under the subscriber's claims before delivering it, and tenant isolation alone
-- would let any user of the district read every course's rows that way, drafts included. So a
-- read by realtime-service is further limited to what the course page itself shows: members of
-- the course (active enrolment) see published modules and items, its teachers and TAs all of
-- them, tenant admins and super admins everything of their tenant. course-service's own reads
-- are not affected (session_user is not realtime_service there).

select live.publish_table('course.modules');
select live.publish_table('course.items');

-- security definer: the subscriber's role may not read course.enrollments through realtime-service
-- (that table is not opted in), so the membership check runs as the table owner.
create or replace function course.live_may_read(course uuid, published boolean) returns boolean
language sql stable security definer set search_path = pg_catalog as $$
  select (select eduspry.has_role('tenant_admin') or eduspry.is_super_admin())
    or exists (
      select 1 from course.enrollments e
      where e.course_id = course and e.user_id = (select auth.uid()) and e.status = 'active'
        and (published or e.role in ('teacher', 'ta')));
$$;
revoke all on function course.live_may_read(uuid, boolean) from public;
grant execute on function course.live_may_read(uuid, boolean) to authenticated;

create policy realtime_reads_course_members on course.modules as restrictive for select to authenticated
  using (session_user <> 'realtime_service' or course.live_may_read(course_id, published));
create policy realtime_reads_course_members on course.items as restrictive for select to authenticated
  using (session_user <> 'realtime_service' or course.live_may_read(course_id, published));
