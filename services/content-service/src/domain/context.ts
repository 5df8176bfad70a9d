import type { PlatformLogger, Sql, TenantClaims } from '@eduspry/common';
import type { StorageProvider } from '@eduspry/storage';
import type { CourseAccess } from '../clients/course-access.ts';
import type { TenantStorage } from '../db/storage.ts';

/** What every content use case runs with. */
export interface ContentContext {
  sql: Sql;
  storage: StorageProvider;
  access: CourseAccess;
  log: PlatformLogger & { warn(fields: Record<string, unknown>, message: string): void };
  signingSecret: string;
  signedUrlTtlSeconds: number;
  /** Base of the service's own signed URLs. */
  publicUrl: string;
  /** A tenant's storage settings until its admin changes them. */
  defaults: Omit<TenantStorage, 'tenantId' | 'usedBytes'>;
}

/** Who is asking: the verified claims, and the token itself (forwarded to course-service). */
export interface Caller {
  claims: TenantClaims;
  token: string;
}
