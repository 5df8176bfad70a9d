import { type TenantClaims, withTenant } from '@eduspry/common';
import { countUnread, listInbox, markAllRead, markRead, type NotificationRow } from '../db/notifications.ts';
import { problems } from '../problems.ts';
import { requireAccess } from './access.ts';
import type { NotificationContext } from './context.ts';

export interface InboxItem {
  id: string;
  category: string;
  title: string;
  body: string;
  link: string | null;
  data: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

export const toInboxItem = (row: NotificationRow): InboxItem => ({
  id: row.id,
  category: row.category,
  title: row.title,
  body: row.body,
  link: row.link,
  data: row.data,
  createdAt: row.created_at.toISOString(),
  readAt: row.read_at?.toISOString() ?? null,
});

/** The caller's own inbox, newest first; RLS shows no one else's rows whatever the query says. */
export function listNotifications(
  ctx: NotificationContext,
  claims: TenantClaims,
  query: { limit?: number | undefined; before?: string | undefined; unread?: boolean | undefined },
) {
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'inbox:own');
    const limit = query.limit ?? 20;
    const [rows, unread] = await Promise.all([
      listInbox(tx, claims.sub, {
        limit,
        before: query.before ? new Date(query.before) : undefined,
        unreadOnly: query.unread ?? false,
      }),
      countUnread(tx, claims.sub),
    ]);
    const items = rows.map(toInboxItem);
    return { items, unread, nextBefore: rows.length === limit ? (items.at(-1)?.createdAt ?? null) : null };
  });
}

export function unreadCount(ctx: NotificationContext, claims: TenantClaims) {
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'inbox:own');
    return { unread: await countUnread(tx, claims.sub) };
  });
}

export function markNotificationRead(ctx: NotificationContext, claims: TenantClaims, id: string) {
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'inbox:own');
    if (!(await markRead(tx, claims.sub, [id], ctx.now())))
      throw problems.create('notification-not-found', `No notification ${id} in your inbox`);
    return { unread: await countUnread(tx, claims.sub) };
  });
}

export function markAllNotificationsRead(ctx: NotificationContext, claims: TenantClaims) {
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'inbox:own');
    const marked = await markAllRead(tx, claims.sub, ctx.now());
    return { marked, unread: 0 };
  });
}
