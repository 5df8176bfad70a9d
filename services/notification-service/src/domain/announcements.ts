import { asPlatform, type TenantClaims, withTenant } from '@eduspry/common';
import { courseMembers } from '../db/people.ts';
import { requireAccess } from './access.ts';
import type { NotificationContext } from './context.ts';
import { recordNotifications } from './notify.ts';

/**
 * Course staff announce to the course: every member on the roster (kept from enrollment events)
 * except the author gets one inbox entry, pushed live and sent on their channels. The access check
 * runs under the caller's claims; the fan-out is platform work (it writes other users' inboxes,
 * which their owners' RLS rightly forbids the author to read), in one transaction with the
 * announcement itself.
 */
export async function announce(
  ctx: NotificationContext,
  claims: TenantClaims,
  courseId: string,
  input: { title: string; body: string },
) {
  await withTenant(ctx.sql, claims, (tx) => requireAccess(tx, claims, 'announcement:create', { courseId }));
  const tenantId = claims.app_metadata.tenant_id;
  return asPlatform(ctx.sql, 'fan out a course announcement', ctx.log, async (tx) => {
    const now = ctx.now();
    const members = (await courseMembers(tx, tenantId, courseId)).filter((userId) => userId !== claims.sub);
    const [row] = await tx<{ id: string; created_at: Date }[]>`
      insert into notification.announcements (tenant_id, course_id, author_id, title, body, recipients)
      values (${tenantId}, ${courseId}, ${claims.sub}, ${input.title}, ${input.body}, ${members.length})
      returning id, created_at`;
    const delivered = await recordNotifications(
      tx,
      tenantId,
      members.map((userId) => ({
        userId,
        category: 'announcement',
        cause: `announcement:${row!.id}`,
        title: input.title,
        body: input.body,
        link: `/courses/${courseId}`,
        data: { courseId, announcementId: row!.id, authorId: claims.sub },
      })),
      now,
    );
    return {
      id: row!.id,
      courseId,
      title: input.title,
      recipients: delivered,
      createdAt: row!.created_at.toISOString(),
    };
  });
}
