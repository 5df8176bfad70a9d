import { resolve } from 'node:path';
import { createLocalStorage } from './local.ts';
import type { StorageProvider } from './provider.ts';

export * from './local.ts';
export * from './provider.ts';
// The S3 and Supabase providers are imported when chosen (`@eduspry/storage/s3`, `/supabase`
// for direct use): the AWS SDK alone is ~30 MB of resident memory a local-disk service never needs.
export type { S3StorageOptions } from './s3.ts';
export type { SupabaseStorageOptions } from './supabase.ts';

/** The embedded default root: `.eduspry/storage/` at the repository root. */
export const DEFAULT_LOCAL_ROOT = resolve(new URL('../../../.eduspry/storage', import.meta.url).pathname);

export class StorageConfigError extends Error {}

const required = (env: NodeJS.ProcessEnv, name: string, provider: string): string => {
  const value = env[name];
  if (!value) throw new StorageConfigError(`STORAGE_PROVIDER=${provider} needs ${name}`);
  return value;
};

/**
 * The provider STORAGE_PROVIDER names: `local` (default; STORAGE_LOCAL_ROOT), `s3`
 * (S3_BUCKET, S3_REGION, optional S3_ENDPOINT and S3_FORCE_PATH_STYLE; credentials from the
 * standard AWS chain) or `supabase` (SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY, SUPABASE_STORAGE_BUCKET).
 */
export async function createStorageProvider(env: NodeJS.ProcessEnv = process.env): Promise<StorageProvider> {
  const provider = env.STORAGE_PROVIDER || 'local';
  switch (provider) {
    case 'local':
      return createLocalStorage({ root: env.STORAGE_LOCAL_ROOT || DEFAULT_LOCAL_ROOT });
    case 's3': {
      const { createS3Storage } = await import('./s3.ts');
      return createS3Storage({
        bucket: required(env, 'S3_BUCKET', provider),
        region: env.S3_REGION || env.AWS_REGION || 'us-east-1',
        endpoint: env.S3_ENDPOINT || undefined,
        ...(env.S3_FORCE_PATH_STYLE ? { forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true' } : {}),
      });
    }
    case 'supabase': {
      const { createSupabaseStorage } = await import('./supabase.ts');
      return createSupabaseStorage({
        url: required(env, 'SUPABASE_URL', provider),
        serviceKey: required(env, 'SUPABASE_SERVICE_ROLE_KEY', provider),
        bucket: env.SUPABASE_STORAGE_BUCKET || 'course-files',
      });
    }
    default:
      throw new StorageConfigError(`STORAGE_PROVIDER must be local, s3 or supabase, not ${provider}`);
  }
}
