import { Skeleton } from '@eduspry/ui-components';
import { getTranslations } from 'next-intl/server';

export default async function Loading() {
  const t = await getTranslations('common');
  return (
    <>
      <div className="page-title" aria-hidden="true" />
      <Skeleton lines={3} height={160} label={t('loading')} />
    </>
  );
}
