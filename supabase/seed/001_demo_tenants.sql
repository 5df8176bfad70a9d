-- Demo data for `npm start` and the demo in the README. Idempotent: ids are derived from
-- stable names (md5(...)::uuid), so running it again changes nothing.
-- Every demo user's password is `Riverside-Demo-2026` (argon2id, m=19456 KiB, t=2, p=1).

insert into identity.tenants (id, slug, name) values
  (md5('tenant:riverside-school-district')::uuid, 'riverside-school-district', 'Riverside School District'),
  (md5('tenant:lakeside-unified')::uuid, 'lakeside-unified', 'Lakeside Unified School District')
on conflict (id) do nothing;

with demo_users (tenant_slug, email, display_name, roles) as (
  values
    ('riverside-school-district', 'platform@eduspry.example', 'Pat Platform', array['super_admin']),
    ('riverside-school-district', 'admin@riverside.example', 'Alex Admin', array['tenant_admin']),
    ('riverside-school-district', 'rivera@riverside.example', 'Dana Rivera', array['instructor']),
    ('riverside-school-district', 'okafor@riverside.example', 'Chidi Okafor', array['instructor']),
    ('lakeside-unified', 'admin@lakeside.example', 'Lee Admin', array['tenant_admin']),
    ('lakeside-unified', 'nguyen@lakeside.example', 'Mai Nguyen', array['instructor'])
  union all
  select 'riverside-school-district', format('student%s@riverside.example', n), format('Riverside Student %s', n),
         array['student']
  from generate_series(1, 12) as n
  union all
  select 'lakeside-unified', format('student%s@lakeside.example', n), format('Lakeside Student %s', n), array['student']
  from generate_series(1, 4) as n
)
insert into identity.users (id, tenant_id, email, display_name, password_hash, roles, status, email_verified_at)
select md5('user:' || email)::uuid, md5('tenant:' || tenant_slug)::uuid, email, display_name,
       '$argon2id$v=19$m=19456,t=2,p=1$DMTNcqfdqWPOPzP3lZ9kog$6//o9vNshND2Ejzaq8/NyHys6GDfy/+LNyobh/K71MM',
       roles, 'active', now()
from demo_users
on conflict (id) do nothing;

-- course-service's user directory knows the demo users as auth-service's user_registered events
-- would have told it (the seed writes rows directly, so it writes this copy too).
insert into course.users (tenant_id, user_id, email, display_name, roles, roles_at, active, status_at)
select tenant_id, id, email, display_name, roles, created_at, true, created_at
from identity.users
where tenant_id in (md5('tenant:riverside-school-district')::uuid, md5('tenant:lakeside-unified')::uuid)
on conflict do nothing;

with demo_courses (tenant_slug, code, title, description, term, state, self_enrollment, capacity, instructor) as (
  values
    ('riverside-school-district', 'ALG-1', 'Algebra I', 'Linear equations, functions and graphs.', '2026-fall',
     'published', true, 30, 'rivera@riverside.example'),
    ('riverside-school-district', 'BIO-9', 'Biology 9', 'Cells, genetics and ecosystems.', '2026-fall',
     'published', true, 4, 'okafor@riverside.example'),
    ('riverside-school-district', 'HIST-US', 'U.S. History', 'From the founding to the present.', '2027-spring',
     'draft', false, null, 'rivera@riverside.example'),
    ('lakeside-unified', 'CHEM-10', 'Chemistry 10', 'Matter, reactions and the periodic table.', '2026-fall',
     'published', true, 25, 'nguyen@lakeside.example')
)
insert into course.courses (id, tenant_id, code, title, description, term, state, self_enrollment, capacity,
                            starts_on, ends_on, created_by)
select md5('course:' || tenant_slug || ':' || code)::uuid, md5('tenant:' || tenant_slug)::uuid, code, title,
       description, term, state, self_enrollment, capacity, date '2026-09-01', date '2027-06-15',
       md5('user:' || instructor)::uuid
from demo_courses
on conflict (id) do nothing;

insert into course.modules (id, tenant_id, course_id, position, title, published)
select md5('module:' || c.id || ':' || m.position)::uuid, c.tenant_id, c.id, m.position,
       format('%s: %s', c.code, m.title), m.position < 3
from course.courses c
cross join (values (0, 'Getting started'), (1, 'Core ideas'), (2, 'Practice'), (3, 'Review and assessment'))
  as m(position, title)
on conflict (id) do nothing;

-- Instructors teach their courses; riverside students 1–8 take Algebra I, 1–3 Biology 9.
insert into course.enrollments (tenant_id, course_id, user_id, role)
select c.tenant_id, c.id, c.created_by, 'teacher' from course.courses c
union all
select md5('tenant:riverside-school-district')::uuid, md5('course:riverside-school-district:ALG-1')::uuid,
       md5(format('user:student%s@riverside.example', n))::uuid, 'student'
from generate_series(1, 8) as n
union all
select md5('tenant:riverside-school-district')::uuid, md5('course:riverside-school-district:BIO-9')::uuid,
       md5(format('user:student%s@riverside.example', n))::uuid, 'student'
from generate_series(1, 3) as n
on conflict (course_id, user_id) do nothing;
