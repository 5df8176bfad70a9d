import { Button, Card } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { Notices } from '@/components/notices';
import { rotateSigningKey } from '@/lib/actions';
import { requireSuperAdmin } from '@/lib/viewer';
import { Health } from './health';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('platform'))('title') };
}

export default async function Platform({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  await requireSuperAdmin('/platform');
  const params = await searchParams;
  const t = await getTranslations('platform');
  return (
    <>
      <h1 className="page-title">{t('title')}</h1>
      <Notices params={params} />
      <Health />
      <Card title={t('keys')}>
        <p>{t('keysBody')}</p>
        <form action={rotateSigningKey}>
          <Button>{t('rotate')}</Button>
        </form>
      </Card>
    </>
  );
}
