// SQL for content.tenant_storage: each tenant's quota, usage, size limit and media allow-list.
import type { Tx } from '@eduspry/common';

export interface TenantStorage {
  tenantId: string;
  quotaBytes: number;
  usedBytes: number;
  maxFileBytes: number;
  allowedMediaTypes: string[];
}

const COLUMNS = (tx: Tx) => tx`
  tenant_id as "tenantId", quota_bytes::float8 as "quotaBytes", used_bytes::float8 as "usedBytes",
  max_file_bytes::float8 as "maxFileBytes", allowed_media_types as "allowedMediaTypes"`;

/** The tenant's row, created with the platform defaults on first use. */
export async function tenantStorage(
  tx: Tx,
  tenantId: string,
  defaults: Omit<TenantStorage, 'tenantId' | 'usedBytes'>,
): Promise<TenantStorage> {
  await tx`
    insert into content.tenant_storage (tenant_id, quota_bytes, max_file_bytes, allowed_media_types)
    values (${tenantId}, ${defaults.quotaBytes}, ${defaults.maxFileBytes}, ${defaults.allowedMediaTypes})
    on conflict (tenant_id) do nothing`;
  const [row] = await tx<
    TenantStorage[]
  >`select ${COLUMNS(tx)} from content.tenant_storage where tenant_id = ${tenantId}`;
  return row!;
}

export async function updateTenantStorage(
  tx: Tx,
  tenantId: string,
  fields: Partial<Pick<TenantStorage, 'quotaBytes' | 'maxFileBytes' | 'allowedMediaTypes'>>,
): Promise<TenantStorage> {
  const [row] = await tx<TenantStorage[]>`
    update content.tenant_storage set
      quota_bytes = coalesce(${fields.quotaBytes ?? null}::bigint, quota_bytes),
      max_file_bytes = coalesce(${fields.maxFileBytes ?? null}::bigint, max_file_bytes),
      allowed_media_types = coalesce(${fields.allowedMediaTypes ?? null}::text[], allowed_media_types),
      updated_at = now()
    where tenant_id = ${tenantId} returning ${COLUMNS(tx)}`;
  return row!;
}

/**
 * Charges `bytes` if they fit: one conditional UPDATE, so two uploads racing for the last
 * free megabytes cannot both win (the row lock serialises them; the loser sees the new sum).
 */
export async function chargeQuota(tx: Tx, tenantId: string, bytes: number): Promise<boolean> {
  const rows = await tx`
    update content.tenant_storage set used_bytes = used_bytes + ${bytes}, updated_at = now()
    where tenant_id = ${tenantId} and used_bytes + ${bytes} <= quota_bytes returning 1`;
  return rows.length === 1;
}

export async function releaseQuota(tx: Tx, tenantId: string, bytes: number): Promise<void> {
  await tx`
    update content.tenant_storage set used_bytes = greatest(0, used_bytes - ${bytes}), updated_at = now()
    where tenant_id = ${tenantId}`;
}
