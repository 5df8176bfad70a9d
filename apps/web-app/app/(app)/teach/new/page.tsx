import { Button, Card, Checkbox, TextField } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { createCourse } from '@/lib/actions';
import { Notices } from '../../notices';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('teach'))('title') };
}

export default async function NewCourse({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const t = await getTranslations('teach');
  return (
    <>
      <h1 className="page-title">{t('title')}</h1>
      <Notices params={await searchParams} />
      <Card>
        <form action={createCourse}>
          <TextField label={t('code')} name="code" required hint={t('codeHint')} />
          <TextField label={t('courseTitle')} name="title" required />
          <TextField label={t('description')} name="description" multiline />
          <TextField label={t('term')} name="term" hint={t('termHint')} />
          <TextField label={t('capacity')} name="capacity" type="number" hint={t('capacityHint')} />
          <Checkbox label={t('selfEnrollment')} name="selfEnrollment" defaultChecked />
          <Button>{t('submit')}</Button>
        </form>
      </Card>
    </>
  );
}
