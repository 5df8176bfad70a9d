import { Button, Card } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getFormatter, getTranslations } from 'next-intl/server';
import { Notice } from '@/components/field';
import { Notices } from '@/components/notices';
import type { TenantUser, UserSession } from '@/lib/auth-shapes';
import { UUID } from '@/lib/forms';
import { api } from '@/lib/gateway';
import { endUserSessions } from '@/lib/people-actions';
import { requireAdmin } from '@/lib/viewer';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('sessions'))('title') };
}

/** One user of the admin's tenant: who they are, and where they are signed in. */
export default async function UserDetail({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { id } = await params;
  const query = await searchParams;
  const who = await requireAdmin(`/users/${id}`);
  if (!UUID.test(id)) notFound();
  const t = await getTranslations('sessions');
  const roleName = await getTranslations('roles');
  const statusName = await getTranslations('status');
  const format = await getFormatter();
  const base = `auth-service/tenants/${who.tenantId}/users/${id}`;
  const [user, sessions] = await Promise.all([
    api<TenantUser>('GET', base),
    api<{ items: UserSession[] }>('GET', `${base}/sessions`),
  ]);
  if (!user.ok && user.status === 404) notFound();
  const when = (iso: string) => format.dateTime(new Date(iso), { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <>
      <p>
        <Link href="/users">{t('back')}</Link>
      </p>
      <h1 className="page-title">
        {user.ok ? t('heading', { name: user.data.displayName || user.data.email }) : t('title')}
      </h1>
      <Notices params={query} />
      {user.ok ? (
        <Card>
          <dl className="facts">
            <dt>{t('email')}</dt>
            <dd>{user.data.email}</dd>
            <dt>{t('roles')}</dt>
            <dd>{user.data.roles.map((r) => (roleName.has(r) ? roleName(r) : r)).join(', ')}</dd>
            <dt>{t('status')}</dt>
            <dd>{statusName.has(user.data.status) ? statusName(user.data.status) : user.data.status}</dd>
          </dl>
        </Card>
      ) : (
        <Notice kind="error">{t('unavailable')}</Notice>
      )}
      {sessions.ok ? (
        <Card title={t('count', { count: sessions.data.items.length })}>
          <p>{t('explain')}</p>
          {sessions.data.items.length === 0 ? (
            <p>{t('none')}</p>
          ) : (
            <>
              <table>
                <caption className="ui-visually-hidden">{t('caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('started')}</th>
                    <th scope="col">{t('lastUsed')}</th>
                    <th scope="col">{t('device')}</th>
                    <th scope="col">{t('ip')}</th>
                    <th scope="col">{t('actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {sessions.data.items.map((session) => (
                    <tr key={session.id}>
                      <td>{when(session.createdAt)}</td>
                      <td>{when(session.lastUsedAt)}</td>
                      <td>{session.userAgent ?? t('unknown')}</td>
                      <td>{session.ip ?? t('unknown')}</td>
                      <td>
                        <form action={endUserSessions}>
                          <input type="hidden" name="userId" value={id} />
                          <input type="hidden" name="sessionId" value={session.id} />
                          <button className="ui-button ui-button-secondary" type="submit">
                            {t('endOne')}
                            <span className="ui-visually-hidden">
                              {' '}
                              {t('startedAt', {
                                when: when(session.createdAt),
                                device: session.userAgent ?? t('unknown'),
                              })}
                            </span>
                          </button>
                        </form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <form action={endUserSessions} className="after-table">
                <input type="hidden" name="userId" value={id} />
                <Button>{t('endAll')}</Button>
              </form>
            </>
          )}
        </Card>
      ) : (
        <Notice kind="error">{t('unavailable')}</Notice>
      )}
    </>
  );
}
