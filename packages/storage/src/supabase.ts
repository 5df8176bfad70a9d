import { Readable } from 'node:stream';
import { StorageClient } from '@supabase/storage-js';
import { counted } from './counting.ts';
import { assertObjectKey, ObjectNotFound, type StorageProvider } from './provider.ts';

export interface SupabaseStorageOptions {
  /** The project URL (`https://<ref>.supabase.co`); the Storage API is under `/storage/v1`. */
  url: string;
  /** A key that may write the bucket: the service_role key (never sent to browsers). */
  serviceKey: string;
  bucket: string;
}

const statusOf = (error: unknown): number | undefined => {
  const e = error as { status?: number; statusCode?: string | number } | null;
  return e?.status ?? (e?.statusCode === undefined ? undefined : Number(e.statusCode));
};

/**
 * Supabase Storage through its own client (@supabase/storage-js): streamed uploads with
 * `duplex: 'half'`, ranged downloads as streams, signed URLs Supabase itself verifies.
 */
export function createSupabaseStorage(options: SupabaseStorageOptions): StorageProvider {
  const headers = { apikey: options.serviceKey, Authorization: `Bearer ${options.serviceKey}` };
  const client = new StorageClient(`${options.url.replace(/\/$/, '')}/storage/v1`, headers);
  const bucket = () => client.from(options.bucket);
  return {
    name: 'supabase',
    presigns: true,
    async put(key, body, putOptions) {
      const { stream, bytes } = counted(body);
      const { error } = await bucket().upload(assertObjectKey(key), stream, {
        upsert: true,
        duplex: 'half',
        ...(putOptions?.contentType ? { contentType: putOptions.contentType } : {}),
      });
      if (error) throw error;
      return { size: bytes() };
    },
    async get(key, range) {
      const { data, error } = await bucket()
        .download(
          assertObjectKey(key),
          {},
          (range
            ? { headers: { ...headers, Range: `bytes=${range.start}-${range.end}` } }
            : undefined) as never,
        )
        .asStream();
      if (error) {
        if (statusOf(error) === 404 || statusOf(error) === 400) throw new ObjectNotFound(key);
        throw error;
      }
      return Readable.fromWeb(data as never);
    },
    async head(key) {
      const { data, error } = await bucket().info(assertObjectKey(key));
      if (error) {
        if (statusOf(error) === 404 || statusOf(error) === 400) return null;
        throw error;
      }
      const info = data as { size?: number; contentType?: string };
      return { size: Number(info.size ?? 0), contentType: info.contentType };
    },
    async delete(key) {
      const { error } = await bucket().remove([assertObjectKey(key)]);
      if (error && statusOf(error) !== 404) throw error;
    },
    async presignedGetUrl(key, { expiresInSeconds, contentDisposition }) {
      const name = /filename="([^"]*)"/.exec(contentDisposition ?? '')?.[1];
      const attachment = contentDisposition?.startsWith('attachment');
      const { data, error } = await bucket().createSignedUrl(
        assertObjectKey(key),
        expiresInSeconds,
        attachment ? { download: name || true } : {},
      );
      if (error) throw error;
      return data.signedUrl;
    },
    async presignedPutUrl(key) {
      // Supabase fixes the lifetime of signed upload URLs itself (two hours).
      const { data, error } = await bucket().createSignedUploadUrl(assertObjectKey(key), { upsert: true });
      if (error) throw error;
      return data.signedUrl;
    },
  };
}
