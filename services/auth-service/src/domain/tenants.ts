import { asPlatform, conflict, forbidden, notFound, type TenantClaims, withTenant } from '@eduspry/common';
import { insertAuditEvent, listAuditEvents } from '../db/audit.ts';
import {
  findTenantById,
  insertTenant,
  listTenants,
  type TenantRow,
  type TenantSettings,
  updateTenant,
} from '../db/tenants.ts';
import { assertTenantAdmin, isSuperAdmin } from './access.ts';
import type { AuthContext, RequestMeta } from './context.ts';

export function tenantView(tenant: TenantRow) {
  return {
    id: tenant.id,
    slug: tenant.slug,
    name: tenant.name,
    status: tenant.status,
    settings: {
      selfRegistration: tenant.settings.selfRegistration ?? false,
      requireEmailVerification: tenant.settings.requireEmailVerification ?? false,
    },
    created_at: tenant.created_at.toISOString(),
    updated_at: tenant.updated_at.toISOString(),
  };
}

function assertSuperAdmin(claims: TenantClaims): void {
  if (!isSuperAdmin(claims)) throw forbidden('Only a super_admin may do this');
}

export async function createTenant(
  ctx: AuthContext,
  claims: TenantClaims,
  input: { slug: string; name: string; settings?: TenantSettings | undefined },
  meta: RequestMeta,
) {
  assertSuperAdmin(claims);
  const tenant = await withTenant(ctx.sql, claims, async (tx) => {
    const tenant = await insertTenant(tx, {
      slug: input.slug,
      name: input.name,
      settings: input.settings ?? {},
    });
    if (!tenant) throw conflict(`A tenant with slug ${input.slug} already exists`);
    await insertAuditEvent(tx, {
      tenantId: tenant.id,
      action: 'tenant.created',
      actorId: claims.sub,
      subjectId: tenant.id,
      ip: meta.ip,
    });
    return tenant;
  });
  return tenantView(tenant);
}

export async function listAllTenants(ctx: AuthContext, claims: TenantClaims, limit: number, offset: number) {
  assertSuperAdmin(claims);
  const { items, total } = await withTenant(ctx.sql, claims, (tx) => listTenants(tx, limit, offset));
  return { items: items.map(tenantView), total, limit, offset };
}

/** Members of the tenant read it; RLS hides other tenants, so they are simply not found. */
export async function getTenant(ctx: AuthContext, claims: TenantClaims, id: string) {
  const tenant = await withTenant(ctx.sql, claims, (tx) => findTenantById(tx, id));
  if (!tenant) throw notFound('No such tenant');
  return tenantView(tenant);
}

/** super_admin, or the tenant's own admin for its name and settings. */
export async function updateTenantDetails(
  ctx: AuthContext,
  claims: TenantClaims,
  id: string,
  changes: { name?: string | undefined; settings?: TenantSettings | undefined },
  meta: RequestMeta,
) {
  assertTenantAdmin(claims, id);
  // tenants' RLS lets only super_admin write, so a tenant admin's change goes the trusted path.
  const tenant = await asPlatform(ctx.sql, 'tenant admin updates own tenant', ctx.log, async (tx) => {
    const tenant = await updateTenant(tx, id, changes);
    if (!tenant) throw notFound('No such tenant');
    await insertAuditEvent(tx, {
      tenantId: id,
      action: 'tenant.updated',
      actorId: claims.sub,
      subjectId: id,
      ip: meta.ip,
      detail: { changes },
    });
    return tenant;
  });
  return tenantView(tenant);
}

export async function setTenantStatus(
  ctx: AuthContext,
  claims: TenantClaims,
  id: string,
  status: 'active' | 'suspended',
  meta: RequestMeta,
) {
  assertSuperAdmin(claims);
  if (status === 'suspended' && claims.app_metadata.tenant_id === id)
    throw forbidden('You cannot suspend the tenant you are signed in to');
  const tenant = await withTenant(ctx.sql, claims, async (tx) => {
    const tenant = await updateTenant(tx, id, { status });
    if (!tenant) throw notFound('No such tenant');
    await insertAuditEvent(tx, {
      tenantId: id,
      action: status === 'suspended' ? 'tenant.suspended' : 'tenant.reactivated',
      actorId: claims.sub,
      subjectId: id,
      ip: meta.ip,
    });
    return tenant;
  });
  return tenantView(tenant);
}

export async function tenantAudit(
  ctx: AuthContext,
  claims: TenantClaims,
  id: string,
  query: { limit: number; offset: number; action?: string | undefined },
) {
  assertTenantAdmin(claims, id);
  const rows = await withTenant(ctx.sql, claims, (tx) =>
    listAuditEvents(tx, id, query.limit, query.offset, query.action),
  );
  return { items: rows.map((row) => ({ ...row, created_at: row.created_at.toISOString() })) };
}
