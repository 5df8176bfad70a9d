import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { asPlatform, HttpProblem, withTenant } from '@eduspry/common';
import { objectKey } from '@eduspry/storage';
import { fileTypeFromBuffer } from 'file-type';
import * as files from '../db/files.ts';
import { chargeQuota, type TenantStorage, tenantStorage } from '../db/storage.ts';
import { problems } from '../problems.ts';
import { requireAccess } from './access.ts';
import type { Caller, ContentContext } from './context.ts';
import { contentEvents } from './events.ts';
import { sanitizeFileName, sniffTextType } from './rules.ts';

/** Enough bytes for file-type's magic numbers and for telling HTML and SVG from plain text. */
const SAMPLE_BYTES = 4100;

export interface UploadInput {
  /** A new file in this course (and item) … */
  courseId?: string;
  itemId?: string | null;
  /** … or a new version of this file. */
  fileId?: string;
  /** The client's name for it: display text only, sanitised, never part of a key. */
  name: string | undefined;
  body: Readable;
  /** Content-Length / Upload-Length when the client declared one: refused early when too big. */
  declaredSize?: number | undefined;
}

export interface UploadedFile {
  id: string;
  version: number;
  courseId: string;
  itemId: string | null;
  name: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
}

/** Refuses early what could never fit: bigger than the file limit or the free quota. */
export function precheckSize(storage: TenantStorage, declaredSize: number | undefined): void {
  const free = storage.quotaBytes - storage.usedBytes;
  if (declaredSize !== undefined && declaredSize > storage.maxFileBytes)
    throw problems.create('file-too-large', `Files may be at most ${storage.maxFileBytes} bytes`, {
      maxFileBytes: storage.maxFileBytes,
    });
  if (free <= 0 || (declaredSize !== undefined && declaredSize > free))
    throw problems.create('quota-exceeded', 'The storage quota of this district is used up', {
      quotaBytes: storage.quotaBytes,
      usedBytes: storage.usedBytes,
    });
}

/** Where an upload goes and under what limits: checked before a single byte is stored. */
export async function prepareUpload(
  ctx: ContentContext,
  caller: Caller,
  input: Pick<UploadInput, 'courseId' | 'itemId' | 'fileId' | 'declaredSize'>,
): Promise<{ courseId: string; itemId: string | null; fileId?: string; storage: TenantStorage }> {
  const tenantId = caller.claims.app_metadata.tenant_id;
  let courseId = input.courseId;
  let itemId = input.itemId ?? null;
  if (input.fileId) {
    const existing = await withTenant(ctx.sql, caller.claims, (tx) =>
      files.findFileForUpdate(tx, input.fileId!),
    );
    if (!existing) throw problems.create('file-not-found', 'No such file');
    // Staff-only, but hide a file of a course the caller cannot see at all.
    courseId = existing.courseId;
    itemId = existing.itemId;
  }
  await requireAccess(ctx, caller, 'file:manage', { courseId: courseId!, itemId });
  const storage = await withTenant(ctx.sql, caller.claims, (tx) => tenantStorage(tx, tenantId, ctx.defaults));
  precheckSize(storage, input.declaredSize);
  return { courseId: courseId!, itemId, ...(input.fileId ? { fileId: input.fileId } : {}), storage };
}

/** The next chunk of a client's upload; a broken or malformed body is the client's problem (400), not ours. */
async function nextChunk(iterator: AsyncIterator<unknown>): Promise<Buffer | null> {
  let next: IteratorResult<unknown>;
  try {
    next = await iterator.next();
  } catch (error) {
    if (error instanceof HttpProblem) throw error;
    throw problems.create('upload-incomplete', `The upload broke off: ${(error as Error).message}`);
  }
  if (next.done) return null;
  // Streams of bytes yield Buffers (sockets, files, busboy); a bare Uint8Array is viewed, not copied.
  const chunk = next.value as Uint8Array;
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** Reads the first bytes of `body`, for type detection, without losing them. */
async function peek(
  iterator: AsyncIterator<unknown>,
  bytes: number,
): Promise<{ sample: Buffer; ended: boolean }> {
  const head: Buffer[] = [];
  let length = 0;
  while (length < bytes) {
    const chunk = await nextChunk(iterator);
    if (!chunk) return { sample: Buffer.concat(head), ended: true };
    head.push(chunk);
    length += chunk.length;
  }
  return { sample: Buffer.concat(head), ended: false };
}

/**
 * The upload as the stream storage reads: the peeked sample, then the rest, hashed and counted
 * on the way; it fails (and so does the storage write) the moment it passes `limit`.
 */
function metered(
  iterator: AsyncIterator<unknown>,
  peeked: { sample: Buffer; ended: boolean },
  limit: number,
  overLimit: () => Error,
) {
  const hash = createHash('sha256');
  let size = 0;
  const account = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) throw overLimit();
    hash.update(chunk);
    return chunk;
  };
  const stream = Readable.from(
    (async function* () {
      if (peeked.sample.length) yield account(peeked.sample);
      if (peeked.ended) return;
      for (;;) {
        const chunk = await nextChunk(iterator);
        if (!chunk) return;
        yield account(chunk);
      }
    })(),
    { objectMode: false },
  );
  return { stream, size: () => size, sha256: () => hash.digest('hex') };
}

/** file-type reads magic numbers; text (HTML, SVG, plain) has none, and XML may be SVG. */
async function detectMediaType(sample: Buffer): Promise<string> {
  const magic = (await fileTypeFromBuffer(sample))?.mime;
  if (magic && magic !== 'application/xml' && magic !== 'text/xml') return magic;
  const text = sniffTextType(sample);
  if (magic && text !== 'image/svg+xml') return magic;
  return text ?? 'application/octet-stream';
}

/**
 * Stores one upload, streaming: media type from the first bytes (file-type, then a text sniff
 * for HTML/SVG/plain text) against the tenant's allow-list, SHA-256 and size while the bytes
 * flow to the storage provider, refused the moment it passes the file limit or the free quota.
 * The version is `uploading` (invisible) until the quota is charged in one conditional UPDATE
 * and the event is written, all in one transaction; any failure removes the object and rows.
 */
export async function storeUpload(
  ctx: ContentContext,
  caller: Caller,
  input: UploadInput,
): Promise<UploadedFile> {
  const target = await prepareUpload(ctx, caller, input);
  const { claims } = caller;
  const tenantId = claims.app_metadata.tenant_id;
  const iterator = input.body[Symbol.asyncIterator]();
  const peeked = await peek(iterator, SAMPLE_BYTES);
  const detected = await detectMediaType(peeked.sample);
  if (!target.storage.allowedMediaTypes.includes(detected)) {
    input.body.resume();
    throw problems.create('media-type-not-allowed', `Files of type ${detected} are not accepted here`, {
      mediaType: detected,
    });
  }
  const name = sanitizeFileName(input.name);
  const fileId = target.fileId ?? randomUUID();
  const { version, storageKey } = await withTenant(ctx.sql, claims, async (tx) => {
    if (target.fileId) {
      if (!(await files.findFileForUpdate(tx, fileId)))
        throw problems.create('file-not-found', 'No such file');
    } else {
      await files.insertFile(tx, {
        id: fileId,
        tenantId,
        courseId: target.courseId,
        itemId: target.itemId,
        uploadedBy: claims.sub,
      });
    }
    const version = await files.nextVersion(tx, fileId);
    const storageKey = objectKey({ tenantId, courseId: target.courseId, fileId, version });
    await files.insertVersion(tx, {
      tenantId,
      fileId,
      version,
      originalName: name,
      storageKey,
      uploadedBy: claims.sub,
    });
    return { version, storageKey };
  });

  const free = target.storage.quotaBytes - target.storage.usedBytes;
  const limit = Math.min(target.storage.maxFileBytes, free);
  const upload = metered(iterator, peeked, limit, () =>
    limit === target.storage.maxFileBytes
      ? problems.create('file-too-large', `Files may be at most ${limit} bytes`, { maxFileBytes: limit })
      : problems.create('quota-exceeded', 'The storage quota of this district is used up'),
  );
  const discard = async () => {
    await ctx.storage
      .delete(storageKey)
      .catch((error: Error) =>
        ctx.log.warn({ err: error, storageKey }, 'could not remove the object of a failed upload'),
      );
    await withTenant(ctx.sql, claims, (tx) => files.discardUploadingVersion(tx, fileId, version));
  };
  try {
    await ctx.storage.put(storageKey, upload.stream, { contentType: detected });
    // A client that dropped the connection mid-file ends the stream early: not a file.
    if ((input.body as Readable & { truncated?: boolean }).truncated)
      throw problems.create('file-too-large', 'The upload passed the size limit');
    const sizeBytes = upload.size();
    const sha256 = upload.sha256();
    const uploaded = await withTenant(ctx.sql, claims, async (tx) => {
      if (!(await chargeQuota(tx, tenantId, sizeBytes)))
        throw problems.create('quota-exceeded', 'The storage quota of this district is used up');
      const readyAt = await files.markVersionReady(tx, fileId, version, {
        mediaType: detected,
        sizeBytes,
        sha256,
      });
      // Its course item was deleted mid-upload (and the file with it): rolled back, nothing charged.
      if (!readyAt) throw problems.create('file-not-found', 'The file was deleted while it was uploading');
      await contentEvents.fileUploaded(tx, tenantId, {
        fileId,
        version,
        courseId: target.courseId,
        itemId: target.itemId,
        uploadedBy: claims.sub,
        name,
        mediaType: detected,
        sizeBytes,
        sha256,
        uploadedAt: readyAt.toISOString(),
      });
      return { sizeBytes, sha256 };
    });
    return {
      id: fileId,
      version,
      courseId: target.courseId,
      itemId: target.itemId,
      name,
      mediaType: detected,
      ...uploaded,
    };
  } catch (error) {
    // Let the rest of the request body drain so the client reads our answer.
    input.body.resume();
    await discard();
    throw error;
  }
}

/**
 * Removes uploads that never completed (the process died mid-upload, a client vanished):
 * their objects and `uploading` rows. Nothing of theirs was ever charged or visible.
 */
export async function sweepStaleUploads(ctx: ContentContext, olderThanSeconds: number): Promise<number> {
  const before = new Date(Date.now() - olderThanSeconds * 1000);
  const stale = await asPlatform(ctx.sql, 'sweep stale uploads', ctx.log, (tx) =>
    files.staleUploadingVersions(tx, before),
  );
  for (const upload of stale) {
    await ctx.storage.delete(upload.storageKey);
    await asPlatform(ctx.sql, 'sweep stale uploads', ctx.log, (tx) =>
      files.discardUploadingVersion(tx, upload.fileId, upload.version),
    );
  }
  return stale.length;
}
