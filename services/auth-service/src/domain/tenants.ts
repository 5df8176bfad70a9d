import {
  asPlatform,
  conflict,
  forbidden,
  notFound,
  type PlatformLogger,
  type TenantClaims,
  withTenant,
} from '@eduspry/common';
import { insertAuditEvent, listAuditEvents } from '../db/audit.ts';
import {
  findTenantById,
  findTenantBySlug,
  insertTenant,
  listTenants,
  type TenantRow,
  type TenantSettings,
  updateTenant,
} from '../db/tenants.ts';
import { problems } from '../problems.ts';
import { requireAccess } from './access.ts';
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
    createdAt: tenant.created_at.toISOString(),
    updatedAt: tenant.updated_at.toISOString(),
  };
}

export async function createTenant(
  ctx: AuthContext,
  claims: TenantClaims,
  input: { slug: string; name: string; settings?: TenantSettings | undefined },
  meta: RequestMeta,
) {
  requireAccess(claims, 'platform:administer');
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
  requireAccess(claims, 'platform:administer');
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
  requireAccess(claims, 'tenant:administer', { tenantId: id });
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
  requireAccess(claims, 'platform:administer');
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
  query: {
    limit: number;
    offset: number;
    action?: string | undefined;
    actorId?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
  },
) {
  requireAccess(claims, 'tenant:administer', { tenantId: id });
  const from = query.from ? new Date(query.from) : undefined;
  const to = query.to ? new Date(query.to) : undefined;
  if (from && to && from > to)
    throw problems.create('validation', 'querystring.from must not be after querystring.to', {
      field: 'querystring.from',
    });
  const rows = await withTenant(ctx.sql, claims, (tx) =>
    listAuditEvents(tx, id, query.limit, query.offset, {
      action: query.action,
      actorId: query.actorId,
      from,
      to,
    }),
  );
  return {
    items: rows.map((row) => ({
      id: row.id,
      action: row.action,
      actorId: row.actor_id,
      subjectId: row.subject_id,
      ip: row.ip,
      detail: row.detail,
      createdAt: row.created_at.toISOString(),
    })),
  };
}

/** Public information about an active tenant, for its sign-in page (no caller is known yet). */
export async function publicTenant(ctx: AuthContext, slug: string, log: PlatformLogger) {
  const tenant = await asPlatform(ctx.sql, 'public tenant lookup before sign-in', log, (tx) =>
    findTenantBySlug(tx, slug),
  );
  if (tenant?.status !== 'active') throw notFound(`No active tenant ${slug}`);
  return { id: tenant.id, slug: tenant.slug, name: tenant.name };
}
