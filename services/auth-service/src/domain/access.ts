import { forbidden, type TenantClaims } from '@eduspry/common';

export const isSuperAdmin = (claims: TenantClaims) => claims.app_metadata.roles.includes('super_admin');

/**
 * Whether the caller administers `tenantId`: super_admin everywhere, tenant_admin in their own
 * tenant only. RLS enforces the same underneath; this check makes the answer an explicit 403.
 */
export function assertTenantAdmin(claims: TenantClaims, tenantId: string): void {
  if (isSuperAdmin(claims)) return;
  if (claims.app_metadata.roles.includes('tenant_admin') && claims.app_metadata.tenant_id === tenantId)
    return;
  throw forbidden('Only an administrator of this tenant may do this');
}
