import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { counted } from './counting.ts';
import { assertObjectKey, ObjectNotFound, type StorageProvider } from './provider.ts';

export interface S3StorageOptions {
  bucket: string;
  region: string;
  /** Any S3-compatible endpoint (MinIO, GCS interoperability, OCI, an Azure gateway); unset: AWS. */
  endpoint?: string | undefined;
  /** Path-style URLs (`endpoint/bucket/key`), which most non-AWS stores need. */
  forcePathStyle?: boolean | undefined;
  /** Unset: the standard AWS credential chain (env, profile, web identity, instance role). */
  credentials?: S3ClientConfig['credentials'];
}

const isNotFound = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
};

/**
 * Any S3-compatible store through the AWS SDK v3: multipart uploads from a stream
 * (lib-storage, a few parts in memory at a time, never the whole object), ranged GETs, and
 * presigned URLs (SigV4 query signing) for players and download managers.
 */
export function createS3Storage(options: S3StorageOptions): StorageProvider {
  const client = new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? Boolean(options.endpoint),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  const Bucket = options.bucket;
  return {
    name: 's3',
    presigns: true,
    async put(key, body, putOptions) {
      const Key = assertObjectKey(key);
      const { stream, bytes } = counted(body);
      const upload = new Upload({
        client,
        params: { Bucket, Key, Body: stream, ContentType: putOptions?.contentType },
        partSize: 8 * 1024 * 1024,
        queueSize: 2,
      });
      await upload.done();
      return { size: bytes() };
    },
    async get(key, range) {
      const Key = assertObjectKey(key);
      try {
        const answer = await client.send(
          new GetObjectCommand({
            Bucket,
            Key,
            ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
          }),
        );
        return answer.Body instanceof Readable
          ? answer.Body
          : Readable.fromWeb(answer.Body!.transformToWebStream() as never);
      } catch (error) {
        if (isNotFound(error)) throw new ObjectNotFound(key);
        throw error;
      }
    },
    async head(key) {
      try {
        const answer = await client.send(new HeadObjectCommand({ Bucket, Key: assertObjectKey(key) }));
        return { size: Number(answer.ContentLength ?? 0), contentType: answer.ContentType };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: assertObjectKey(key) }));
    },
    async presignedGetUrl(key, { expiresInSeconds, contentDisposition, contentType }) {
      const command = new GetObjectCommand({
        Bucket,
        Key: assertObjectKey(key),
        ...(contentDisposition ? { ResponseContentDisposition: contentDisposition } : {}),
        ...(contentType ? { ResponseContentType: contentType } : {}),
      });
      return getSignedUrl(client, command, { expiresIn: expiresInSeconds });
    },
    async presignedPutUrl(key, { expiresInSeconds, contentType }) {
      const command = new PutObjectCommand({
        Bucket,
        Key: assertObjectKey(key),
        ...(contentType ? { ContentType: contentType } : {}),
      });
      return getSignedUrl(client, command, { expiresIn: expiresInSeconds });
    },
  };
}
