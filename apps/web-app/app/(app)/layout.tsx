import { Button } from '@eduspry/ui-components';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { type ReactNode, Suspense } from 'react';
import { signOut } from '@/lib/actions';
import { isAdmin, isStaff, requireViewer } from '@/lib/viewer';
import { LiveNotifications } from './live';
import { NotificationBell } from './notification-bell';

export default async function AppLayout({ children }: { children: ReactNode }) {
  const viewer = await requireViewer();
  const t = await getTranslations('nav');
  const brand = (await getTranslations('meta'))('brand');
  return (
    <>
      <header className="header">
        <Link className="brand" href="/dashboard">
          {brand}
        </Link>
        <nav className="nav" aria-label={t('main')}>
          <Link href="/dashboard">{t('myCourses')}</Link>
          <Link href="/catalog">{t('catalog')}</Link>
          <Link href="/progress">{t('progress')}</Link>
          {isStaff(viewer) ? <Link href="/teach/new">{t('newCourse')}</Link> : null}
          {isAdmin(viewer) ? <Link href="/admin/users">{t('users')}</Link> : null}
          {isAdmin(viewer) ? <Link href="/admin/analytics">{t('overview')}</Link> : null}
          {/* The count streams in after the page: a slow inbox never holds the page back. */}
          <Suspense fallback={<NotificationBell.Fallback label={t('notifications')} />}>
            <NotificationBell />
          </Suspense>
          <span>
            <span className="ui-visually-hidden">{t('signedInAs')} </span>
            {viewer.displayName ?? viewer.email}
          </span>
          <form action={signOut}>
            <Button variant="link">{t('signOut')}</Button>
          </form>
        </nav>
      </header>
      <main id="main" className="main">
        {children}
      </main>
      <LiveNotifications userId={viewer.id} />
    </>
  );
}
