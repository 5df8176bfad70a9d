import {
  TenantOverview,
  type TenantReport,
  tenantOverviewLabels,
} from '@eduspry/ui-components/tenant-overview.tsx';
import type { Metadata } from 'next';
import { getLocale, getTranslations } from 'next-intl/server';
import { Notice } from '@/components/field';
import { api } from '@/lib/gateway';
import { requireAdmin } from '@/lib/viewer';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('analytics'))('title') };
}

/** The district's overview from analytics-service, in the web app's shared TenantOverview. */
export default async function Analytics() {
  await requireAdmin('/analytics');
  const t = await getTranslations('analytics');
  const answer = await api<TenantReport>('GET', 'analytics-service/reports/tenant');
  return (
    <>
      <h1 className="page-title">{t('title')}</h1>
      {!answer.ok ? (
        <Notice kind="error">{answer.status === 403 ? t('forbidden') : t('unavailable')}</Notice>
      ) : (
        <TenantOverview
          report={answer.data}
          locale={await getLocale()}
          labels={tenantOverviewLabels(t, answer.data)}
        />
      )}
    </>
  );
}
