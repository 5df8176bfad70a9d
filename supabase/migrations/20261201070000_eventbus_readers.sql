-- The Postgres event log holds every tenant's events of every domain (emails included), so no
-- service role may read it whole. A row of eventbus.events is readable by a role only on a topic
-- one of that role's consumer groups subscribes to, or when that role published it (PostgreSQL
-- checks an INSERT … ON CONFLICT row against the SELECT policies too); a consumer group's
-- offsets belong to the role that created them. Publishing stays open to every role granted
-- INSERT (the relays).
-- Superusers and the table owner (migrations, the tenant export) are not subject to these rules.

alter table eventbus.consumer_offsets add column owner name not null default current_user;
create index consumer_offsets_owner_topic_idx on eventbus.consumer_offsets (owner, topic);

alter table eventbus.consumer_offsets enable row level security;
create policy own_groups on eventbus.consumer_offsets for all
  using (owner = current_user) with check (owner = current_user);

alter table eventbus.events add column published_by name not null default current_user;
alter table eventbus.events enable row level security;
create policy publish on eventbus.events for insert with check (published_by = current_user);
create policy read_subscribed_topics on eventbus.events for select
  using (published_by = current_user or exists (
    select 1 from eventbus.consumer_offsets o where o.owner = current_user and o.topic = events.topic
  ));
