import type { Tx } from '@eduspry/common';

export interface TenantRow {
  id: string;
  slug: string;
  name: string;
  status: 'active' | 'suspended';
}

export async function findTenantBySlug(tx: Tx, slug: string): Promise<TenantRow | undefined> {
  const [tenant] = await tx<
    TenantRow[]
  >`select id, slug, name, status from identity.tenants where slug = ${slug}`;
  return tenant;
}
