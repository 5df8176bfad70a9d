-- content: which deleted versions still have bytes in the storage provider. A deletion commits
-- the rows (deleted, quota released, file_deleted in the outbox) first and removes the objects
-- after; a removal that fails (the provider is down, the process dies) leaves removed_at null,
-- and the sweeper removes those objects later. Nothing is charged for them meanwhile.

alter table content.file_versions add column removed_at timestamptz;

-- Versions deleted before this migration: their removal was tried once, failures were only
-- logged. Left null, the sweeper tries them again (removing a missing object is no error).
create index file_versions_unremoved_idx on content.file_versions (created_at)
  where status = 'deleted' and removed_at is null;
