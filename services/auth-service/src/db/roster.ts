import type { Tx } from '@eduspry/common';
import type { ExistingUser, RosterDiff, RosterUser } from '../domain/roster-rules.ts';
import type { Role, UserRow } from './users.ts';

export interface RosterImportRow {
  id: string;
  tenant_id: string;
  created_by: string;
  created_at: Date;
  rows: RosterUser[];
  diff: RosterDiff;
  diff_hash: string;
  applied_at: Date | null;
  result: RosterResult | null;
}

export interface RosterResult {
  created: number;
  changed: number;
  removed: number;
  removalsSkipped: number;
}

/** Every user of the tenant, as the roster diff compares them. */
export async function tenantUsersForRoster(tx: Tx, tenantId: string): Promise<ExistingUser[]> {
  return tx<ExistingUser[]>`
    select id, email, display_name as "displayName", roles, status
    from identity.users where tenant_id = ${tenantId} order by lower(email)`;
}

/**
 * Serialises imports (and their dry runs' reads) of one tenant: two applies at once would each
 * see the other's users as absent.
 */
export async function lockTenantRoster(tx: Tx, tenantId: string): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtextextended(${`roster:${tenantId}`}, 0))`;
}

export async function insertRosterImport(
  tx: Tx,
  input: { tenantId: string; createdBy: string; rows: RosterUser[]; diff: RosterDiff; hash: string },
): Promise<RosterImportRow> {
  const [row] = await tx<RosterImportRow[]>`
    insert into identity.roster_imports (tenant_id, created_by, rows, diff, diff_hash)
    values (${input.tenantId}, ${input.createdBy}, ${tx.json(input.rows as never)}, ${tx.json(input.diff as never)},
            ${input.hash})
    returning id, tenant_id, created_by, created_at, diff_hash, applied_at, result,
              '[]'::jsonb as rows, diff`;
  return row!;
}

/** The import with its rows (for applying) or without (for showing pages of its diff). */
export async function findRosterImport(
  tx: Tx,
  tenantId: string,
  id: string,
  { forUpdate = false } = {},
): Promise<RosterImportRow | undefined> {
  const [row] = forUpdate
    ? await tx<RosterImportRow[]>`
        select * from identity.roster_imports where tenant_id = ${tenantId} and id = ${id} for update`
    : await tx<RosterImportRow[]>`
        select id, tenant_id, created_by, created_at, '[]'::jsonb as rows, diff, diff_hash, applied_at, result
        from identity.roster_imports where tenant_id = ${tenantId} and id = ${id}`;
  return row;
}

export async function markRosterApplied(
  tx: Tx,
  id: string,
  appliedBy: string,
  result: RosterResult,
): Promise<void> {
  await tx`update identity.roster_imports set applied_at = now(), applied_by = ${appliedBy},
           result = ${tx.json(result as never)} where id = ${id}`;
}

/** One statement for a district's worth of new accounts: active, email verified, no password. */
export async function insertRosterUsers(
  tx: Tx,
  tenantId: string,
  users: { email: string; displayName: string; roles: Role[] }[],
): Promise<UserRow[]> {
  if (users.length === 0) return [];
  return tx<UserRow[]>`
    insert into identity.users (tenant_id, email, display_name, password_hash, roles, status, email_verified_at)
    select ${tenantId}, u.email, u.display_name, null, array(select jsonb_array_elements_text(u.roles)),
           'active', now()
    from jsonb_to_recordset(${tx.json(users.map((u) => ({ email: u.email, display_name: u.displayName, roles: u.roles })) as never)})
      as u(email text, display_name text, roles jsonb)
    returning id, tenant_id, email, display_name, password_hash, roles, status, email_verified_at, created_at, updated_at`;
}

/** The audit trail of an import, one row per user touched, in one statement. */
export async function insertRosterAudit(
  tx: Tx,
  entries: {
    tenantId: string;
    action: string;
    actorId: string;
    subjectId: string;
    ip: string | null;
    detail: Record<string, unknown>;
  }[],
): Promise<void> {
  if (entries.length === 0) return;
  await tx`
    insert into identity.audit_events (tenant_id, action, actor_id, subject_id, ip, detail)
    select e.tenant_id, e.action, e.actor_id, e.subject_id, e.ip, e.detail
    from jsonb_to_recordset(${tx.json(
      entries.map((e) => ({
        tenant_id: e.tenantId,
        action: e.action,
        actor_id: e.actorId,
        subject_id: e.subjectId,
        ip: e.ip,
        detail: e.detail,
      })) as never,
    )}) as e(tenant_id uuid, action text, actor_id uuid, subject_id uuid, ip text, detail jsonb)`;
}
