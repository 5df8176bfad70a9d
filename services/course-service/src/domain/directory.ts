import type { Tx } from '@eduspry/common';
import { findDirectoryUsers } from '../db/users.ts';
import { problems } from '../problems.ts';

/** A user id the caller named, and where in the request they named it (for the problem). */
export interface NamedUser {
  userId: string;
  field: string;
}

/**
 * Every named user must be an active user of the tenant, or the request is refused with a 422
 * naming the first offending field: an id of another tenant, one that exists nowhere and one of a
 * deactivated user all stop here. The caller themselves (`vouched`) may be missing from the
 * directory: their verified token proves they exist, and their registration event may not have
 * reached course-service yet; a deactivation the directory knows of still refuses them.
 */
export async function requireActiveUsers(
  tx: Tx,
  tenantId: string,
  named: NamedUser[],
  vouched: string | null = null,
): Promise<void> {
  if (named.length === 0) return;
  const known = await findDirectoryUsers(tx, tenantId, [
    ...new Set(named.map((n) => n.userId.toLowerCase())),
  ]);
  for (const { userId, field } of named) {
    const user = known.get(userId.toLowerCase());
    if (!user && userId.toLowerCase() === vouched?.toLowerCase()) continue;
    if (!user)
      throw problems.create('unknown-user', `${field}: ${userId} is not a user of this tenant`, {
        field,
        userId,
      });
    if (!user.active)
      throw problems.create('user-deactivated', `${field}: user ${userId} is deactivated`, { field, userId });
  }
}

/** The subset of `userIds` that are active users of the tenant (for a roster's per-row verdicts). */
export async function activeUsersOf(tx: Tx, tenantId: string, userIds: string[]) {
  return findDirectoryUsers(tx, tenantId, [...new Set(userIds.map((id) => id.toLowerCase()))]);
}
