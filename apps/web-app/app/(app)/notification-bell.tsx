import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { rest } from '@/lib/gateway';

/**
 * The header's bell: a link to the inbox that says how many notifications are unread (in words
 * for screen readers, as a number on screen). Without notification-service it is a plain link.
 */
export async function NotificationBell() {
  const t = await getTranslations('nav');
  const answer = await rest<{ unread: number }>('notification-service', '/notifications/unread-count');
  const unread = answer.ok ? (answer.data?.unread ?? 0) : null;
  return (
    <Link href="/notifications" className="bell" data-testid="notification-bell">
      <span aria-hidden="true">🔔 </span>
      {t('notifications')}
      {unread !== null ? (
        <>
          {unread > 0 ? (
            <span className="bell-count" aria-hidden="true">
              {unread > 99 ? '99+' : unread}
            </span>
          ) : null}
          <span className="ui-visually-hidden">, {t('unread', { count: unread })}</span>
        </>
      ) : null}
    </Link>
  );
}

/** The bell before its count arrives (and without notification-service): a plain link. */
NotificationBell.Fallback = function NotificationBellFallback({ label }: { label: string }) {
  return (
    <Link href="/notifications" className="bell" data-testid="notification-bell">
      <span aria-hidden="true">🔔 </span>
      {label}
    </Link>
  );
};
