-- A user's name changes after registration (a roster import renames them): auth-service's
-- user_profile_changed. Like roles and status, the name keeps the instant it was set, so a
-- redelivered or reordered event never brings an old name back.
alter table course.users add column display_name_at timestamptz not null default '-infinity';
