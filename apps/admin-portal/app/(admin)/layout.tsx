import { Button } from '@eduspry/ui-components';
import { headers } from 'next/headers';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';
import { LanguageSwitcher } from '@/components/language-switcher';
import { signOut } from '@/lib/actions';
import { requireAdmin } from '@/lib/viewer';

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const path = (await headers()).get('x-admin-path') ?? '/';
  const who = await requireAdmin(path);
  const t = await getTranslations('nav');
  // Each page's nav label is under its own key (sso.nav, webhooks.nav, …).
  const label = await getTranslations();
  const tenantAdmin = who.roles.includes('tenant_admin');
  return (
    <>
      <header className="header">
        <Link className="brand" href="/">
          {t('brand')}
        </Link>
        <nav className="nav" aria-label={t('label')}>
          <Link href="/users">{t('users')}</Link>
          <Link href="/audit">{t('audit')}</Link>
          <Link href="/sso">{label('sso.nav')}</Link>
          <Link href="/logs">{label('logs.nav')}</Link>
          <Link href="/analytics">{label('analytics.nav')}</Link>
          {/* notification-service lets tenant admins only (not the super admin) manage these. */}
          {tenantAdmin ? <Link href="/webhooks">{label('webhooks.nav')}</Link> : null}
          {tenantAdmin ? <Link href="/notifications">{label('notificationDefaults.nav')}</Link> : null}
          <Link href="/retention">{label('retention.nav')}</Link>
          <Link href="/presence">{label('presence.nav')}</Link>
          <Link href="/storage">{label('storage.nav')}</Link>
          <Link href="/roster">{t('roster')}</Link>
          {who.superAdmin ? <Link href="/tenants">{t('tenants')}</Link> : null}
          {who.superAdmin ? <Link href="/platform">{t('platform')}</Link> : null}
          <span>
            <span className="ui-visually-hidden">{t('signedInAs')} </span>
            {who.displayName} ({who.tenantSlug})
          </span>
          <form action={signOut}>
            <Button variant="link">{t('signOut')}</Button>
          </form>
        </nav>
      </header>
      <div className="subheader">
        <LanguageSwitcher path={path} />
      </div>
      <main id="main" className="main">
        {children}
      </main>
    </>
  );
}
