import { Badge, Button, Card, EmptyState, TextField } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import Link from 'next/link';
import { enroll } from '@/lib/actions';
import { gql } from '@/lib/gateway';
import { Notices } from '../notices';

export const metadata: Metadata = { title: 'Course catalog' };

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
  const courses = data?.courses?.items ?? [];
  return (
    <>
      <h1 className="page-title">Course catalog</h1>
      <Notices params={params} errors={errors} />
      <form className="search" aria-label="Search" action="/catalog">
        <TextField label="Search courses" name="q" type="search" defaultValue={params.q} />
        <Button variant="secondary">Search</Button>
      </form>
      {data?.courses && courses.length === 0 ? <EmptyState>No courses match.</EmptyState> : null}
      <ul className="grid" style={{ listStyle: 'none', padding: 0 }}>
        {courses.map((course) => (
          <li key={course.id}>
            <Card
              title={<Link href={`/courses/${course.id}`}>{course.title}</Link>}
              actions={
                course.myEnrollment ? (
                  <Badge tone="good">
                    {course.myEnrollment.status === 'active' ? 'Enrolled' : course.myEnrollment.status}
                  </Badge>
                ) : course.selfEnrollment && course.state === 'published' ? (
                  <form action={enroll}>
                    <input type="hidden" name="courseId" value={course.id} />
                    <Button>
                      Enrol<span className="ui-visually-hidden"> in {course.title}</span>
                    </Button>
                  </form>
                ) : (
                  <Badge>{course.state === 'published' ? 'By invitation' : course.state}</Badge>
                )
              }
            >
              <p className="meta">
                {course.code}
                {course.term ? ` · ${course.term}` : ''}
              </p>
              <p>{course.description || 'No description yet.'}</p>
            </Card>
          </li>
        ))}
      </ul>
      {data?.courses?.nextCursor ? (
        <Link
          href={`/catalog?${new URLSearchParams({ ...(params.q ? { q: params.q } : {}), after: data.courses.nextCursor })}`}
        >
          More courses
        </Link>
      ) : null}
    </>
  );
}
