import { Alert, EmptyState } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getFormatter, getTranslations } from 'next-intl/server';
import { gql, rest } from '@/lib/gateway';
import { label } from '@/lib/words';
import { Notices } from '../../../notices';
import { Person, personLabel, rosterNames } from '../../../person';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('grading'))('title') };
}

interface QueueRow {
  attemptId: string;
  position: number;
  quizTitle: string;
  userId: string;
  submittedAt: string | null;
  type: string;
}

/** The course's essays and file responses waiting for a grader, each a link to grade it. */
export default async function GradingQueue({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { id } = await params;
  const [{ data: course }, queue, { data: roster }] = await Promise.all([
    gql<{ course: { id: string; title: string } | null }>('CoursePage', { id }),
    rest<QueueRow[]>('assessment-service', `/courses/${encodeURIComponent(id)}/grading-queue`),
    // Students by name: assessment-service keeps ids only, the course roster has the names.
    gql<{ course: { roster: { userId: string; displayName: string | null }[] | null } | null }>('Roster', {
      id,
    }),
  ]);
  if (!course?.course) notFound();
  const t = await getTranslations();
  const format = await getFormatter();
  const names = rosterNames(roster?.course?.roster);
  return (
    <>
      <p className="meta">
        <Link href={`/courses/${id}`}>
          <span aria-hidden="true">← </span>
          {course.course.title}
        </Link>
      </p>
      <h1 className="page-title">{t('grading.title')}</h1>
      <Notices params={await searchParams} />
      {!queue.data ? (
        <Alert kind="error">{queue.status === 403 ? t('grading.forbidden') : t('grading.unavailable')}</Alert>
      ) : queue.data.length === 0 ? (
        <EmptyState>{t('grading.empty')}</EmptyState>
      ) : (
        <>
          <p>{t('grading.intro')}</p>
          <table>
            <caption className="ui-visually-hidden">{t('grading.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('grading.student')}</th>
                <th scope="col">{t('grading.quiz')}</th>
                <th scope="col">{t('grading.question')}</th>
                <th scope="col">{t('grading.submitted')}</th>
                <th scope="col">
                  <span className="ui-visually-hidden">{t('grading.grade')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {queue.data.map((row) => (
                <tr key={`${row.attemptId}-${row.position}`}>
                  <td>
                    <Person id={row.userId} names={names} />
                  </td>
                  <td>{row.quizTitle}</td>
                  <td>
                    {row.position + 1} · {label(t, 'grading.kinds', row.type)}
                  </td>
                  <td>
                    {row.submittedAt
                      ? format.dateTime(new Date(row.submittedAt), {
                          dateStyle: 'medium',
                          timeStyle: 'short',
                        })
                      : null}
                  </td>
                  <td>
                    <Link href={`/courses/${id}/grading/${row.attemptId}#question-${row.position}`}>
                      {t('grading.grade')}{' '}
                      <span className="ui-visually-hidden">
                        {t('grading.gradeFor', {
                          number: row.position + 1,
                          name: personLabel(row.userId, names),
                        })}
                      </span>
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
