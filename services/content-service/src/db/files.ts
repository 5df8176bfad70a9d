// SQL for content.files and content.file_versions: nothing else touches these tables.
import type { Tx } from '@eduspry/common';

export type FileStatus = 'uploading' | 'ready' | 'deleted';

export interface VersionRow {
  tenantId: string;
  fileId: string;
  courseId: string;
  itemId: string | null;
  version: number;
  currentVersion: number;
  status: FileStatus;
  originalName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  storageKey: string;
  uploadedBy: string;
  createdAt: Date;
  readyAt: Date | null;
}

const VERSION_COLUMNS = (tx: Tx) => tx`
  v.tenant_id as "tenantId", v.file_id as "fileId", f.course_id as "courseId", f.item_id as "itemId",
  v.version, f.current_version as "currentVersion", v.status, v.original_name as "originalName",
  coalesce(v.media_type, 'application/octet-stream') as "mediaType", coalesce(v.size_bytes, 0)::float8 as "sizeBytes",
  coalesce(v.sha256, '') as sha256, v.storage_key as "storageKey", v.uploaded_by as "uploadedBy",
  v.created_at as "createdAt", v.ready_at as "readyAt"`;

/** The ready version readers get (the current one unless `version` names another ready one). */
export async function findReadyVersion(tx: Tx, fileId: string, version?: number): Promise<VersionRow | null> {
  const [row] = await tx<VersionRow[]>`
    select ${VERSION_COLUMNS(tx)}
    from content.files f join content.file_versions v on v.file_id = f.id
    where f.id = ${fileId} and f.status = 'ready' and v.status = 'ready'
      and v.version = ${version ?? tx`f.current_version`}`;
  return row ?? null;
}

/** The current ready version of each of several files (those that are there), in one statement. */
export async function findReadyVersions(tx: Tx, fileIds: string[]): Promise<VersionRow[]> {
  return tx<VersionRow[]>`
    select ${VERSION_COLUMNS(tx)}
    from content.files f join content.file_versions v on v.file_id = f.id and v.version = f.current_version
    where f.id = any(${fileIds}::uuid[]) and f.status = 'ready' and v.status = 'ready'
    order by f.id`;
}

/** Same, for a signed URL: the tenant comes from the verified signature, not from claims. */
export async function findReadyVersionOfTenant(
  tx: Tx,
  tenantId: string,
  fileId: string,
  version: number,
): Promise<VersionRow | null> {
  const [row] = await tx<VersionRow[]>`
    select ${VERSION_COLUMNS(tx)}
    from content.files f join content.file_versions v on v.file_id = f.id
    where f.tenant_id = ${tenantId} and v.tenant_id = ${tenantId} and f.id = ${fileId}
      and v.version = ${version} and f.status = 'ready' and v.status = 'ready'`;
  return row ?? null;
}

export async function listReadyVersions(tx: Tx, fileId: string): Promise<VersionRow[]> {
  return tx<VersionRow[]>`
    select ${VERSION_COLUMNS(tx)}
    from content.files f join content.file_versions v on v.file_id = f.id
    where f.id = ${fileId} and f.status = 'ready' and v.status = 'ready' order by v.version`;
}

/** The current version of every ready file of a course (one item's, or several items' at once). */
export async function listCourseFiles(
  tx: Tx,
  courseId: string,
  itemIds?: string[] | undefined,
): Promise<VersionRow[]> {
  return tx<VersionRow[]>`
    select ${VERSION_COLUMNS(tx)}
    from content.files f join content.file_versions v on v.file_id = f.id and v.version = f.current_version
    where f.course_id = ${courseId} and f.status = 'ready'
      ${itemIds ? tx`and f.item_id = any(${itemIds}::uuid[])` : tx``}
    order by v.ready_at, f.id`;
}

export interface FileHead {
  id: string;
  tenantId: string;
  courseId: string;
  itemId: string | null;
  status: FileStatus;
  currentVersion: number;
}

export async function findFileForUpdate(tx: Tx, fileId: string): Promise<FileHead | null> {
  const [row] = await tx<FileHead[]>`
    select id, tenant_id as "tenantId", course_id as "courseId", item_id as "itemId", status,
           current_version as "currentVersion"
    from content.files where id = ${fileId} and status <> 'deleted' for update`;
  return row ?? null;
}

export async function insertFile(
  tx: Tx,
  file: { id: string; tenantId: string; courseId: string; itemId: string | null; uploadedBy: string },
): Promise<void> {
  await tx`
    insert into content.files (id, tenant_id, course_id, item_id, uploaded_by)
    values (${file.id}, ${file.tenantId}, ${file.courseId}, ${file.itemId}, ${file.uploadedBy})`;
}

/** The next version number of a file whose row the caller holds locked. */
export async function nextVersion(tx: Tx, fileId: string): Promise<number> {
  const [row] = await tx<{ next: number }[]>`
    select coalesce(max(version), 0) + 1 as next from content.file_versions where file_id = ${fileId}`;
  return row!.next;
}

export async function insertVersion(
  tx: Tx,
  version: {
    tenantId: string;
    fileId: string;
    version: number;
    originalName: string;
    storageKey: string;
    uploadedBy: string;
  },
): Promise<void> {
  await tx`
    insert into content.file_versions (tenant_id, file_id, version, original_name, storage_key, uploaded_by)
    values (${version.tenantId}, ${version.fileId}, ${version.version}, ${version.originalName},
            ${version.storageKey}, ${version.uploadedBy})`;
}

/** Null when the version is no longer `uploading` (deleted meanwhile, with its item): nothing changes. */
export async function markVersionReady(
  tx: Tx,
  fileId: string,
  version: number,
  fields: { mediaType: string; sizeBytes: number; sha256: string },
): Promise<Date | null> {
  const [row] = await tx<{ readyAt: Date }[]>`
    update content.file_versions
    set status = 'ready', media_type = ${fields.mediaType}, size_bytes = ${fields.sizeBytes},
        sha256 = ${fields.sha256}, ready_at = now(), upload_id = null
    where file_id = ${fileId} and version = ${version} and status = 'uploading'
    returning ready_at as "readyAt"`;
  if (!row) return null;
  await tx`
    update content.files set status = 'ready', current_version = ${version}, updated_at = now()
    where id = ${fileId}`;
  return row.readyAt;
}

/** Removes an upload that did not complete: its version row, and the file if nothing else of it exists. */
export async function discardUploadingVersion(tx: Tx, fileId: string, version: number): Promise<void> {
  await tx`delete from content.file_versions where file_id = ${fileId} and version = ${version} and status = 'uploading'`;
  await tx`
    delete from content.files f where f.id = ${fileId} and f.status = 'uploading'
      and not exists (select 1 from content.file_versions v where v.file_id = f.id)`;
}

/** Marks the whole file deleted; answers the versions that were ready (their bytes are released). */
export async function markFileDeleted(
  tx: Tx,
  fileId: string,
): Promise<{ version: number; sizeBytes: number; storageKey: string }[]> {
  const released = await tx<{ version: number; sizeBytes: number; storageKey: string }[]>`
    update content.file_versions set status = 'deleted'
    where file_id = ${fileId} and status = 'ready'
    returning version, size_bytes::float8 as "sizeBytes", storage_key as "storageKey"`;
  await tx`update content.files set status = 'deleted', updated_at = now() where id = ${fileId}`;
  return released;
}

export async function markVersionDeleted(
  tx: Tx,
  fileId: string,
  version: number,
): Promise<{ sizeBytes: number; storageKey: string } | null> {
  const [row] = await tx<{ sizeBytes: number; storageKey: string }[]>`
    update content.file_versions set status = 'deleted'
    where file_id = ${fileId} and version = ${version} and status = 'ready'
    returning size_bytes::float8 as "sizeBytes", storage_key as "storageKey"`;
  return row ?? null;
}

/** Uploads that began before `before` and never completed (a crash, a dropped connection). */
export async function staleUploadingVersions(
  tx: Tx,
  before: Date,
): Promise<{ tenantId: string; fileId: string; version: number; storageKey: string }[]> {
  return tx`
    select tenant_id as "tenantId", file_id as "fileId", version, storage_key as "storageKey"
    from content.file_versions where status = 'uploading' and created_at < ${before}
    order by created_at limit 500`;
}

export interface RemovedFile {
  fileId: string;
  /** Bytes of its versions that were `ready`: what the tenant's usage gives back. */
  releasedBytes: number;
}

/**
 * Marks every file of a course item in the tenant deleted, all their versions with them (an
 * upload still in flight too: it cannot complete any more), and answers each file with the bytes
 * its ready versions held. Files already deleted are not answered again: a repeat changes nothing.
 * Scoped by tenant explicitly, since the consumer runs as the service's role (no claims).
 */
export async function markItemFilesDeleted(
  tx: Tx,
  item: { tenantId: string; courseId: string; itemId: string },
): Promise<RemovedFile[]> {
  const files = await tx<{ id: string }[]>`
    select id from content.files
    where tenant_id = ${item.tenantId} and course_id = ${item.courseId} and item_id = ${item.itemId}
      and status <> 'deleted'
    order by created_at, id
    for update`;
  if (!files.length) return [];
  const ids = files.map((file) => file.id);
  const versions = await tx<{ fileId: string; releasedBytes: number }[]>`
    with gone as (
      select file_id, version, status, coalesce(size_bytes, 0) as size_bytes from content.file_versions
      where tenant_id = ${item.tenantId} and file_id = any(${ids}::uuid[]) and status <> 'deleted'
      for update
    ), marked as (
      update content.file_versions v set status = 'deleted'
      from gone where v.file_id = gone.file_id and v.version = gone.version
      returning gone.file_id, gone.status, gone.size_bytes
    )
    select file_id as "fileId", (sum(size_bytes) filter (where status = 'ready'))::float8 as "releasedBytes"
    from marked group by file_id`;
  await tx`
    update content.files set status = 'deleted', updated_at = now()
    where tenant_id = ${item.tenantId} and id = any(${ids}::uuid[])`;
  const released = new Map(versions.map((v) => [v.fileId, v.releasedBytes ?? 0]));
  return ids.map((fileId) => ({ fileId, releasedBytes: released.get(fileId) ?? 0 }));
}

export interface UnremovedObject {
  fileId: string;
  version: number;
  storageKey: string;
}

/** Deleted versions whose object may still be in storage (a removal failed or has not run yet). */
export async function unremovedObjects(tx: Tx, limit = 500): Promise<UnremovedObject[]> {
  return tx<UnremovedObject[]>`
    select file_id as "fileId", version, storage_key as "storageKey" from content.file_versions
    where status = 'deleted' and removed_at is null
    order by created_at limit ${limit}`;
}

/** Records that these deleted versions' objects are gone from storage. */
export async function markObjectsRemoved(
  tx: Tx,
  removed: { fileId: string; version: number }[],
): Promise<void> {
  if (!removed.length) return;
  await tx`
    update content.file_versions v set removed_at = now()
    from unnest(${removed.map((r) => r.fileId)}::uuid[], ${removed.map((r) => r.version)}::int[]) as r(file_id, version)
    where v.file_id = r.file_id and v.version = r.version and v.status = 'deleted'`;
}

/** Postgres delivers a NOTIFY only when its transaction commits: deleted objects await removal. */
export const OBJECTS_DELETED_CHANNEL = 'content_objects_deleted';

export async function announceDeletedObjects(tx: Tx): Promise<void> {
  await tx`select pg_notify(${OBJECTS_DELETED_CHANNEL}, '')`;
}

/** Puts a file on an item (attachToItem checked it was on none). */
export async function setFileItem(tx: Tx, fileId: string, itemId: string): Promise<void> {
  await tx`update content.files set item_id = ${itemId}, updated_at = now() where id = ${fileId} and item_id is null`;
}
