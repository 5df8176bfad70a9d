import { Badge, Card, EmptyState, ProgressBar } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { gql } from '@/lib/gateway';
import { label } from '@/lib/words';
import { Notices } from '../notices';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('dashboard'))('title') };
}

interface DashboardCourse {
  id: string;
  code: string;
  title: string;
  term: string | null;
  state: string;
  myEnrollment: { role: string; status: string } | null;
  progress: { completed: number; total: number; percent: number } | null;
}

export default async function Dashboard({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const { data, errors } = await gql<{
    me: { displayName: string | null; courses: DashboardCourse[] | null };
  }>('Dashboard');
  const t = await getTranslations('dashboard');
  const courses = data?.me.courses ?? [];
  const teaching = courses.filter((c) => c.myEnrollment && c.myEnrollment.role !== 'student');
  const learning = courses.filter((c) => c.myEnrollment?.role === 'student');
  return (
    <>
      <h1 className="page-title">{t('title')}</h1>
      <Notices params={await searchParams} errors={errors} />
      {teaching.length ? (
        <>
          <h2>{t('teaching')}</h2>
          <CourseGrid courses={teaching} />
        </>
      ) : null}
      {teaching.length ? <h2>{t('learning')}</h2> : null}
      {learning.length ? (
        <CourseGrid courses={learning} />
      ) : data?.me.courses ? (
        <EmptyState>
          {t('empty')} <Link href="/catalog">{t('browse')}</Link>
        </EmptyState>
      ) : null}
    </>
  );
}

async function CourseGrid({ courses }: { courses: DashboardCourse[] }) {
  const t = await getTranslations();
  return (
    <ul className="grid" style={{ listStyle: 'none', padding: 0 }}>
      {courses.map((course) => (
        <li key={course.id}>
          <Card title={<Link href={`/courses/${course.id}`}>{course.title}</Link>}>
            <div className="course-card">
              <p className="meta">
                {course.code}
                {course.term ? ` · ${course.term}` : ''}{' '}
                {course.state !== 'published' ? <Badge>{label(t, 'states', course.state)}</Badge> : null}
                {course.myEnrollment?.status === 'waitlisted' ? (
                  <Badge tone="locked">{t('dashboard.waitlisted')}</Badge>
                ) : null}
              </p>
              {course.progress ? (
                <ProgressBar
                  percent={course.progress.percent}
                  label={t('dashboard.progressIn', { title: course.title })}
                  valueText={t('common.percentComplete', { percent: Math.round(course.progress.percent) })}
                />
              ) : course.myEnrollment?.role === 'student' ? (
                <p className="meta">{t('dashboard.progressUnavailable')}</p>
              ) : (
                <p className="meta">
                  {t('dashboard.role', { role: label(t, 'roles', course.myEnrollment?.role ?? '') })}
                </p>
              )}
            </div>
          </Card>
        </li>
      ))}
    </ul>
  );
}
