import { Alert } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { gql } from '@/lib/gateway';
import { Notices } from '../../../../../notices';
import { rosterNames } from '../../../../../person';
import { type LiveSnapshot, QuizLiveView } from './live-view';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('quizLive'))('title') };
}

/** A running quiz as the course's staff watch it: who is in it, on which question, how long they have. */
export default async function QuizLivePage({ params }: { params: Promise<{ id: string; itemId: string }> }) {
  const { id, itemId } = await params;
  const { data, errors } = await gql<{
    course: {
      id: string;
      title: string;
      roster: { userId: string; displayName: string | null }[] | null;
    } | null;
    item: {
      id: string;
      kind: string;
      title: string;
      quiz: { id: string; title: string; live: LiveSnapshot | null } | null;
    } | null;
  }>('QuizLivePage', { courseId: id, itemId });
  if (!data?.course) notFound();
  const t = await getTranslations();
  const item = data.item;
  const live = item?.quiz?.live ?? null;
  const has = (code: string) => errors.some((error) => error.extensions?.code === code);
  if ((item && item.kind !== 'assessment') || (!live && has('NOT_FOUND'))) notFound();
  // A student of the course: the quiz is theirs to take, who else is in it is not theirs to see.
  const forbidden = has('FORBIDDEN');
  const names = rosterNames(data.course.roster);
  return (
    <>
      <p className="meta">
        <Link href={`/courses/${id}/items/${itemId}`}>
          <span aria-hidden="true">← </span>
          {t('item.back', { title: item?.title ?? data.course.title })}
        </Link>
      </p>
      <h1 className="page-title">
        {item?.quiz ? t('quizLive.heading', { title: item.quiz.title }) : t('quizLive.title')}
      </h1>
      <Notices params={{}} errors={errors} />
      {live ? (
        <QuizLiveView snapshot={live} names={names} />
      ) : (
        <Alert kind="error">{forbidden ? t('quizLive.forbidden') : t('quizLive.unavailable')}</Alert>
      )}
    </>
  );
}
