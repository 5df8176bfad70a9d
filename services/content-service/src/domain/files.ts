import type { Readable } from 'node:stream';
import { asPlatform, withTenant } from '@eduspry/common';
import { isSuperAdmin } from '@eduspry/contracts/roles';
import { ObjectNotFound } from '@eduspry/storage';
import * as files from '../db/files.ts';
import { releaseQuota, type TenantStorage, tenantStorage, updateTenantStorage } from '../db/storage.ts';
import { problems } from '../problems.ts';
import { readableItems, requireAccess } from './access.ts';
import type { Caller, ContentContext } from './context.ts';
import { contentEvents } from './events.ts';
import { dispositionFor, type RangeAnswer, signDelivery, verifyDelivery } from './rules.ts';

/** A stored version as delivery needs it (the route streams it). */
export type { VersionRow } from '../db/files.ts';

export interface FileView {
  id: string;
  courseId: string;
  itemId: string | null;
  version: number;
  name: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: string;
}

export const viewOf = (row: files.VersionRow): FileView => ({
  id: row.fileId,
  courseId: row.courseId,
  itemId: row.itemId,
  version: row.version,
  name: row.originalName,
  mediaType: row.mediaType,
  sizeBytes: row.sizeBytes,
  sha256: row.sha256,
  uploadedBy: row.uploadedBy,
  uploadedAt: (row.readyAt ?? row.createdAt).toISOString(),
});

/**
 * A ready version the caller may read. RLS hides other tenants' files; CheckAccess hides files
 * of items the caller may not see; both answer the same 404, so nothing leaks their existence.
 */
export async function readableVersion(
  ctx: ContentContext,
  caller: Caller,
  fileId: string,
  version?: number,
): Promise<files.VersionRow> {
  const row = await withTenant(ctx.sql, caller.claims, (tx) => files.findReadyVersion(tx, fileId, version));
  if (!row) throw problems.create('file-not-found', 'No such file');
  await requireAccess(ctx, caller, 'file:read', { courseId: row.courseId, itemId: row.itemId });
  return row;
}

export async function getFile(ctx: ContentContext, caller: Caller, fileId: string) {
  const row = await readableVersion(ctx, caller, fileId);
  const versions = await withTenant(ctx.sql, caller.claims, (tx) => files.listReadyVersions(tx, fileId));
  return {
    ...viewOf(row),
    versions: versions.map((v) => ({
      version: v.version,
      sizeBytes: v.sizeBytes,
      sha256: v.sha256,
      uploadedAt: viewOf(v).uploadedAt,
    })),
  };
}

/** A course's files (one item's, or several items' at once: the gateway batches per course). */
export async function listFiles(
  ctx: ContentContext,
  caller: Caller,
  courseId: string,
  itemIds?: string[],
): Promise<FileView[]> {
  const rows = await withTenant(ctx.sql, caller.claims, (tx) => files.listCourseFiles(tx, courseId, itemIds));
  const byItem = Map.groupBy(rows, (row) => row.itemId);
  // One access question per item (cached), all of them over one stream, not one call per file.
  const readable = await readableItems(ctx, caller, courseId, [...byItem.keys()]);
  return [...byItem]
    .filter(([itemId]) => readable.has(itemId))
    .flatMap(([, itemRows]) => itemRows.map(viewOf));
}

/**
 * Puts a file on no item onto an item of its course (staff of that item). A file for a new
 * item is uploaded before the item exists (course-service needs the fileId to create it), then
 * attached: from then on the item's lock and visibility decide who reads it, and deleting the
 * item deletes it. A file already on an item stays there (409): moving content between items
 * is a new upload, so an item's file never changes under a student's feet.
 */
export async function attachToItem(ctx: ContentContext, caller: Caller, fileId: string, itemId: string) {
  const { claims } = caller;
  const head = await withTenant(ctx.sql, claims, (tx) => files.findFileForUpdate(tx, fileId));
  if (!head || head.status === 'deleted') throw problems.create('file-not-found', 'No such file');
  await requireAccess(ctx, caller, 'file:manage', { courseId: head.courseId, itemId });
  return withTenant(ctx.sql, claims, async (tx) => {
    const locked = await files.findFileForUpdate(tx, fileId);
    if (!locked || locked.status === 'deleted') throw problems.create('file-not-found', 'No such file');
    if (locked.itemId === itemId) return { fileId, itemId };
    if (locked.itemId !== null)
      throw problems.create('conflict', `The file is already on item ${locked.itemId}`, {
        itemId: locked.itemId,
      });
    await files.setFileItem(tx, fileId, itemId);
    return { fileId, itemId };
  });
}

/** Deletes a whole file (every version) or one old version; frees its bytes from the quota. */
export async function deleteFile(ctx: ContentContext, caller: Caller, fileId: string, version?: number) {
  const { claims } = caller;
  const tenantId = claims.app_metadata.tenant_id;
  const head = await withTenant(ctx.sql, claims, (tx) => files.findFileForUpdate(tx, fileId));
  if (head?.status !== 'ready') throw problems.create('file-not-found', 'No such file');
  await requireAccess(ctx, caller, 'file:manage', { courseId: head.courseId, itemId: head.itemId });
  const released = await withTenant(ctx.sql, claims, async (tx) => {
    const locked = await files.findFileForUpdate(tx, fileId);
    if (locked?.status !== 'ready') throw problems.create('file-not-found', 'No such file');
    let gone: { version: number; sizeBytes: number; storageKey: string }[];
    if (version === undefined) gone = await files.markFileDeleted(tx, fileId);
    else {
      if (version === locked.currentVersion)
        throw problems.create(
          'conflict',
          'The current version is deleted with the file (DELETE /files/{id})',
        );
      const one = await files.markVersionDeleted(tx, fileId, version);
      if (!one) throw problems.create('file-not-found', `No version ${version} of this file`);
      gone = [{ version, ...one }];
    }
    const releasedBytes = gone.reduce((sum, v) => sum + v.sizeBytes, 0);
    await releaseQuota(tx, tenantId, releasedBytes);
    await contentEvents.fileDeleted(tx, tenantId, {
      fileId,
      courseId: locked.courseId,
      itemId: locked.itemId,
      version: version ?? null,
      releasedBytes,
      deletedBy: claims.sub,
      deletedAt: new Date().toISOString(),
      trigger: 'request',
    });
    return gone;
  });
  // The rows say deleted (committed) before bytes go: a failed removal is retried by the sweeper.
  await removeObjects(
    ctx,
    released.map(({ version, storageKey }) => ({ fileId, version, storageKey })),
  );
  return { releasedBytes: released.reduce((sum, v) => sum + v.sizeBytes, 0) };
}

/**
 * Removes deleted versions' objects from storage and records each one removed; one that fails
 * stays unremoved (logged) for `removeDeletedObjects` to retry. Answers how many went.
 */
async function removeObjects(ctx: ContentContext, objects: files.UnremovedObject[]): Promise<number> {
  const removed: files.UnremovedObject[] = [];
  for (const object of objects) {
    try {
      await ctx.storage.delete(object.storageKey);
      removed.push(object);
    } catch (error) {
      ctx.log.warn(
        { err: error, storageKey: object.storageKey },
        'could not remove a deleted version from storage: the sweeper retries',
      );
    }
  }
  if (removed.length)
    await asPlatform(ctx.sql, 'record removed objects', ctx.log, (tx) =>
      files.markObjectsRemoved(tx, removed),
    );
  return removed.length;
}

/**
 * The objects of deleted versions still in storage: those of files deleted with their course
 * item (removed once that deletion commits) and any earlier removal that failed. Run after each
 * such deletion and by the sweeper; removing an object twice is harmless.
 */
export async function removeDeletedObjects(ctx: ContentContext, limit = 500): Promise<number> {
  const pending = await asPlatform(ctx.sql, 'remove deleted objects', ctx.log, (tx) =>
    files.unremovedObjects(tx, limit),
  );
  return pending.length ? removeObjects(ctx, pending) : 0;
}

/** A URL that fetches the file without a token for a short time. */
export async function signedUrl(
  ctx: ContentContext,
  caller: Caller,
  fileId: string,
  options: { version?: number; download?: boolean } = {},
): Promise<{ url: string; expiresAt: string; version: number }> {
  return signRow(ctx, await readableVersion(ctx, caller, fileId, options.version), options);
}

async function signRow(
  ctx: ContentContext,
  row: files.VersionRow,
  options: { download?: boolean | undefined },
): Promise<{ url: string; expiresAt: string; version: number }> {
  const expires = Math.floor(Date.now() / 1000) + ctx.signedUrlTtlSeconds;
  const expiresAt = new Date(expires * 1000).toISOString();
  if (ctx.storage.presigns) {
    const url = await ctx.storage.presignedGetUrl(row.storageKey, {
      expiresInSeconds: ctx.signedUrlTtlSeconds,
      contentDisposition: dispositionFor(row.mediaType, row.originalName, options.download),
      contentType: row.mediaType,
    });
    if (url) return { url, expiresAt, version: row.version };
  }
  const target = { tenantId: row.tenantId, fileId: row.fileId, version: row.version, expires };
  const query = new URLSearchParams({
    expires: String(expires),
    signature: signDelivery(ctx.signingSecret, target),
    ...(options.download ? { download: '1' } : {}),
  });
  return {
    url: `${ctx.publicUrl}/signed/${row.tenantId}/${row.fileId}/${row.version}?${query}`,
    expiresAt,
    version: row.version,
  };
}

/**
 * Many files at once with a signed URL each (the gateway's batch for a page of file items): the
 * ones the caller may not open (another tenant's, hidden, locked, deleted) are left out rather
 * than failing the others; a course-service that does not answer still fails the whole call.
 * One lookup for all of them, and one access stream per course (readableItems), as listFiles.
 */
export async function signedFiles(
  ctx: ContentContext,
  caller: Caller,
  fileIds: string[],
  options: { download?: boolean } = {},
): Promise<(FileView & { url: string; expiresAt: string })[]> {
  const rows = await withTenant(ctx.sql, caller.claims, (tx) =>
    files.findReadyVersions(tx, [...new Set(fileIds)]),
  );
  const open: files.VersionRow[] = [];
  for (const [courseId, courseRows] of Map.groupBy(rows, (row) => row.courseId)) {
    const readable = await readableItems(ctx, caller, courseId, [
      ...new Set(courseRows.map((r) => r.itemId)),
    ]);
    open.push(...courseRows.filter((row) => readable.has(row.itemId)));
  }
  return Promise.all(open.map(async (row) => ({ ...viewOf(row), ...(await signRow(ctx, row, options)) })));
}

/**
 * The version a signed URL names, if its signature holds: HMAC over tenant, file, version and
 * expiry, so another tenant's id, another version or a later expiry do not verify. The lookup is
 * confined to the signed tenant.
 */
export async function signedVersion(
  ctx: ContentContext,
  target: { tenantId: string; fileId: string; version: number; expires: number },
  signature: string,
): Promise<files.VersionRow> {
  const verdict = verifyDelivery(ctx.signingSecret, target, signature);
  if (verdict !== 'valid')
    throw problems.create(
      'invalid-signature',
      verdict === 'expired' ? 'This link has expired' : 'This link is not valid',
    );
  const row = await asPlatform(ctx.sql, 'signed delivery', quiet, (tx) =>
    files.findReadyVersionOfTenant(tx, target.tenantId, target.fileId, target.version),
  );
  if (!row) throw problems.create('file-not-found', 'No such file');
  return row;
}

/** Signed GETs are the hot path: one line per request is the access log's job, not asPlatform's. */
const quiet = { info: () => {} };

export async function openBytes(
  ctx: ContentContext,
  row: files.VersionRow,
  range: RangeAnswer,
): Promise<Readable> {
  try {
    return await ctx.storage.get(
      row.storageKey,
      range.kind === 'partial' ? { start: range.start, end: range.end } : undefined,
    );
  } catch (error) {
    // Deleted a moment ago: the row said ready, the bytes are already gone.
    if (error instanceof ObjectNotFound) throw problems.create('file-not-found', 'No such file');
    throw error;
  }
}

/**
 * A district's storage: the caller's own tenant, or (`tenantId`, the super_admin only) any tenant's,
 * for the platform's tenants page.
 */
export async function storageSettings(
  ctx: ContentContext,
  caller: Caller,
  tenantId = caller.claims.app_metadata.tenant_id,
): Promise<TenantStorage> {
  await requireAccess(ctx, caller, 'storage:administer', { tenantId });
  return withTenant(ctx.sql, caller.claims, (tx) => tenantStorage(tx, tenantId, ctx.defaults));
}

export async function changeStorageSettings(
  ctx: ContentContext,
  caller: Caller,
  fields: Partial<Pick<TenantStorage, 'quotaBytes' | 'maxFileBytes' | 'allowedMediaTypes'>>,
  tenantId = caller.claims.app_metadata.tenant_id,
): Promise<TenantStorage> {
  await requireAccess(ctx, caller, 'storage:administer', { tenantId });
  // A district's admin tunes its limits; only the platform grants it more space.
  if (fields.quotaBytes !== undefined && !isSuperAdmin(caller.claims))
    throw problems.create('forbidden', 'Only a super_admin changes a storage quota');
  return withTenant(ctx.sql, caller.claims, async (tx) => {
    await tenantStorage(tx, tenantId, ctx.defaults);
    return updateTenantStorage(tx, tenantId, fields);
  });
}
