-- The dispatcher claims endpoint by endpoint (webhook_deliveries_endpoint_due_idx); no query reads
-- the global due index, and every delivery paid for it twice (queued, completed).
drop index notification.webhook_deliveries_due_idx;
-- Room on each page for a claim's update (the lease and the attempt count, no indexed column) to
-- be a heap-only tuple: a claim then writes no index entries.
alter table notification.webhook_deliveries set (fillfactor = 80);
