import type { paths as NotificationService } from '@eduspry/contracts/openapi/notification-service';
import type { JsonAnswer } from '@eduspry/contracts/openapi-types';
import { Alert, Badge, Button, Card, EmptyState } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { markAllNotificationsRead, markNotificationRead } from '@/lib/actions';
import { rest } from '@/lib/gateway';
import { Notices } from '../notices';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('notifications'))('title') };
}

/** The inbox (notification-service's `/notifications`, through the gateway), newest first. */
export default async function Notifications({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const t = await getTranslations('notifications');
  const answer = await rest<JsonAnswer<NotificationService, '/notifications', 'get'>>(
    'notification-service',
    '/notifications?limit=50',
  );
  const items = answer.data?.items ?? [];
  return (
    <>
      <h1 className="page-title">{t('title')}</h1>
      <Notices params={await searchParams} />
      {!answer.ok ? <Alert kind="error">{t('unavailable')}</Alert> : null}
      {answer.ok && (answer.data?.unread ?? 0) > 0 ? (
        <form action={markAllNotificationsRead}>
          <Button variant="secondary">{t('markAllRead')}</Button>
        </form>
      ) : null}
      {answer.ok && items.length === 0 ? <EmptyState>{t('empty')}</EmptyState> : null}
      <ul className="inbox">
        {items.map((item) => (
          <li key={item.id}>
            <Card
              title={
                <>
                  {item.title} {item.readAt ? null : <Badge tone="locked">{t('unread')}</Badge>}
                </>
              }
              actions={
                item.readAt ? undefined : (
                  <form action={markNotificationRead}>
                    <input type="hidden" name="id" value={item.id} />
                    <Button variant="secondary">
                      {t('markRead')}
                      <span className="ui-visually-hidden">: {item.title}</span>
                    </Button>
                  </form>
                )
              }
            >
              <p>{item.body}</p>
              <p className="meta">
                <time dateTime={item.createdAt}>{t('received', { at: new Date(item.createdAt) })}</time>
                {item.link?.startsWith('/') && !item.link.startsWith('//') ? (
                  <>
                    {' · '}
                    <Link href={item.link}>
                      {t('open')}
                      <span className="ui-visually-hidden">: {item.title}</span>
                    </Link>
                  </>
                ) : null}
              </p>
            </Card>
          </li>
        ))}
      </ul>
    </>
  );
}
