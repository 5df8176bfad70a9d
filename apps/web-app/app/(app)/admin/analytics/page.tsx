import { Alert } from '@eduspry/ui-components';
import {
  TenantOverview,
  type TenantReport,
  tenantOverviewLabels,
} from '@eduspry/ui-components/tenant-overview.tsx';
import type { Metadata } from 'next';
import { getLocale, getTranslations } from 'next-intl/server';
import { analyticsReport, reportRange } from '@/lib/analytics';
import { RangeForm } from '../../range-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('analytics'))('tenantTitle') };
}

/** A tenant admin's overview of the district (the shared TenantOverview the admin portal shows too). */
export default async function DistrictOverview({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const range = reportRange(await searchParams);
  const answer = await analyticsReport<TenantReport>('/reports/tenant', range);
  const t = await getTranslations('analytics');
  const report = answer.data;
  return (
    <>
      <h1 className="page-title">{t('tenantTitle')}</h1>
      <RangeForm
        action="/admin/analytics"
        from={report?.from ?? range.from ?? ''}
        to={report?.to ?? range.to ?? ''}
      />
      {!report ? (
        <Alert kind="error">{answer.status === 403 ? t('forbidden') : t('unavailable')}</Alert>
      ) : (
        <TenantOverview
          report={report}
          locale={await getLocale()}
          courseHref={(id) => `/courses/${id}/analytics`}
          labels={tenantOverviewLabels(t, report)}
        />
      )}
    </>
  );
}
