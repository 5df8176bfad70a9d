-- course-staff:<course id>: a course's staff channel (the instructor's live view of a running
-- quiz, which assessment-service broadcasts to). Only the course's teachers and TAs (the course
-- role kept from the enrolment events), the tenant's admins for a course of their tenant, and
-- super admins may join it; students never, whatever else they may see of the course.
create or replace function live.may_access_topic(topic text) returns boolean
language sql stable as $$
  select case
    when topic like 'user:%' then substr(topic, 6) = (select eduspry.claims() ->> 'sub')
    when topic like 'course:%' then
      (select eduspry.is_super_admin())
      or exists (
        select 1 from live.course_members m
        where m.course_id::text = substr(topic, 8)
          and m.user_id::text = (select eduspry.claims() ->> 'sub')
          and m.tenant_id = (select eduspry.tenant_id()))
    when topic like 'course-staff:%' then
      (select eduspry.is_super_admin())
      or exists (
        select 1 from live.course_members m
        where m.course_id::text = substr(topic, 14)
          and m.tenant_id = (select eduspry.tenant_id())
          and ((m.user_id::text = (select eduspry.claims() ->> 'sub') and m.role in ('teacher', 'ta'))
               or (select eduspry.has_role('tenant_admin'))))
    else true
  end
$$;
