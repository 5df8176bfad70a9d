-- Bulk rosters sent with an Idempotency-Key (the incoming-webhooks function sends each SIS
-- delivery's webhook-id): the key and the answer it got, so a delivery retried or redelivered to
-- another function instance is answered again, never applied twice. Rows older than 30 days are
-- removed by the next roster of the tenant (a SIS retries for hours, not weeks).
create table course.roster_deliveries (
  tenant_id uuid not null,
  idempotency_key text not null check (length(idempotency_key) between 1 and 200),
  result jsonb,
  received_at timestamptz not null default now(),
  primary key (tenant_id, idempotency_key)
);
select eduspry.protect_tenant_table('course.roster_deliveries', 'course_service');
