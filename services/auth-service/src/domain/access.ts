import { forbidden, type TenantClaims } from '@eduspry/common';
import { isSuperAdmin, isTenantAdminOf } from '@eduspry/contracts';

/**
 * What a caller may do in auth-service. Each use case starts with `requireAccess(claims,
 * permission, ids)`; no check here reads the database, so (unlike course-service's) it takes no
 * transaction. RLS enforces the same underneath; this check makes the answer an explicit 403.
 */
export type Permission =
  /** Administer one tenant (its settings, users, roles, users' sessions, identity providers, audit log). */
  | 'tenant:administer'
  /** Create, list, suspend tenants: the platform's own administration. */
  | 'platform:administer'
  /** Grant or revoke super_admin. */
  | 'roles:assign-super-admin';

const denials: Record<Permission, string> = {
  'tenant:administer': 'Only an administrator of this tenant may do this',
  'platform:administer': 'Only a super_admin may do this',
  'roles:assign-super-admin': 'Only a super_admin may grant or revoke super_admin',
};

export function may(claims: TenantClaims, permission: Permission, ids: { tenantId?: string } = {}): boolean {
  switch (permission) {
    case 'tenant:administer':
      // super_admin everywhere, tenant_admin in their own tenant only.
      return ids.tenantId !== undefined && isTenantAdminOf(claims, ids.tenantId);
    case 'platform:administer':
    case 'roles:assign-super-admin':
      return isSuperAdmin(claims);
  }
}

export function requireAccess(
  claims: TenantClaims,
  permission: Permission,
  ids: { tenantId?: string } = {},
): void {
  if (!may(claims, permission, ids)) throw forbidden(denials[permission]);
}
