import type { Tx } from '@eduspry/common';

export interface TenantSettings {
  /** Anyone may register an account (as a student) on the tenant's sign-in page. */
  selfRegistration?: boolean;
  /** Users must verify their email before they can sign in. */
  requireEmailVerification?: boolean;
}

export interface TenantRow {
  id: string;
  slug: string;
  name: string;
  status: 'active' | 'suspended';
  settings: TenantSettings;
  created_at: Date;
  updated_at: Date;
}

const columns = 'id, slug, name, status, settings, created_at, updated_at';

export async function findTenantBySlug(tx: Tx, slug: string): Promise<TenantRow | undefined> {
  const [tenant] = await tx<
    TenantRow[]
  >`select ${tx.unsafe(columns)} from identity.tenants where slug = ${slug}`;
  return tenant;
}

export async function findTenantById(tx: Tx, id: string): Promise<TenantRow | undefined> {
  const [tenant] = await tx<TenantRow[]>`select ${tx.unsafe(columns)} from identity.tenants where id = ${id}`;
  return tenant;
}

export async function listTenants(
  tx: Tx,
  limit: number,
  offset: number,
): Promise<{ items: TenantRow[]; total: number }> {
  const items = await tx<TenantRow[]>`
    select ${tx.unsafe(columns)} from identity.tenants order by slug limit ${limit} offset ${offset}`;
  const [{ total } = { total: 0 }] = await tx<
    { total: number }[]
  >`select count(*)::int as total from identity.tenants`;
  return { items, total };
}

export async function insertTenant(
  tx: Tx,
  tenant: { slug: string; name: string; settings: TenantSettings },
): Promise<TenantRow | undefined> {
  const [row] = await tx<TenantRow[]>`
    insert into identity.tenants (slug, name, settings)
    values (${tenant.slug}, ${tenant.name}, ${tx.json(tenant.settings as never)})
    on conflict (slug) do nothing
    returning ${tx.unsafe(columns)}`;
  return row;
}

export async function updateTenant(
  tx: Tx,
  id: string,
  changes: {
    name?: string | undefined;
    settings?: TenantSettings | undefined;
    status?: 'active' | 'suspended';
  },
): Promise<TenantRow | undefined> {
  const [row] = await tx<TenantRow[]>`
    update identity.tenants set
      name = coalesce(${changes.name ?? null}, name),
      settings = settings || ${tx.json((changes.settings ?? {}) as never)},
      status = coalesce(${changes.status ?? null}, status),
      updated_at = now()
    where id = ${id}
    returning ${tx.unsafe(columns)}`;
  return row;
}
