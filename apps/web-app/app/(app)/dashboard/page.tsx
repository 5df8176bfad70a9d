import { Badge, Card, EmptyState, ProgressBar } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import Link from 'next/link';
import { gql } from '@/lib/gateway';
import { Notices } from '../notices';

export const metadata: Metadata = { title: 'My courses' };

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
  const courses = data?.me.courses ?? [];
  const teaching = courses.filter((c) => c.myEnrollment && c.myEnrollment.role !== 'student');
  const learning = courses.filter((c) => c.myEnrollment?.role === 'student');
  return (
    <>
      <h1 className="page-title">My courses</h1>
      <Notices params={await searchParams} errors={errors} />
      {teaching.length ? (
        <>
          <h2>Teaching</h2>
          <CourseGrid courses={teaching} />
        </>
      ) : null}
      {teaching.length ? <h2>Learning</h2> : null}
      {learning.length ? (
        <CourseGrid courses={learning} />
      ) : data?.me.courses ? (
        <EmptyState>
          You are not enrolled in any course yet. <Link href="/catalog">Browse the catalog</Link>.
        </EmptyState>
      ) : null}
    </>
  );
}

function CourseGrid({ courses }: { courses: DashboardCourse[] }) {
  return (
    <ul className="grid" style={{ listStyle: 'none', padding: 0 }}>
      {courses.map((course) => (
        <li key={course.id}>
          <Card title={<Link href={`/courses/${course.id}`}>{course.title}</Link>}>
            <div className="course-card">
              <p className="meta">
                {course.code}
                {course.term ? ` · ${course.term}` : ''}{' '}
                {course.state !== 'published' ? <Badge>{course.state}</Badge> : null}
                {course.myEnrollment?.status === 'waitlisted' ? (
                  <Badge tone="locked">waitlisted</Badge>
                ) : null}
              </p>
              {course.progress ? (
                <ProgressBar percent={course.progress.percent} label={`Progress in ${course.title}`} />
              ) : course.myEnrollment?.role === 'student' ? (
                <p className="meta">Progress unavailable</p>
              ) : (
                <p className="meta">Role: {course.myEnrollment?.role}</p>
              )}
            </div>
          </Card>
        </li>
      ))}
    </ul>
  );
}
