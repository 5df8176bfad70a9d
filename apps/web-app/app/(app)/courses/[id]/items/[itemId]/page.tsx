import { Alert, Badge, Button, LockNotice } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { completeItem } from '@/lib/actions';
import { gql } from '@/lib/gateway';
import { Notices } from '../../../../notices';

export const metadata: Metadata = { title: 'Item' };

const REASONS: Record<string, string> = {
  'not-enrolled': 'Enrol in the course to open this item.',
  waitlisted: 'You are on the waitlist; this opens when a seat frees up.',
  'locked-until-date': 'This module opens on its unlock date.',
  'prerequisite-incomplete': 'Finish the previous module first.',
  'course-not-published': 'The course has not been published yet.',
  'module-not-published': 'Your instructor has not published this module yet.',
};

export default async function ItemPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string; itemId: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { id, itemId } = await params;
  const { data, errors } = await gql<{
    course: { id: string; code: string; title: string } | null;
    item: {
      id: string;
      kind: string;
      title: string;
      body: string | null;
      url: string | null;
      completed: boolean;
    } | null;
  }>('ItemPage', { courseId: id, itemId });
  if (!data?.course) notFound();
  const locked = errors.find((error) => error.extensions?.code === 'LOCKED');
  const item = data.item;
  return (
    <>
      <p className="meta">
        <Link href={`/courses/${id}`}>← {data.course.title}</Link>
      </p>
      <h1 className="page-title">{item?.title ?? 'Locked item'}</h1>
      <Notices params={await searchParams} errors={errors} />
      {locked ? (
        <LockNotice explanation={REASONS[locked.extensions?.reason ?? ''] ?? locked.message} />
      ) : !item ? (
        <Alert kind="error">This item could not be opened.</Alert>
      ) : (
        <>
          {item.kind === 'link' && item.url ? (
            <p>
              <a href={item.url} rel="noopener noreferrer" target="_blank">
                Open the link
              </a>
            </p>
          ) : (
            <div className="content">{item.body ?? ''}</div>
          )}
          {item.completed ? (
            <Badge tone="good">Done</Badge>
          ) : (
            <form action={completeItem}>
              <input type="hidden" name="courseId" value={id} />
              <input type="hidden" name="itemId" value={item.id} />
              <Button>Mark as done</Button>
            </form>
          )}
        </>
      )}
    </>
  );
}
