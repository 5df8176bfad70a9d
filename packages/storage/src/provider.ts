import type { Readable } from 'node:stream';

/** An inclusive byte range, as HTTP `Range: bytes=start-end` names it. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface ObjectInfo {
  size: number;
  contentType?: string | undefined;
}

export interface PutOptions {
  contentType?: string | undefined;
}

export interface PresignOptions {
  expiresInSeconds: number;
  /** GET only: the Content-Disposition the store answers with (S3 `response-content-disposition`). */
  contentDisposition?: string | undefined;
  /** GET: the Content-Type the store answers with; PUT: the type the upload must declare. */
  contentType?: string | undefined;
}

/**
 * Where file bytes live. The implementation guide's `StorageProvider { uploadFile, getFileUrl,
 * deleteFile }`, grown to what streaming delivery needs. Keys come from `objectKey()` only:
 * providers refuse anything else, so a client's file name can never become a path.
 */
export interface StorageProvider {
  readonly name: 'local' | 's3' | 'supabase';
  /** Whether presignedGetUrl/presignedPutUrl answer URLs (local: no, the service signs its own). */
  readonly presigns: boolean;
  /** Stores `body` under `key`, replacing what was there; resolves once it is durable. */
  put(key: string, body: Readable, options?: PutOptions): Promise<{ size: number }>;
  /** The object's bytes (or an inclusive range of them) as a stream. ObjectNotFound if absent. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** Size and type, or null if there is no such object. */
  head(key: string): Promise<ObjectInfo | null>;
  /** Removes the object; removing an absent object is not an error. */
  delete(key: string): Promise<void>;
  /** A URL that fetches the object without credentials until it expires (null: not supported). */
  presignedGetUrl(key: string, options: PresignOptions): Promise<string | null>;
  /** A URL a client PUTs the object's bytes to (null: not supported). */
  presignedPutUrl(key: string, options: PresignOptions): Promise<string | null>;
}

export class ObjectNotFound extends Error {
  readonly code = 'object-not-found';
  constructor(key: string) {
    super(`No stored object ${key}`);
  }
}

export class UnsafeObjectKey extends Error {
  readonly code = 'unsafe-object-key';
  constructor(key: string) {
    super(`Refusing object key ${JSON.stringify(key.slice(0, 200))}: keys come from objectKey() only`);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** tenant/course/file/v<version>, every id a lowercase uuid; an optional `.part` suffix for uploads in flight. */
const KEY = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/){3}v[1-9][0-9]{0,8}$/;

export interface ObjectKeyParts {
  tenantId: string;
  courseId: string;
  fileId: string;
  version: number;
}

/**
 * The only way an object key is made: from ids the service generated, never from a name a
 * client sent. Tenant first, so a tenant's objects share one prefix.
 */
export function objectKey({ tenantId, courseId, fileId, version }: ObjectKeyParts): string {
  for (const [field, id] of Object.entries({ tenantId, courseId, fileId }))
    if (!UUID.test(id)) throw new UnsafeObjectKey(`${field}=${id}`);
  if (!Number.isInteger(version) || version < 1 || version > 999_999_999)
    throw new UnsafeObjectKey(`version=${version}`);
  return `${tenantId}/${courseId}/${fileId}/v${version}`;
}

/** Throws unless `key` is exactly what objectKey() makes: no `..`, no leading `/`, no other bytes. */
export function assertObjectKey(key: string): string {
  if (typeof key !== 'string' || !KEY.test(key)) throw new UnsafeObjectKey(String(key));
  return key;
}
