import type { TenantClaims } from '@eduspry/common';
import {
  findRosterImport,
  insertRosterImport,
  lockTenantRoster,
  markRosterApplied,
  type RosterImportResult,
  type RosterImportRow,
  rosterState,
} from '../db/roster-imports.ts';
import { problems } from '../problems.ts';
import { requireAccess } from './access.ts';
import { type CourseContext, inTenant, type ReadContext } from './context.ts';
import { dropEnrollment, enrollUser } from './enrollments.ts';
import {
  type EnrollmentPlan,
  OneRosterFileError,
  type OneRosterFiles,
  planEnrollments,
  planHash,
  readOneRoster,
} from './oneroster-rules.ts';

/** How many entries of each list a dry run's answer carries; the rest come a page at a time. */
export const FIRST_PAGE = 50;
export type PlanList = 'enrols' | 'changes' | 'removals' | 'errors';

function summary(row: RosterImportRow) {
  const { plan } = row;
  return {
    id: row.id,
    hash: row.plan_hash,
    createdAt: row.created_at.toISOString(),
    appliedAt: row.applied_at?.toISOString() ?? null,
    counts: {
      enrols: plan.enrols.length,
      changes: plan.changes.length,
      removals: plan.removals.length,
      unchanged: plan.unchanged,
      errors: plan.errors.length,
    },
    result: row.result,
  };
}

function firstPages(plan: EnrollmentPlan) {
  return {
    enrols: plan.enrols.slice(0, FIRST_PAGE),
    changes: plan.changes.slice(0, FIRST_PAGE),
    removals: plan.removals.slice(0, FIRST_PAGE),
    errors: plan.errors.slice(0, FIRST_PAGE),
  };
}

/**
 * The dry run of a OneRoster enrolment import: joins enrollments.csv with users.csv and
 * classes.csv, compares it with the tenant's courses and enrolments, and keeps the rows and the
 * plan. No enrolment changes here. Users are matched by email in course-service's directory, so a
 * users import must have been applied (and its events arrived) before its students can be enrolled.
 */
export async function dryRunEnrollmentImport(ctx: ReadContext, claims: TenantClaims, files: OneRosterFiles) {
  let file: ReturnType<typeof readOneRoster>;
  try {
    file = readOneRoster(files);
  } catch (error) {
    if (error instanceof OneRosterFileError) throw problems.create('invalid-roster-file', error.message);
    throw error;
  }
  const tenantId = claims.app_metadata.tenant_id;
  const row = await inTenant(ctx, claims, async (tx) => {
    await requireAccess(tx, claims, 'roster:sync');
    const plan = planEnrollments(file, await rosterState(tx, tenantId, file.lines));
    return insertRosterImport(tx, {
      tenantId,
      createdBy: claims.sub,
      rows: file,
      plan,
      hash: planHash(plan),
    });
  });
  return { ...summary(row), ...firstPages(row.plan) };
}

/** A dry run again: its counts and one page of one of its lists. */
export async function getEnrollmentImport(
  ctx: ReadContext,
  claims: TenantClaims,
  importId: string,
  page: { list: PlanList; offset: number; limit: number },
) {
  const row = await inTenant(ctx, claims, async (tx) => {
    await requireAccess(tx, claims, 'roster:sync');
    return findRosterImport(tx, claims.app_metadata.tenant_id, importId);
  });
  if (!row) throw problems.create('not-found', 'No such roster import');
  const items = row.plan[page.list];
  return {
    ...summary(row),
    list: page.list,
    total: items.length,
    items: items.slice(page.offset, page.offset + page.limit),
  };
}

/**
 * Applies a dry run exactly: the plan is computed again from the kept rows against the enrolments
 * as they are now, under the tenant's roster lock, and must have the hash the admin approved (409
 * `roster-changed` otherwise: dry-run again). Enrolments and role changes always apply (a student
 * of a full course is waitlisted, as any enrolment is); drops only with `remove: true`.
 */
export async function applyEnrollmentImport(
  ctx: CourseContext,
  claims: TenantClaims,
  importId: string,
  input: { hash: string; remove: boolean },
) {
  const tenantId = claims.app_metadata.tenant_id;
  return inTenant(ctx, claims, async (tx) => {
    await requireAccess(tx, claims, 'roster:sync');
    await lockTenantRoster(tx, tenantId);
    const row = await findRosterImport(tx, tenantId, importId, { forUpdate: true });
    if (!row) throw problems.create('not-found', 'No such roster import');
    if (row.applied_at)
      throw problems.create('conflict', 'This roster import was already applied; run a new dry run');
    if (input.hash !== row.plan_hash)
      throw problems.create('roster-changed', 'The hash is not the one of this dry run');
    const plan = planEnrollments(row.rows, await rosterState(tx, tenantId, row.rows.lines));
    if (planHash(plan) !== row.plan_hash)
      throw problems.create(
        'roster-changed',
        "The tenant's courses, users or enrolments changed since the dry run; run it again and review the new plan",
      );
    const actor = { actorId: claims.sub };
    const result: RosterImportResult = {
      enrolled: 0,
      waitlisted: 0,
      changed: 0,
      removed: 0,
      removalsSkipped: input.remove ? 0 : plan.removals.length,
    };
    for (const entry of [...plan.enrols, ...plan.changes]) {
      const { enrollment } = await enrollUser(tx, ctx.events, entry, actor);
      if ('before' in entry) result.changed++;
      else if (enrollment.status === 'waitlisted') result.waitlisted++;
      else result.enrolled++;
    }
    if (input.remove)
      for (const entry of plan.removals) {
        await dropEnrollment(tx, ctx.events, entry, actor);
        result.removed++;
      }
    await markRosterApplied(tx, row.id, claims.sub, result);
    return { ...summary({ ...row, applied_at: new Date(), result }), result };
  });
}
