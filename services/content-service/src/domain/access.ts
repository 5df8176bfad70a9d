import { isSuperAdmin, isTenantAdminOf } from '@eduspry/contracts/roles';
import { problems } from '../problems.ts';
import type { Caller, ContentContext } from './context.ts';
import { readVerdict } from './rules.ts';

/** Everything content-service lets a caller do, named once. */
export type Permission = 'file:read' | 'file:manage' | 'storage:administer';

/**
 * The check every use case starts with. Reads ask course-service's CheckAccess for the item
 * (or the course, for a file on no item): open → go on; locked → 403 with the lock reason;
 * anything else → 404, exactly as for a file that does not exist. Managing files needs the
 * CheckAccess answer `staff` for the course, and for its item when there is one (teacher or TA
 * of it, or its tenant's admin), decided by course-service over gRPC, not by a copy of its rules.
 */
export async function requireAccess(
  ctx: ContentContext,
  caller: Caller,
  permission: Permission,
  target: { courseId?: string; itemId?: string | null; tenantId?: string } = {},
): Promise<void> {
  if (permission === 'storage:administer') {
    if (!isTenantAdminOf(caller.claims))
      throw problems.create('forbidden', "Only the tenant's admin manages storage");
    if (target.tenantId !== caller.claims.app_metadata.tenant_id && !isSuperAdmin(caller.claims))
      throw problems.create('forbidden', "Only a super_admin manages another district's storage");
    return;
  }
  const courseId = target.courseId!;
  if (permission === 'file:read') {
    const answer = await ctx.access.check({ ...caller, courseId, itemId: target.itemId ?? null });
    const verdict = readVerdict(answer);
    if (verdict === 'open') return;
    if (verdict === 'locked')
      throw problems.create('item-locked', 'This item is not open yet', { reason: answer.reason });
    throw problems.create('file-not-found', 'No such file');
  }
  // Asked with the item: a file cannot be put on an item course-service no longer has (deleted).
  const itemId = target.itemId ?? null;
  const answer = await ctx.access.check({ ...caller, courseId, itemId });
  if (answer.allowed && answer.reason === 'staff') return;
  if (answer.reason === 'not-found')
    throw problems.create(
      'not-found',
      itemId ? `No item ${itemId} in course ${courseId}` : `No course ${courseId}`,
    );
  throw problems.create('not-course-staff', "Only the course's teachers and TAs manage its files");
}

/**
 * `file:read` for many items of one course at once (a listing): the items (null: files on no
 * item) whose files the caller may open, asked together (CheckAccessStream) instead of one
 * CheckAccess per item. Locked and hidden items are simply left out.
 */
export async function readableItems(
  ctx: ContentContext,
  caller: Caller,
  courseId: string,
  itemIds: (string | null)[],
): Promise<Set<string | null>> {
  const answers = await ctx.access.checkMany(
    caller,
    itemIds.map((itemId) => ({ courseId, itemId })),
  );
  return new Set(itemIds.filter((_, i) => readVerdict(answers[i]!) === 'open'));
}
