import { isCourseStaffRole } from '@eduspry/contracts/roles';
import { Alert, Badge, Button, LockNotice } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { completeItem } from '@/lib/actions';
import { gql } from '@/lib/gateway';
import { isAdmin, requireViewer } from '@/lib/viewer';
import { lockExplanation } from '@/lib/words';
import { Activity } from '../../../../activity';
import { Notices } from '../../../../notices';
import { RegradeDone, RegradeForm } from '../../quizzes/regrade';
import { FileViewer, type FileViewerData } from './file-viewer';
import { QuizSummary, type QuizSummaryData } from './quiz-summary';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('item'))('title') };
}

export default async function ItemPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string; itemId: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { id, itemId } = await params;
  const query = await searchParams;
  const { data, errors } = await gql<{
    course: { id: string; code: string; title: string; myEnrollment: { role: string } | null } | null;
    item: {
      id: string;
      kind: string;
      title: string;
      body: string | null;
      url: string | null;
      completed: boolean;
      quiz: QuizSummaryData | null;
      file: FileViewerData | null;
    } | null;
  }>('ItemPage', { courseId: id, itemId });
  if (!data?.course) notFound();
  const t = await getTranslations();
  const locked = errors.find((error) => error.extensions?.code === 'LOCKED');
  const item = data.item;
  const staff = isCourseStaffRole(data.course.myEnrollment?.role) || isAdmin(await requireViewer());
  return (
    <>
      <p className="meta">
        <Link href={`/courses/${id}`}>
          <span aria-hidden="true">← </span>
          {t('item.back', { title: data.course.title })}
        </Link>
      </p>
      <h1 className="page-title">{item?.title ?? t('item.lockedTitle')}</h1>
      <Notices params={query} errors={errors} />
      <RegradeDone params={query} />
      {item ? <Activity courseId={id} itemId={item.id} /> : null}
      {locked ? (
        <LockNotice
          lead={t('common.lockedLead')}
          explanation={lockExplanation(t, locked.extensions?.reason)}
        />
      ) : !item ? (
        <Alert kind="error">{t('item.notOpened')}</Alert>
      ) : item.kind === 'assessment' ? (
        item.quiz ? (
          <>
            {staff ? (
              <>
                <p>
                  <Link href={`/courses/${id}/items/${item.id}/live`}>{t('quizLive.link')}</Link>
                </p>
                <RegradeForm
                  courseId={id}
                  quizId={item.quiz.id}
                  quizTitle={item.title}
                  from={{ itemId: item.id }}
                  permalink={`/courses/${encodeURIComponent(id)}/items/${encodeURIComponent(item.id)}#regrade-${item.quiz.id}`}
                />
              </>
            ) : null}
            <QuizSummary
              courseId={id}
              itemId={item.id}
              quiz={item.quiz}
              itemTitle={item.title}
              problem={query.problem}
            />
          </>
        ) : (
          <Alert kind="error">{t('quiz.unavailable')}</Alert>
        )
      ) : (
        <>
          {item.kind === 'file' ? (
            item.file ? (
              <FileViewer file={item.file} title={item.title} />
            ) : (
              <Alert kind="error">{t('file.unavailable')}</Alert>
            )
          ) : item.kind === 'link' && item.url ? (
            <p>
              <a href={item.url} rel="noopener noreferrer" target="_blank">
                {t('item.openLink')}
              </a>
            </p>
          ) : (
            <div className="content">{item.body ?? ''}</div>
          )}
          {item.completed ? (
            <Badge tone="good">{t('common.done')}</Badge>
          ) : (
            <form action={completeItem}>
              <input type="hidden" name="courseId" value={id} />
              <input type="hidden" name="itemId" value={item.id} />
              <Button>{t('item.markDone')}</Button>
            </form>
          )}
        </>
      )}
    </>
  );
}
