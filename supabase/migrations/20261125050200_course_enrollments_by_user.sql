-- The enrolled course list starts from the user's own enrolments. The tenant index cannot
-- serve it: RLS ORs tenant_isolation with super_admin_all, so tenant_id is no index condition.
create index if not exists enrollments_user_idx on course.enrollments (user_id);
