-- The log-events edge function on Supabase writes with the service-role key through PostgREST
-- (the tenant check happens in the function). It may insert lines and create day partitions,
-- nothing more: no reads, no retention.
grant usage on schema logging to service_role;
grant insert on logging.log_entries to service_role;
grant usage on sequence logging.log_entries_id_seq to service_role;
grant execute on function logging.ensure_day_partitions(date, date) to service_role;
