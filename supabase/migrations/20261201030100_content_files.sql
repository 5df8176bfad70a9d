-- content: owned by content-service. Course files, their versions, and each tenant's storage
-- quota. Bytes live in the storage provider (local / S3 / Supabase Storage) under keys the
-- service derives from ids (<tenant>/<course>/<file>/v<n>); these tables say what exists.

-- One row per tenant, created on first use. used_bytes counts every `ready` version; it only
-- ever changes through one conditional UPDATE, so concurrent uploads cannot overshoot quota.
create table content.tenant_storage (
  tenant_id uuid primary key,
  quota_bytes bigint not null check (quota_bytes >= 0),
  used_bytes bigint not null default 0 check (used_bytes >= 0),
  max_file_bytes bigint not null check (max_file_bytes > 0),
  allowed_media_types text[] not null,
  updated_at timestamptz not null default now()
);
select eduspry.protect_tenant_table('content.tenant_storage', 'content_service');

create table content.files (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  course_id uuid not null,
  item_id uuid,
  uploaded_by uuid not null,
  status text not null default 'uploading' check (status in ('uploading', 'ready', 'deleted')),
  -- The version readers get; 0 until the first upload completes.
  current_version integer not null default 0 check (current_version >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index files_tenant_id_idx on content.files (tenant_id);
create index files_course_item_idx on content.files (tenant_id, course_id, item_id) where status = 'ready';
select eduspry.protect_tenant_table('content.files', 'content_service');

-- A re-upload adds a version; the old one stays (and stays charged) until it is deleted.
create table content.file_versions (
  tenant_id uuid not null,
  file_id uuid not null references content.files (id) on delete cascade,
  version integer not null check (version > 0),
  status text not null default 'uploading' check (status in ('uploading', 'ready', 'deleted')),
  -- Sanitised: no path separators, no control bytes, at most 255 characters. Never a path.
  original_name text not null check (length(original_name) between 1 and 255),
  media_type text,
  size_bytes bigint check (size_bytes >= 0),
  sha256 text check (sha256 ~ '^[0-9a-f]{64}$'),
  storage_key text not null,
  uploaded_by uuid not null,
  -- A resumable (tus) upload's id while it is in flight.
  upload_id text,
  created_at timestamptz not null default now(),
  ready_at timestamptz,
  primary key (file_id, version)
);
create index file_versions_tenant_id_idx on content.file_versions (tenant_id);
create index file_versions_uploading_idx on content.file_versions (created_at) where status = 'uploading';
create unique index file_versions_upload_id_idx on content.file_versions (upload_id) where upload_id is not null;
select eduspry.protect_tenant_table('content.file_versions', 'content_service');
