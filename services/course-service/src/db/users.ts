import type { Tx } from '@eduspry/common';

/** One user as course-service's directory knows them (course.users, fed by auth-service's events). */
export interface DirectoryUser {
  userId: string;
  active: boolean;
  roles: string[];
}

/** A user came into use: known, active and holding these roles, unless a newer fact says otherwise. */
export async function recordRegistration(
  tx: Tx,
  user: {
    tenantId: string;
    userId: string;
    email: string | null;
    displayName: string | null;
    roles: string[];
    at: string;
  },
): Promise<void> {
  // A name missing from the event (producers before displayName) keeps the one already known,
  // as does a newer rename.
  await tx`
    insert into course.users (tenant_id, user_id, email, display_name, display_name_at, roles, roles_at, active, status_at)
    values (${user.tenantId}, ${user.userId}, ${user.email}, ${user.displayName},
      case when ${user.displayName}::text is null then '-infinity' else ${user.at}::timestamptz end, ${user.roles}, ${user.at}, true, ${user.at})
    on conflict (tenant_id, user_id) do update set
      email = coalesce(excluded.email, course.users.email),
      display_name = case when excluded.display_name is not null and excluded.display_name_at >= course.users.display_name_at
                          then excluded.display_name else course.users.display_name end,
      display_name_at = greatest(course.users.display_name_at, excluded.display_name_at),
      roles = case when excluded.roles_at >= course.users.roles_at then excluded.roles else course.users.roles end,
      roles_at = greatest(course.users.roles_at, excluded.roles_at),
      active = case when excluded.status_at >= course.users.status_at then true else course.users.active end,
      status_at = greatest(course.users.status_at, excluded.status_at),
      updated_at = now()`;
}

/** A user was deactivated at `at` (a user not yet known becomes known, inactive). */
export async function recordDeactivation(
  tx: Tx,
  user: { tenantId: string; userId: string; at: string },
): Promise<void> {
  await tx`
    insert into course.users (tenant_id, user_id, active, status_at)
    values (${user.tenantId}, ${user.userId}, false, ${user.at})
    on conflict (tenant_id, user_id) do update set
      active = case when excluded.status_at >= course.users.status_at then false else course.users.active end,
      status_at = greatest(course.users.status_at, excluded.status_at),
      updated_at = now()`;
}

/** A deactivated user was reactivated at `at`: active again unless they went back to invited. */
export async function recordReactivation(
  tx: Tx,
  user: { tenantId: string; userId: string; active: boolean; at: string },
): Promise<void> {
  await tx`
    insert into course.users (tenant_id, user_id, active, status_at)
    values (${user.tenantId}, ${user.userId}, ${user.active}, ${user.at})
    on conflict (tenant_id, user_id) do update set
      active = case when excluded.status_at >= course.users.status_at then excluded.active else course.users.active end,
      status_at = greatest(course.users.status_at, excluded.status_at),
      updated_at = now()`;
}

/**
 * A user's roles changed at `at`. A user not yet known exists (auth-service only changes roles of
 * existing users), active until a deactivation says otherwise.
 */
export async function recordRoles(
  tx: Tx,
  user: { tenantId: string; userId: string; roles: string[]; at: string },
): Promise<void> {
  await tx`
    insert into course.users (tenant_id, user_id, roles, roles_at, active)
    values (${user.tenantId}, ${user.userId}, ${user.roles}, ${user.at}, true)
    on conflict (tenant_id, user_id) do update set
      roles = case when excluded.roles_at >= course.users.roles_at then excluded.roles else course.users.roles end,
      roles_at = greatest(course.users.roles_at, excluded.roles_at),
      updated_at = now()`;
}

/**
 * A rename. Events of one user arrive in order (keyed by user id), so their registration came
 * first; a user the directory does not know is left to their registration, which brings the name.
 */
export async function recordDisplayName(
  tx: Tx,
  user: { tenantId: string; userId: string; displayName: string; at: string },
): Promise<void> {
  await tx`
    update course.users set display_name = ${user.displayName}, display_name_at = ${user.at}, updated_at = now()
    where tenant_id = ${user.tenantId} and user_id = ${user.userId} and display_name_at <= ${user.at}`;
}

/** The given users of one tenant that the directory knows (the tenant is explicit: RLS lets a super_admin see all). */
export async function findDirectoryUsers(
  tx: Tx,
  tenantId: string,
  userIds: string[],
): Promise<Map<string, DirectoryUser>> {
  if (userIds.length === 0) return new Map();
  const rows = await tx<DirectoryUser[]>`
    select user_id as "userId", active, roles from course.users
    where tenant_id = ${tenantId} and user_id = any(${userIds}::uuid[])`;
  return new Map(rows.map((row) => [row.userId, row]));
}
