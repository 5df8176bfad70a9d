-- notification: owned by notification-service. The in-app inbox, per-channel deliveries,
-- preferences, digests, and outgoing webhooks (endpoints, secrets, deliveries, attempts).
-- Every table is tenant-owned and protected by eduspry.protect_tenant_table(); the inbox and the
-- user's own settings are further restricted to the user themself.

-- Who can be notified, as the notification consumer learned it from user events
-- (user.authentication.user_registered / user_role_changed). Never read from identity.
create table notification.recipients (
  user_id uuid primary key,
  tenant_id uuid not null,
  email text,
  phone text check (phone is null or phone ~ '^\+[1-9][0-9]{6,14}$'),
  roles text[] not null default '{}',
  time_zone text not null default 'UTC' check (length(time_zone) between 1 and 64),
  quiet_hours_start time,
  quiet_hours_end time,
  active boolean not null default true,
  updated_at timestamptz not null default now()
);
create index recipients_tenant_id_idx on notification.recipients (tenant_id);
select eduspry.protect_tenant_table('notification.recipients', 'notification_service');

-- Course rosters, kept from course.management.enrollment_changed (never read from course).
create table notification.course_members (
  tenant_id uuid not null,
  course_id uuid not null,
  user_id uuid not null,
  enrolled_at timestamptz not null default now(),
  primary key (course_id, user_id)
);
create index course_members_tenant_id_idx on notification.course_members (tenant_id);
select eduspry.protect_tenant_table('notification.course_members', 'notification_service');

-- The inbox: one row per (user, cause), whatever the retries. `cause` names what caused it
-- (`event:<eventId>`, `announcement:<id>`, `webhook-disabled:<endpointId>:<time>`).
create table notification.notifications (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  user_id uuid not null,
  category text not null check (category ~ '^[a-z_]{1,40}$'),
  cause text not null check (length(cause) between 1 and 200),
  title text not null check (length(title) between 1 and 300),
  body text not null default '' check (length(body) <= 20000),
  link text check (link is null or length(link) <= 2000),
  data jsonb not null default '{}'::jsonb,
  in_app boolean not null default true,
  created_at timestamptz not null default now(),
  read_at timestamptz,
  -- Set once realtime-service accepted the live push (the inbox stays the source of truth).
  live_pushed_at timestamptz,
  unique (user_id, cause)
);
create index notifications_live_pending_idx on notification.notifications (created_at) where live_pushed_at is null and in_app;
create index notifications_tenant_id_idx on notification.notifications (tenant_id);
create index notifications_inbox_idx on notification.notifications (user_id, created_at desc) where in_app;
create index notifications_unread_idx on notification.notifications (user_id) where in_app and read_at is null;
select eduspry.protect_tenant_table('notification.notifications', 'notification_service');
-- A user reads and marks only their own notifications. Staff may create them for others in their
-- tenant (announcements), so insert is left to the tenant policy.
create policy own_rows_select on notification.notifications as restrictive for select to authenticated
  using (user_id = (select auth.uid()));
create policy own_rows_update on notification.notifications as restrictive for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy own_rows_delete on notification.notifications as restrictive for delete to authenticated
  using (user_id = (select auth.uid()));

-- Announcements from course staff, fanned out into the inbox of every course member.
create table notification.announcements (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  course_id uuid not null,
  author_id uuid not null,
  title text not null check (length(title) between 1 and 300),
  body text not null check (length(body) <= 20000),
  recipients integer not null default 0,
  created_at timestamptz not null default now()
);
create index announcements_tenant_id_idx on notification.announcements (tenant_id);
create index announcements_course_idx on notification.announcements (course_id, created_at desc);
select eduspry.protect_tenant_table('notification.announcements', 'notification_service');

-- Preferences per (user, category, channel). user_id null: the tenant's default.
create table notification.preferences (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  user_id uuid,
  category text not null check (category ~ '^[a-z_]{1,40}$'),
  channel text not null check (channel in ('in_app', 'email', 'push', 'sms')),
  frequency text not null check (frequency in ('immediately', 'daily', 'weekly', 'never')),
  updated_at timestamptz not null default now(),
  unique nulls not distinct (tenant_id, user_id, category, channel)
);
create index preferences_user_idx on notification.preferences (user_id);
select eduspry.protect_tenant_table('notification.preferences', 'notification_service');

-- Browser push subscriptions (the PushSubscription JSON of the Push API).
create table notification.push_subscriptions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  user_id uuid not null,
  endpoint text not null check (endpoint ~ '^https?://' and length(endpoint) <= 2000),
  p256dh text not null check (length(p256dh) <= 200),
  auth text not null check (length(auth) <= 100),
  created_at timestamptz not null default now(),
  unique (user_id, endpoint)
);
create index push_subscriptions_tenant_id_idx on notification.push_subscriptions (tenant_id);
select eduspry.protect_tenant_table('notification.push_subscriptions', 'notification_service');

-- Outgoing messages per channel (email, push, sms): due now, at the end of quiet hours, or in a
-- digest period. Worked by the channel sender; one row per (notification, channel).
create table notification.channel_messages (
  id bigint generated always as identity primary key,
  tenant_id uuid not null,
  notification_id uuid not null references notification.notifications (id) on delete cascade,
  user_id uuid not null,
  channel text not null check (channel in ('email', 'push', 'sms')),
  -- null: send alone at due_at; else the digest it belongs to, e.g. `daily:2026-12-01`.
  digest_period text,
  due_at timestamptz not null,
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed', 'skipped')),
  attempts integer not null default 0,
  locked_until timestamptz,
  last_error text,
  sent_at timestamptz,
  unique (notification_id, channel)
);
create index channel_messages_tenant_id_idx on notification.channel_messages (tenant_id);
create index channel_messages_due_idx on notification.channel_messages (due_at) where status = 'pending';
select eduspry.protect_tenant_table('notification.channel_messages', 'notification_service');

-- One digest mail per user per period, whatever the retries.
create table notification.digests (
  tenant_id uuid not null,
  user_id uuid not null,
  period text not null,
  items integer not null,
  sent_at timestamptz not null default now(),
  primary key (user_id, period)
);
create index digests_tenant_id_idx on notification.digests (tenant_id);
select eduspry.protect_tenant_table('notification.digests', 'notification_service');

-- Outgoing webhooks.
create table notification.webhook_endpoints (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  url text not null check (url ~ '^https?://' and length(url) <= 2000),
  description text not null default '' check (length(description) <= 500),
  event_types text[] not null check (cardinality(event_types) between 1 and 100),
  -- Deliveries with the same aggregate key go out one at a time, in order.
  ordered boolean not null default false,
  status text not null default 'active' check (status in ('active', 'disabled')),
  disabled_reason text,
  failing_since timestamptz,
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index webhook_endpoints_tenant_id_idx on notification.webhook_endpoints (tenant_id);
select eduspry.protect_tenant_table('notification.webhook_endpoints', 'notification_service');

-- Signing secrets: the newest signs; older ones keep signing until expires_at (rotation overlap).
create table notification.webhook_secrets (
  id bigint generated always as identity primary key,
  tenant_id uuid not null,
  endpoint_id uuid not null references notification.webhook_endpoints (id) on delete cascade,
  secret text not null check (secret ~ '^whsec_'),
  created_at timestamptz not null default now(),
  expires_at timestamptz
);
create index webhook_secrets_endpoint_idx on notification.webhook_secrets (endpoint_id);
create index webhook_secrets_tenant_id_idx on notification.webhook_secrets (tenant_id);
select eduspry.protect_tenant_table('notification.webhook_secrets', 'notification_service');

-- One delivery per (endpoint, message): `message_id` is the `webhook-id` header, the same on every retry.
create table notification.webhook_deliveries (
  id bigint generated always as identity primary key,
  tenant_id uuid not null,
  endpoint_id uuid not null references notification.webhook_endpoints (id) on delete cascade,
  message_id text not null,
  event_type text not null,
  ordering_key text,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  -- Retries stop here (24 h after the event by default; a replay sets a new horizon).
  give_up_at timestamptz not null,
  locked_until timestamptz,
  created_at timestamptz not null default now(),
  completed_at timestamptz,
  last_status_code integer,
  unique (endpoint_id, message_id)
);
create index webhook_deliveries_tenant_id_idx on notification.webhook_deliveries (tenant_id);
create index webhook_deliveries_due_idx on notification.webhook_deliveries (next_attempt_at, id) where status = 'pending';
create index webhook_deliveries_endpoint_idx on notification.webhook_deliveries (endpoint_id, id desc);
create index webhook_deliveries_endpoint_due_idx on notification.webhook_deliveries (endpoint_id, next_attempt_at, id)
  where status = 'pending';
create index webhook_deliveries_ordering_idx on notification.webhook_deliveries (endpoint_id, ordering_key, id)
  where status = 'pending';
select eduspry.protect_tenant_table('notification.webhook_deliveries', 'notification_service');

create table notification.webhook_attempts (
  id bigint generated always as identity primary key,
  tenant_id uuid not null,
  delivery_id bigint not null references notification.webhook_deliveries (id) on delete cascade,
  attempted_at timestamptz not null default now(),
  status_code integer,
  latency_ms integer not null,
  response_excerpt text,
  error text
);
create index webhook_attempts_delivery_idx on notification.webhook_attempts (delivery_id, id);
create index webhook_attempts_tenant_id_idx on notification.webhook_attempts (tenant_id);
select eduspry.protect_tenant_table('notification.webhook_attempts', 'notification_service');

-- Beyond the tenant: a user's own settings are theirs alone; webhooks are for tenant admins.
create policy own_row on notification.recipients as restrictive for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy own_row on notification.push_subscriptions as restrictive for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy own_row on notification.channel_messages as restrictive for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy own_row on notification.digests as restrictive for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
-- Preferences: a user's own rows, and the tenant defaults (user_id null), which only admins write.
create policy own_or_tenant_default on notification.preferences as restrictive for all to authenticated
  using (user_id = (select auth.uid()) or user_id is null)
  with check (user_id = (select auth.uid()) or user_id is null);
create policy defaults_by_admins_insert on notification.preferences as restrictive for insert to authenticated
  with check (user_id is not null or (select eduspry.has_role('tenant_admin')) or (select eduspry.is_super_admin()));
create policy defaults_by_admins_update on notification.preferences as restrictive for update to authenticated
  using (user_id is not null or (select eduspry.has_role('tenant_admin')) or (select eduspry.is_super_admin()));
create policy defaults_by_admins_delete on notification.preferences as restrictive for delete to authenticated
  using (user_id is not null or (select eduspry.has_role('tenant_admin')) or (select eduspry.is_super_admin()));
do $$
declare
  target text;
begin
  foreach target in array array['webhook_endpoints', 'webhook_secrets', 'webhook_deliveries', 'webhook_attempts']
  loop
    execute format(
      'create policy tenant_admins_only on notification.%I as restrictive for all to authenticated
         using ((select eduspry.has_role(''tenant_admin'')) or (select eduspry.is_super_admin()))
         with check ((select eduspry.has_role(''tenant_admin'')) or (select eduspry.is_super_admin()))', target);
  end loop;
end
$$;

-- Wake the workers (live push, channel sender, webhook dispatcher) as soon as work commits.
create or replace function notification.notify_work() returns trigger
language plpgsql as $$
begin
  perform pg_notify('notification_work', tg_table_name);
  return null;
end
$$;
create trigger notifications_work after insert on notification.notifications
  for each statement execute function notification.notify_work();
create trigger channel_messages_work after insert on notification.channel_messages
  for each statement execute function notification.notify_work();
create trigger webhook_deliveries_work after insert or update of next_attempt_at on notification.webhook_deliveries
  for each statement execute function notification.notify_work();

grant usage on all sequences in schema notification to notification_service, authenticated;
