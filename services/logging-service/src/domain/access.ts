import { securityEventsTotal, type TenantClaims } from '@eduspry/common';
import { isSuperAdmin, isTenantAdminOf } from '@eduspry/contracts';
import { problems } from '../problems.ts';
import { foreignTenantLine, type LogRecord } from './log-records.ts';

/**
 * What a caller may do with logs. Each use case starts with `requireAccess(claims, permission,
 * ids)`; no check here needs the database, so (unlike course-service's) it takes no transaction.
 * RLS stays the floor underneath: a search runs under the caller's claims whatever this says.
 */
export type Permission =
  /** Search stored lines: tenant_admin (their tenant) and super_admin (every tenant). */
  | 'logs:search'
  /** Store lines: anyone for their own tenant's lines, super_admin (and platform tokens) for any. */
  | 'logs:write'
  | 'retention:read'
  /** Set a policy: tenant_admin for their own tenant, super_admin for any and the defaults. */
  | 'retention:write';

const ADMIN_ROLES = 'This needs one of the roles: tenant_admin, super_admin';

type Ids = { records?: LogRecord[]; tenantId?: string | null };

export function requireAccess(claims: TenantClaims, permission: Permission, ids: Ids = {}): void {
  switch (permission) {
    case 'logs:search':
    case 'retention:read':
      if (!isTenantAdminOf(claims)) throw problems.create('forbidden', ADMIN_ROLES);
      return;
    case 'retention:write':
      if (!isTenantAdminOf(claims)) throw problems.create('forbidden', ADMIN_ROLES);
      if (!isSuperAdmin(claims) && ids.tenantId !== claims.app_metadata.tenant_id)
        throw problems.create('forbidden', "A tenant_admin sets their own tenant's retention only");
      return;
    case 'logs:write': {
      const foreign = foreignTenantLine(ids.records ?? [], {
        tenantId: claims.app_metadata.tenant_id,
        superAdmin: isSuperAdmin(claims),
      });
      if (foreign < 0) return;
      securityEventsTotal.inc({ service: 'logging-service', kind: 'cross_tenant_denied' });
      throw problems.create(
        'forbidden',
        `line ${foreign} belongs to another tenant; you may write your own tenant's lines only`,
      );
    }
  }
}
