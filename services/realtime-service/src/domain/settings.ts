import { forbidden, type Sql, type TenantClaims, withTenant } from '@eduspry/common';
import { isTenantAdminOf } from '@eduspry/contracts';
import { findPresenceSettings, type PresenceSettings, upsertPresenceSettings } from '../db/settings.ts';

/**
 * The tenant's presence privacy. Every member reads it (the web app says why nobody shows);
 * only its admins change it. Joins already open keep the rights they were admitted with until
 * they rejoin (a reconnect or a token's expiry), as with every rule decided at join.
 */
export function readPresenceSettings(sql: Sql, claims: TenantClaims): Promise<PresenceSettings> {
  return withTenant(sql, claims, (tx) => findPresenceSettings(tx, claims.app_metadata.tenant_id));
}

export function writePresenceSettings(
  sql: Sql,
  claims: TenantClaims,
  settings: PresenceSettings,
): Promise<PresenceSettings> {
  if (!isTenantAdminOf(claims, claims.app_metadata.tenant_id))
    throw forbidden('Only tenant admins change who shows as present');
  return withTenant(sql, claims, (tx) => upsertPresenceSettings(tx, claims.app_metadata.tenant_id, settings));
}
