import { Badge, Button, Card, EmptyState, TextField } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { enroll } from '@/lib/actions';
import { gql } from '@/lib/gateway';
import { label } from '@/lib/words';
import { Notices } from '../notices';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('catalog'))('title') };
}

interface CatalogCourse {
  id: string;
  code: string;
  title: string;
  description: string;
  term: string | null;
  state: string;
  selfEnrollment: boolean;
  myEnrollment: { role: string; status: string } | null;
}

export default async function Catalog({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const params = await searchParams;
  const { data, errors } = await gql<{
    courses: { items: CatalogCourse[]; nextCursor: string | null } | null;
  }>('Catalog', { search: params.q || null, after: params.after || null });
  const t = await getTranslations();
  const courses = data?.courses?.items ?? [];
  return (
    <>
      <h1 className="page-title">{t('catalog.title')}</h1>
      <Notices params={params} errors={errors} />
      <form className="search" aria-label={t('common.search')} action="/catalog">
        <TextField label={t('catalog.searchLabel')} name="q" type="search" defaultValue={params.q} />
        <Button variant="secondary">{t('common.search')}</Button>
      </form>
      {data?.courses && courses.length === 0 ? <EmptyState>{t('catalog.noMatch')}</EmptyState> : null}
      <ul className="grid" style={{ listStyle: 'none', padding: 0 }}>
        {courses.map((course) => (
          <li key={course.id}>
            <Card
              title={<Link href={`/courses/${course.id}`}>{course.title}</Link>}
              actions={
                course.myEnrollment ? (
                  <Badge tone="good">
                    {course.myEnrollment.status === 'active'
                      ? t('catalog.enrolled')
                      : label(t, 'statuses', course.myEnrollment.status)}
                  </Badge>
                ) : course.selfEnrollment && course.state === 'published' ? (
                  <form action={enroll}>
                    <input type="hidden" name="courseId" value={course.id} />
                    <Button>
                      {t('catalog.enrol')}
                      <span className="ui-visually-hidden">
                        {' '}
                        {t('catalog.enrolIn', { title: course.title })}
                      </span>
                    </Button>
                  </form>
                ) : (
                  <Badge>
                    {course.state === 'published'
                      ? t('catalog.byInvitation')
                      : label(t, 'states', course.state)}
                  </Badge>
                )
              }
            >
              <p className="meta">
                {course.code}
                {course.term ? ` · ${course.term}` : ''}
              </p>
              <p>{course.description || t('catalog.noDescription')}</p>
            </Card>
          </li>
        ))}
      </ul>
      {data?.courses?.nextCursor ? (
        <Link
          href={`/catalog?${new URLSearchParams({ ...(params.q ? { q: params.q } : {}), after: data.courses.nextCursor })}`}
        >
          {t('catalog.more')}
        </Link>
      ) : null}
    </>
  );
}
