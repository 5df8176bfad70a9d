-- Presence privacy per tenant, for course:<id> channels (the web app's "Here now"):
--   everyone  every member of the course shows as present (the default);
--   staff     only the course's teachers and TAs (and tenant admins) show; students still see them;
--   off       nobody shows.
-- Enforced where Supabase enforces it: a restrictive INSERT policy on live.messages for the
-- presence extension, which realtime-service's join probe evaluates for the joining user.
alter table live.course_members add column role text;

create table live.settings (
  tenant_id uuid primary key,
  course_presence text not null default 'everyone' check (course_presence in ('everyone', 'staff', 'off')),
  updated_at timestamptz not null default now()
);
select eduspry.protect_tenant_table('live.settings', 'realtime_service');
-- Everyone of the tenant reads the setting (the probe runs as the joining user); admins change it.
create policy admins_write on live.settings as restrictive for insert to authenticated
  with check ((select eduspry.has_role('tenant_admin')) or (select eduspry.is_super_admin()));
create policy admins_update on live.settings as restrictive for update to authenticated
  using ((select eduspry.has_role('tenant_admin')) or (select eduspry.is_super_admin()));
create policy admins_delete on live.settings as restrictive for delete to authenticated
  using ((select eduspry.has_role('tenant_admin')) or (select eduspry.is_super_admin()));

create or replace function live.may_share_presence(topic text) returns boolean
language sql stable as $$
  select case
    when topic not like 'course:%' then true
    else case coalesce(
      (select s.course_presence from live.settings s where s.tenant_id = (select eduspry.tenant_id())),
      'everyone')
      when 'everyone' then true
      when 'off' then false
      else (select eduspry.has_role('tenant_admin')) or (select eduspry.is_super_admin()) or exists (
        select 1 from live.course_members m
        where m.course_id::text = substr(topic, 8)
          and m.user_id::text = (select eduspry.claims() ->> 'sub')
          and m.tenant_id = (select eduspry.tenant_id())
          and m.role in ('teacher', 'ta'))
    end
  end
$$;

create policy presence_write on live.messages as restrictive for insert to authenticated
  with check (extension <> 'presence' or live.may_share_presence(topic));
