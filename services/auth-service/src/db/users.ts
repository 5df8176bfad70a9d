import type { Tx } from '@eduspry/common';

export type Role = 'student' | 'instructor' | 'tenant_admin' | 'super_admin';
export type UserStatus = 'invited' | 'active' | 'deactivated';

export interface UserRow {
  id: string;
  tenant_id: string;
  email: string;
  display_name: string;
  password_hash: string | null;
  roles: Role[];
  status: UserStatus;
  email_verified_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const columns =
  'id, tenant_id, email, display_name, password_hash, roles, status, email_verified_at, created_at, updated_at';

export async function findUserByEmail(tx: Tx, tenantId: string, email: string): Promise<UserRow | undefined> {
  const [user] = await tx<UserRow[]>`
    select ${tx.unsafe(columns)} from identity.users where tenant_id = ${tenantId} and lower(email) = lower(${email})`;
  return user;
}

/** Scoped to the tenant as well: a user id of another tenant finds nothing. */
export async function findUserById(tx: Tx, tenantId: string, id: string): Promise<UserRow | undefined> {
  const [user] = await tx<UserRow[]>`
    select ${tx.unsafe(columns)} from identity.users where tenant_id = ${tenantId} and id = ${id}`;
  return user;
}

export async function insertUser(
  tx: Tx,
  user: {
    tenantId: string;
    email: string;
    displayName: string;
    passwordHash: string | null;
    roles: Role[];
    status: UserStatus;
    emailVerified: boolean;
  },
): Promise<UserRow | undefined> {
  const [row] = await tx<UserRow[]>`
    insert into identity.users (tenant_id, email, display_name, password_hash, roles, status, email_verified_at)
    values (${user.tenantId}, ${user.email}, ${user.displayName}, ${user.passwordHash}, ${user.roles},
            ${user.status}, ${user.emailVerified ? new Date() : null})
    on conflict (tenant_id, lower(email)) do nothing
    returning ${tx.unsafe(columns)}`;
  return row;
}

export async function searchUsers(
  tx: Tx,
  tenantId: string,
  query: {
    q?: string | undefined;
    role?: string | undefined;
    status?: string | undefined;
    limit: number;
    offset: number;
  },
): Promise<{ items: UserRow[]; total: number }> {
  const pattern = query.q ? `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const where = tx`
    tenant_id = ${tenantId}
    and (${pattern}::text is null or email ilike ${pattern} or display_name ilike ${pattern})
    and (${query.role ?? null}::text is null or ${query.role ?? null} = any(roles))
    and (${query.status ?? null}::text is null or status = ${query.status ?? null})`;
  const items = await tx<UserRow[]>`
    select ${tx.unsafe(columns)} from identity.users where ${where}
    order by lower(email) limit ${query.limit} offset ${query.offset}`;
  const [{ total } = { total: 0 }] = await tx<{ total: number }[]>`
    select count(*)::int as total from identity.users where ${where}`;
  return { items, total };
}

export async function updateUser(
  tx: Tx,
  tenantId: string,
  id: string,
  changes: {
    roles?: Role[];
    status?: UserStatus;
    passwordHash?: string;
    emailVerified?: boolean;
    displayName?: string;
  },
): Promise<UserRow | undefined> {
  const [row] = await tx<UserRow[]>`
    update identity.users set
      roles = coalesce(${changes.roles ?? null}::text[], roles),
      status = coalesce(${changes.status ?? null}, status),
      password_hash = coalesce(${changes.passwordHash ?? null}, password_hash),
      display_name = coalesce(${changes.displayName ?? null}, display_name),
      email_verified_at = case when ${changes.emailVerified ?? false} then coalesce(email_verified_at, now())
                               else email_verified_at end,
      updated_at = now()
    where tenant_id = ${tenantId} and id = ${id}
    returning ${tx.unsafe(columns)}`;
  return row;
}
