import type { TenantClaims, Tx } from '@eduspry/common';
import type { CourseRow } from '../db/courses.ts';
import {
  closeGaps,
  completedItemIds,
  deleteItems,
  deleteModule,
  findModule,
  type ItemRow,
  insertModule,
  listItems,
  listModules,
  lockModule,
  type ModuleRow,
  moduleProgress,
  moduleSchedule,
  reorder,
  updateModule,
} from '../db/modules.ts';
import { problems } from '../problems.ts';
import { membershipOf, requireAccess } from './access.ts';
import { type CourseContext, inTenant } from './context.ts';
import {
  type AccessReason,
  createsPrerequisiteCycle,
  decideAccess,
  isActiveStaff,
  isCourseStaff,
  isSameSet,
  type Membership,
  percentComplete,
} from './rules.ts';

export interface ModuleView extends ModuleRow {
  access: { allowed: boolean; reason: AccessReason };
  progress: { completed: number; total: number; percent: number };
}

/**
 * Every module of a course as one user experiences it: whether it is open and why not, and
 * how far they are through it. Shared by the HTTP use cases and the gRPC CheckAccess.
 */
export async function modulesFor(
  tx: Tx,
  claims: TenantClaims,
  course: CourseRow,
  membership: Membership | null,
  userId: string = claims.sub,
  now: Date = new Date(),
): Promise<ModuleView[]> {
  // Asking about someone else: their own membership decides, never the asker's admin role.
  const staff = userId === claims.sub ? isCourseStaff(claims, membership) : isActiveStaff(membership);
  const [modules, progress] = await Promise.all([
    listModules(tx, course.id),
    moduleProgress(tx, course.id, userId),
  ]);
  const isComplete = (moduleId: string) => {
    const p = progress.get(moduleId);
    return !p || p.completed >= p.total;
  };
  return modules.map((module) => {
    const p = progress.get(module.id) ?? { total: 0, completed: 0 };
    return {
      ...module,
      access: decideAccess({
        staff,
        courseState: course.state,
        membership,
        module: {
          published: module.published,
          unlockAt: module.unlockAt,
          prerequisiteComplete: !module.requiresModuleId || isComplete(module.requiresModuleId),
        },
        now,
      }),
      progress: { ...p, percent: percentComplete(p.completed, p.total) },
    };
  });
}

/** Modules with their items as the caller experiences them; non-staff never see unpublished ones. */
export async function moduleViews(tx: Tx, claims: TenantClaims, course: CourseRow) {
  const membership = membershipOf(course);
  const staff = isCourseStaff(claims, membership);
  const modules = await modulesFor(tx, claims, course, membership);
  const items = await listItems(tx, course.id);
  const done = await completedItemIds(tx, course.id, claims.sub);
  return modules
    .filter((module) => staff || module.published)
    .map((module: ModuleView) => ({
      ...module,
      items: items
        .filter((item) => item.moduleId === module.id && (staff || item.published))
        .map((item) => ({ ...item, completed: done.has(item.id) })),
    }));
}

export type ModuleWithItems = Awaited<ReturnType<typeof moduleViews>>[number];

export const moduleLocked = (reason: string) =>
  problems.create('module-locked', `This content is not open to you yet (${reason})`, { reason });

export interface ModuleFields {
  published?: boolean | undefined;
  unlockAt?: string | null | undefined;
  requiresModuleId?: string | null | undefined;
}

export function listCourseModules(ctx: CourseContext, claims: TenantClaims, courseId: string) {
  return inTenant(ctx, claims, async (tx) =>
    moduleViews(tx, claims, await requireAccess(tx, claims, 'course:read', { courseId })),
  );
}

/** Opening a module: 403 module-locked while its unlock rules are not met for the caller. */
export function openModule(ctx: CourseContext, claims: TenantClaims, courseId: string, moduleId: string) {
  return inTenant(ctx, claims, async (tx) => {
    const course = await requireAccess(tx, claims, 'course:read', { courseId });
    const module = (await moduleViews(tx, claims, course)).find((view) => view.id === moduleId);
    if (!module) throw problems.create('not-found', `No module ${moduleId}`);
    if (!module.access.allowed) throw moduleLocked(module.access.reason);
    return module;
  });
}

/**
 * Emits `course.management.schedule_changed` with the module's schedule as this transaction
 * leaves it: what analytics needs to tell a student behind the schedule. A change to an existing
 * module takes `lockModule` before it, so the events of one module are stamped in commit order.
 */
export async function tellSchedule(
  ctx: CourseContext,
  tx: Tx,
  claims: TenantClaims,
  ids: { courseId: string; moduleId: string },
): Promise<void> {
  const schedule = await moduleSchedule(tx, ids.moduleId);
  await ctx.events.scheduleChanged(tx, {
    tenantId: claims.app_metadata.tenant_id,
    ...ids,
    published: schedule?.published ?? false,
    unlockAt: schedule?.unlockAt?.toISOString() ?? null,
    itemIds: schedule?.itemIds ?? [],
    removed: !schedule,
    changedBy: claims.sub,
    changedAt: (schedule?.changedAt ?? new Date()).toISOString(),
  });
}

/** Whether a change touches what students are expected to have done, and by when. */
const changesSchedule = (patch: { published?: boolean | undefined; unlockAt?: string | null | undefined }) =>
  patch.published !== undefined || patch.unlockAt !== undefined;

async function assertRequirable(tx: Tx, courseId: string, requiresModuleId: string): Promise<void> {
  if (!(await findModule(tx, courseId, requiresModuleId)))
    throw problems.create(
      'bad-request',
      `requiresModuleId ${requiresModuleId} is not a module of this course`,
    );
}

export function addModule(
  ctx: CourseContext,
  claims: TenantClaims,
  courseId: string,
  fields: ModuleFields & { title: string },
) {
  return inTenant(ctx, claims, async (tx) => {
    const course = await requireAccess(tx, claims, 'course:manage', { courseId, lock: true });
    const { requiresModuleId = null } = fields;
    if (requiresModuleId) await assertRequirable(tx, course.id, requiresModuleId);
    const row = await insertModule(tx, {
      tenantId: claims.app_metadata.tenant_id,
      courseId: course.id,
      title: fields.title,
      published: fields.published ?? false,
      unlockAt: fields.unlockAt ?? null,
      requiresModuleId,
    });
    await tellSchedule(ctx, tx, claims, { courseId: course.id, moduleId: row.id });
    return (await moduleViews(tx, claims, course)).find((view) => view.id === row.id)!;
  });
}

export function changeModule(
  ctx: CourseContext,
  claims: TenantClaims,
  { courseId, moduleId }: { courseId: string; moduleId: string },
  patch: ModuleFields & { title?: string | undefined },
) {
  return inTenant(ctx, claims, async (tx) => {
    const course = await requireAccess(tx, claims, 'course:manage', { courseId });
    if (!(await findModule(tx, course.id, moduleId)))
      throw problems.create('not-found', `No module ${moduleId}`);
    const { requiresModuleId } = patch;
    if (requiresModuleId) {
      if (requiresModuleId === moduleId)
        throw problems.create('bad-request', 'A module cannot require itself');
      await assertRequirable(tx, course.id, requiresModuleId);
      const requiresOf = new Map((await listModules(tx, course.id)).map((m) => [m.id, m.requiresModuleId]));
      if (createsPrerequisiteCycle(requiresOf, moduleId, requiresModuleId))
        throw problems.create('bad-request', 'Unlock rules would form a cycle');
    }
    if (changesSchedule(patch)) await lockModule(tx, moduleId);
    await updateModule(tx, moduleId, patch);
    if (changesSchedule(patch)) await tellSchedule(ctx, tx, claims, { courseId: course.id, moduleId });
    return (await moduleViews(tx, claims, course)).find((view) => view.id === moduleId)!;
  });
}

/** A reorder lists every id exactly once, or it is a 400 naming the field. */
export function assertCompleteOrder(given: string[], existing: string[], field: string): void {
  if (!isSameSet(given, existing))
    throw problems.create(
      'bad-request',
      `${field} must list every id exactly once (${new Set(existing).size} expected)`,
      {
        field: `body.${field}`,
      },
    );
}

export function reorderModules(
  ctx: CourseContext,
  claims: TenantClaims,
  courseId: string,
  moduleIds: string[],
) {
  return inTenant(ctx, claims, async (tx) => {
    const course = await requireAccess(tx, claims, 'course:manage', { courseId, lock: true });
    assertCompleteOrder(
      moduleIds,
      (await listModules(tx, course.id)).map((m) => m.id),
      'moduleIds',
    );
    await reorder(tx, 'modules', moduleIds);
    return moduleViews(tx, claims, course);
  });
}

/**
 * Emits `course.management.item_deleted` for each deleted item, in the deleting transaction: what
 * content-service needs to delete the item's files without asking course-service.
 */
export async function tellItemsDeleted(
  ctx: CourseContext,
  tx: Tx,
  claims: TenantClaims,
  items: ItemRow[],
  cause: 'item' | 'module',
): Promise<void> {
  const deletedAt = new Date().toISOString();
  await ctx.events.itemsDeleted(
    tx,
    items.map((item) => ({
      tenantId: claims.app_metadata.tenant_id,
      courseId: item.courseId,
      moduleId: item.moduleId,
      itemId: item.id,
      kind: item.kind,
      fileId: item.fileId,
      assessmentId: item.assessmentId,
      cause,
      deletedBy: claims.sub,
      deletedAt,
    })),
  );
}

/**
 * Deletes a module with all its items (their completions go with them): one item_deleted per
 * item, and the module's schedule as removed, all in the deleting transaction. Modules that
 * required it no longer require anything (`on delete set null`).
 */
export function removeModule(
  ctx: CourseContext,
  claims: TenantClaims,
  { courseId, moduleId }: { courseId: string; moduleId: string },
): Promise<void> {
  return inTenant(ctx, claims, async (tx) => {
    const course = await requireAccess(tx, claims, 'course:manage', { courseId, lock: true });
    if (!(await findModule(tx, course.id, moduleId)))
      throw problems.create('not-found', `No module ${moduleId}`);
    await lockModule(tx, moduleId);
    const items = await deleteItems(tx, course.id, { moduleId });
    await deleteModule(tx, course.id, moduleId);
    await closeGaps(tx, { courseId: course.id });
    await tellItemsDeleted(ctx, tx, claims, items, 'module');
    await tellSchedule(ctx, tx, claims, { courseId: course.id, moduleId });
  });
}
