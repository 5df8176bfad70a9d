-- Demo course content for the seeded courses (course-service): items in every module, a quiz
-- reference in the last module, Algebra I's review unlocked only after Practice, a section per
-- course, and an orientation course every new Riverside user joins. Idempotent like 001.

insert into course.courses (id, tenant_id, code, title, description, term, state, self_enrollment,
                            auto_enroll_on_registration, created_by)
values (md5('course:riverside-school-district:WELCOME')::uuid, md5('tenant:riverside-school-district')::uuid,
        'WELCOME', 'Welcome to Riverside', 'How the district''s online learning works.', null, 'published',
        false, true, md5('user:admin@riverside.example')::uuid)
on conflict (id) do nothing;

-- What 001 gives every course (so running the seed again adds nothing): four modules and the
-- creator as teacher.
insert into course.modules (id, tenant_id, course_id, position, title, published)
select md5('module:' || c.id || ':' || m.position)::uuid, c.tenant_id, c.id, m.position,
       format('%s: %s', c.code, m.title), m.position < 3
from course.courses c
cross join (values (0, 'Getting started'), (1, 'Core ideas'), (2, 'Practice'), (3, 'Review and assessment'))
  as m(position, title)
where c.code = 'WELCOME'
on conflict (id) do nothing;

insert into course.enrollments (tenant_id, course_id, user_id, role)
select c.tenant_id, c.id, c.created_by, 'teacher' from course.courses c where c.code = 'WELCOME'
on conflict (course_id, user_id) do nothing;

insert into course.items (id, tenant_id, course_id, module_id, position, kind, title, body, url, assessment_id,
                          published)
select md5('item:' || m.id || ':' || i.position)::uuid, m.tenant_id, m.course_id, m.id, i.position, i.kind,
       i.title, i.body, i.url,
       case when i.kind = 'assessment' then md5('assessment:' || m.id)::uuid end,
       true
from course.modules m
cross join lateral (values
  (0, 'page', 'Overview', 'What this module covers and how to work through it.', null),
  (1, 'link', 'Further reading', null, 'https://example.org/further-reading'),
  (2, case when m.position = 3 then 'assessment' else 'page' end,
      case when m.position = 3 then 'Module quiz' else 'Worked examples' end,
      case when m.position = 3 then null else 'Step-by-step examples with answers.' end, null)
) as i(position, kind, title, body, url)
on conflict (id) do nothing;

update course.modules m set requires_module_id = md5('module:' || m.course_id || ':2')::uuid
where m.course_id = md5('course:riverside-school-district:ALG-1')::uuid and m.position = 3
  and m.requires_module_id is null;

insert into course.sections (id, tenant_id, course_id, name, starts_on, ends_on, instructor_ids)
select md5('section:' || c.id)::uuid, c.tenant_id, c.id, 'Period 1', c.starts_on, c.ends_on,
       array[c.created_by]
from course.courses c
on conflict (id) do nothing;

