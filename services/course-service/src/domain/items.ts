import type { TenantClaims } from '@eduspry/common';
import {
  closeGaps,
  deleteItems,
  findItem,
  findModule,
  insertItem,
  listItems,
  lockModule,
  reorder,
  updateItem,
} from '../db/modules.ts';
import { problems } from '../problems.ts';
import { requireAccess } from './access.ts';
import { type CourseContext, inTenant } from './context.ts';
import { assertCompleteOrder, moduleLocked, moduleViews, tellItemsDeleted, tellSchedule } from './modules.ts';
import { type ItemKind, requiredItemField } from './rules.ts';

export interface NewItemFields {
  kind: ItemKind;
  title: string;
  body?: string | null | undefined;
  url?: string | null | undefined;
  fileId?: string | undefined;
  assessmentId?: string | undefined;
  published?: boolean | undefined;
}

export interface ItemPatch {
  title?: string | undefined;
  body?: string | null | undefined;
  url?: string | null | undefined;
  published?: boolean | undefined;
}

type ModuleIds = { courseId: string; moduleId: string };
type ItemIds = { courseId: string; itemId: string };

/** Appends an item; a link needs its url, a file its fileId, an assessment its assessmentId. */
export async function addItem(
  ctx: CourseContext,
  claims: TenantClaims,
  ids: ModuleIds,
  fields: NewItemFields,
) {
  const required = requiredItemField(fields.kind);
  if (required && !fields[required])
    throw problems.create('bad-request', `A ${fields.kind} item needs ${required}`, {
      field: `body.${required}`,
    });
  const item = await inTenant(ctx, claims, async (tx) => {
    const course = await requireAccess(tx, claims, 'course:manage', { courseId: ids.courseId });
    const module = await findModule(tx, course.id, ids.moduleId);
    if (!module) throw problems.create('not-found', `No module ${ids.moduleId}`);
    // Locked even for a draft item: positions are counted from the module's items.
    await lockModule(tx, module.id);
    const row = await insertItem(tx, {
      tenantId: claims.app_metadata.tenant_id,
      courseId: course.id,
      moduleId: module.id,
      kind: fields.kind,
      title: fields.title,
      body: fields.body ?? null,
      url: fields.url ?? null,
      fileId: fields.fileId ?? null,
      assessmentId: fields.assessmentId ?? null,
      published: fields.published ?? false,
    });
    if (row.published) await tellSchedule(ctx, tx, claims, { courseId: course.id, moduleId: module.id });
    return row;
  });
  return { ...item, completed: false };
}

export function reorderItems(ctx: CourseContext, claims: TenantClaims, ids: ModuleIds, itemIds: string[]) {
  return inTenant(ctx, claims, async (tx) => {
    const course = await requireAccess(tx, claims, 'course:manage', { courseId: ids.courseId, lock: true });
    const { moduleId } = ids;
    if (!(await findModule(tx, course.id, moduleId)))
      throw problems.create('not-found', `No module ${moduleId}`);
    assertCompleteOrder(
      itemIds,
      (await listItems(tx, course.id, moduleId)).map((i) => i.id),
      'itemIds',
    );
    await reorder(tx, 'items', itemIds);
    return (await listItems(tx, course.id, moduleId)).map((item) => ({ ...item, completed: false }));
  });
}

export function changeItem(ctx: CourseContext, claims: TenantClaims, ids: ItemIds, patch: ItemPatch) {
  return inTenant(ctx, claims, async (tx) => {
    const course = await requireAccess(tx, claims, 'course:manage', { courseId: ids.courseId });
    const item = await findItem(tx, course.id, ids.itemId);
    if (!item) throw problems.create('not-found', `No item ${ids.itemId}`);
    if (patch.url === null && requiredItemField(item.kind) === 'url')
      throw problems.create('bad-request', 'A link item needs url');
    const schedule = patch.published !== undefined && patch.published !== item.published;
    if (schedule) await lockModule(tx, item.moduleId);
    await updateItem(tx, item.id, patch);
    if (schedule) await tellSchedule(ctx, tx, claims, { courseId: course.id, moduleId: item.moduleId });
    return { ...(await findItem(tx, course.id, item.id))!, completed: false };
  });
}

/** Opening an item: 404 for unpublished (to non-staff), 403 module-locked while its module is locked. */
export function openItem(ctx: CourseContext, claims: TenantClaims, ids: ItemIds) {
  return inTenant(ctx, claims, async (tx) => {
    const course = await requireAccess(tx, claims, 'course:read', { courseId: ids.courseId });
    const item = await findItem(tx, course.id, ids.itemId);
    if (!item) throw problems.create('not-found', `No item ${ids.itemId}`);
    const module = (await moduleViews(tx, claims, course)).find((view) => view.id === item.moduleId);
    const staff = module?.access.reason === 'staff';
    if (!staff && (!module || !item.published)) throw problems.create('not-found', `No item ${ids.itemId}`);
    if (!module!.access.allowed) throw moduleLocked(module!.access.reason);
    return { ...item, completed: module!.items.some((i) => i.id === item.id && i.completed) };
  });
}

/**
 * Deletes an item (its completions go with it) and emits item_deleted in the same transaction, so
 * its files are deleted by content-service; a published item also changes its module's schedule.
 */
export function removeItem(ctx: CourseContext, claims: TenantClaims, ids: ItemIds): Promise<void> {
  return inTenant(ctx, claims, async (tx) => {
    const course = await requireAccess(tx, claims, 'course:manage', { courseId: ids.courseId });
    const item = await findItem(tx, course.id, ids.itemId);
    if (!item) throw problems.create('not-found', `No item ${ids.itemId}`);
    await lockModule(tx, item.moduleId);
    const deleted = await deleteItems(tx, course.id, { itemId: item.id });
    await closeGaps(tx, { moduleId: item.moduleId });
    await tellItemsDeleted(ctx, tx, claims, deleted, 'item');
    if (item.published) await tellSchedule(ctx, tx, claims, { courseId: course.id, moduleId: item.moduleId });
  });
}
