import { conflict, notFound, type TenantClaims, type Tx, withTenant } from '@eduspry/common';
import {
  findRosterImport,
  insertRosterAudit,
  insertRosterImport,
  insertRosterUsers,
  lockTenantRoster,
  markRosterApplied,
  type RosterImportRow,
  tenantUsersForRoster,
} from '../db/roster.ts';
import { findTenantById } from '../db/tenants.ts';
import { updateUser } from '../db/users.ts';
import { problems } from '../problems.ts';
import { requireAccess } from './access.ts';
import { registeredEvent } from './accounts.ts';
import type { AuthContext, RequestMeta } from './context.ts';
import { diffHash, diffRoster, type RosterDiff, RosterFileError, readUsersCsv } from './roster-rules.ts';
import { endUserSessions } from './session-ends.ts';

/** How many entries of each list a dry run's answer carries; the rest come a page at a time. */
export const FIRST_PAGE = 50;
export type DiffList = 'creates' | 'changes' | 'removals' | 'errors';

function summary(row: RosterImportRow) {
  const { diff } = row;
  return {
    id: row.id,
    hash: row.diff_hash,
    createdAt: row.created_at.toISOString(),
    appliedAt: row.applied_at?.toISOString() ?? null,
    counts: {
      creates: diff.creates.length,
      changes: diff.changes.length,
      removals: diff.removals.length,
      unchanged: diff.unchanged,
      errors: diff.errors.length,
    },
    result: row.result,
  };
}

/**
 * The dry run: reads users.csv, compares it with the tenant's users and keeps both the rows and
 * the diff. Nothing about any user changes here.
 */
export async function dryRunRoster(
  ctx: AuthContext,
  claims: TenantClaims,
  tenantId: string,
  usersCsv: string,
) {
  requireAccess(claims, 'tenant:administer', { tenantId });
  let file: Awaited<ReturnType<typeof readUsersCsv>>;
  try {
    file = await readUsersCsv(usersCsv);
  } catch (error) {
    if (error instanceof RosterFileError) throw problems.create('invalid-roster-file', error.message);
    throw error;
  }
  const row = await withTenant(ctx.sql, claims, async (tx) => {
    if (!(await findTenantById(tx, tenantId))) throw notFound('No such tenant');
    const diff = diffRoster(file, await tenantUsersForRoster(tx, tenantId), claims.sub);
    return insertRosterImport(tx, {
      tenantId,
      createdBy: claims.sub,
      rows: file.users,
      diff,
      hash: diffHash(diff),
    });
  });
  return { ...summary(row), ...firstPages(row.diff) };
}

function firstPages(diff: RosterDiff) {
  return {
    creates: diff.creates.slice(0, FIRST_PAGE),
    changes: diff.changes.slice(0, FIRST_PAGE),
    removals: diff.removals.slice(0, FIRST_PAGE),
    errors: diff.errors.slice(0, FIRST_PAGE),
  };
}

/** A dry run again: its counts and one page of one of its lists. */
export async function getRosterImport(
  ctx: AuthContext,
  claims: TenantClaims,
  tenantId: string,
  importId: string,
  page: { list: DiffList; offset: number; limit: number },
) {
  requireAccess(claims, 'tenant:administer', { tenantId });
  const row = await withTenant(ctx.sql, claims, (tx) => findRosterImport(tx, tenantId, importId));
  if (!row) throw notFound('No such roster import');
  const items: RosterDiff[DiffList] = row.diff[page.list];
  return {
    ...summary(row),
    list: page.list,
    total: items.length,
    items: items.slice(page.offset, page.offset + page.limit),
  };
}

/**
 * Applies a dry run exactly: the diff is computed again from the kept rows against the users as
 * they are now, under the tenant's roster lock, and must have the hash the admin approved (409
 * `roster-changed` otherwise: dry-run again). Creations and changes always apply; removals
 * (deactivations, never deletions) only with `remove: true`.
 */
export async function applyRosterImport(
  ctx: AuthContext,
  claims: TenantClaims,
  tenantId: string,
  importId: string,
  input: { hash: string; remove: boolean },
  meta: RequestMeta,
) {
  requireAccess(claims, 'tenant:administer', { tenantId });
  return withTenant(ctx.sql, claims, async (tx) => {
    await lockTenantRoster(tx, tenantId);
    const row = await findRosterImport(tx, tenantId, importId, { forUpdate: true });
    if (!row) throw notFound('No such roster import');
    if (row.applied_at) throw conflict('This roster import was already applied; run a new dry run');
    const diff = diffRoster(
      { users: row.rows, errors: row.diff.errors },
      await tenantUsersForRoster(tx, tenantId),
      claims.sub,
    );
    const hash = diffHash(diff);
    if (input.hash !== row.diff_hash || hash !== row.diff_hash)
      throw problems.create(
        'roster-changed',
        input.hash !== row.diff_hash
          ? 'The hash is not the one of this dry run'
          : "The tenant's users changed since the dry run; run it again and review the new diff",
      );
    const result = {
      created: await createUsers(ctx, tx, claims, tenantId, diff, meta),
      changed: await changeUsers(ctx, tx, claims, tenantId, diff, meta),
      removed: input.remove ? await removeUsers(ctx, tx, claims, tenantId, diff, meta) : 0,
      removalsSkipped: input.remove ? 0 : diff.removals.length,
    };
    await markRosterApplied(tx, row.id, claims.sub, result);
    return { ...summary({ ...row, applied_at: new Date(), result }), result };
  });
}

/**
 * New accounts are active, email-verified and without a password: they sign in through the
 * district's single sign-on (linked by the verified email) or choose a password with "forgot
 * password". No invitation mail goes to 5,000 students, and being registered (user_registered)
 * makes them enrollable at once.
 */
async function createUsers(
  ctx: AuthContext,
  tx: Tx,
  claims: TenantClaims,
  tenantId: string,
  diff: RosterDiff,
  meta: RequestMeta,
): Promise<number> {
  const created = await insertRosterUsers(tx, tenantId, diff.creates);
  // The diff saw none of these emails under the roster lock, so every insert must have happened.
  if (created.length !== diff.creates.length)
    throw conflict('An account of the roster was created meanwhile; run the dry run again');
  await insertRosterAudit(
    tx,
    created.map((user) => ({
      tenantId,
      action: 'user.registered',
      actorId: claims.sub,
      subjectId: user.id,
      ip: meta.ip ?? null,
      detail: { via: 'roster_import', roles: user.roles },
    })),
  );
  for (const user of created)
    await ctx.events(tx, {
      type: 'user.authentication.user_registered',
      data: registeredEvent(user, 'admin'),
    });
  return created.length;
}

async function changeUsers(
  ctx: AuthContext,
  tx: Tx,
  claims: TenantClaims,
  tenantId: string,
  diff: RosterDiff,
  meta: RequestMeta,
): Promise<number> {
  for (const change of diff.changes) {
    const { before, after } = change;
    const updated = (await updateUser(tx, tenantId, change.userId, {
      displayName: after.displayName,
      roles: after.roles,
      status: after.status,
    }))!;
    const at = updated.updated_at.toISOString();
    if (JSON.stringify(before.roles) !== JSON.stringify(after.roles))
      await ctx.events(tx, {
        type: 'user.authentication.user_role_changed',
        data: {
          userId: change.userId,
          tenantId,
          previousRoles: before.roles,
          roles: after.roles,
          changedBy: claims.sub,
          changedAt: at,
        },
      });
    // The directories other services keep (course rosters) learn the new name; an invited user's
    // user_registered carries it when they accept.
    if (before.displayName !== after.displayName && before.status !== 'invited')
      await ctx.events(tx, {
        type: 'user.authentication.user_profile_changed',
        data: {
          userId: change.userId,
          tenantId,
          displayName: after.displayName,
          previousDisplayName: before.displayName || null,
          changedBy: claims.sub,
          changedAt: at,
        },
      });
    if (before.status === 'deactivated' && after.status !== 'deactivated')
      await ctx.events(tx, {
        type: 'user.authentication.user_reactivated',
        data: {
          userId: change.userId,
          tenantId,
          status: after.status,
          reactivatedBy: claims.sub,
          reactivatedAt: at,
        },
      });
  }
  await insertRosterAudit(
    tx,
    diff.changes.map((change) => ({
      tenantId,
      action: 'user.roster_changed',
      actorId: claims.sub,
      subjectId: change.userId,
      ip: meta.ip ?? null,
      detail: { from: change.before, to: change.after },
    })),
  );
  return diff.changes.length;
}

/** Removal is deactivation: the account, its history and its enrolments stay, sign-in stops. */
async function removeUsers(
  ctx: AuthContext,
  tx: Tx,
  claims: TenantClaims,
  tenantId: string,
  diff: RosterDiff,
  meta: RequestMeta,
): Promise<number> {
  for (const removal of diff.removals) {
    const updated = (await updateUser(tx, tenantId, removal.userId, { status: 'deactivated' }))!;
    await endUserSessions(ctx, tx, removal.userId, 'user_deactivated');
    await ctx.events(tx, {
      type: 'user.authentication.user_deactivated',
      data: {
        userId: removal.userId,
        tenantId,
        deactivatedBy: claims.sub,
        reason: 'roster_import',
        deactivatedAt: updated.updated_at.toISOString(),
      },
    });
  }
  await insertRosterAudit(
    tx,
    diff.removals.map((removal) => ({
      tenantId,
      action: 'user.deactivated',
      actorId: claims.sub,
      subjectId: removal.userId,
      ip: meta.ip ?? null,
      detail: { via: 'roster_import', line: removal.line },
    })),
  );
  return diff.removals.length;
}
