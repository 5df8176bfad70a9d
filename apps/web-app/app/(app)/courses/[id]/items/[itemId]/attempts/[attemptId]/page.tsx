import { Alert, Badge } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getFormatter, getTranslations } from 'next-intl/server';
import { gql } from '@/lib/gateway';
import { lockExplanation, problemText } from '@/lib/words';
import { Notices } from '../../../../../../notices';
import { AttemptForm, type AttemptQuestion } from './attempt-form';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('quiz'))('attemptTitle') };
}

interface Attempt {
  id: string;
  number: number;
  status: 'in_progress' | 'submitted';
  deadlineAt: string | null;
  timeRemainingSeconds: number | null;
  submittedAt: string | null;
  autoSubmitted: boolean;
  oneQuestionAtATime: boolean;
  pointsPossible: number;
  score: number | null;
  gradingState: string | null;
  released: boolean;
  questions: (AttemptQuestion & {
    score: number | null;
    needsManual: boolean | null;
    feedback: string | null;
    // biome-ignore lint/suspicious/noExplicitAny: the revealed answer is the type's answer shape
    correct: any;
  })[];
}

export default async function AttemptPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string; itemId: string; attemptId: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { id, itemId, attemptId } = await params;
  const query = await searchParams;
  const { data, errors } = await gql<{
    course: { id: string; title: string } | null;
    item: {
      id: string;
      title: string;
      quiz: { id: string; title: string; description: string } | null;
    } | null;
    attempt: Attempt | null;
  }>('AttemptPage', { courseId: id, itemId, attemptId });
  if (!data?.course) notFound();
  const t = await getTranslations();
  const format = await getFormatter();
  const locked = errors.find((error) => error.extensions?.code === 'LOCKED');
  const attempt = data.attempt;
  if (!attempt && !locked && errors.some((error) => error.extensions?.code === 'NOT_FOUND')) notFound();
  const itemPath = `/courses/${id}/items/${itemId}`;
  const title = data.item?.quiz?.title ?? data.item?.title ?? t('quiz.attemptTitle');
  return (
    <>
      <p className="meta">
        <Link href={itemPath}>
          <span aria-hidden="true">← </span>
          {t('item.back', { title: data.item?.title ?? data.course.title })}
        </Link>
      </p>
      <h1 className="page-title">{title}</h1>
      <Notices params={{}} errors={errors} />
      {query.problem ? <Alert kind="error">{problemText(t, query.problem)}</Alert> : null}
      {locked ? (
        <Alert kind="error">{lockExplanation(t, locked.extensions?.reason)}</Alert>
      ) : !attempt ? (
        <Alert kind="error">{t('quiz.attemptUnavailable')}</Alert>
      ) : attempt.status === 'in_progress' ? (
        <AttemptForm
          courseId={id}
          itemId={itemId}
          attemptId={attempt.id}
          questions={attempt.questions.map(({ position, type, points, payload, answer }) => ({
            position,
            type,
            points,
            payload,
            answer,
          }))}
          timeRemainingSeconds={attempt.timeRemainingSeconds}
          oneAtATime={attempt.oneQuestionAtATime}
        />
      ) : (
        <>
          <section aria-labelledby="result-title" className="result">
            <h2 id="result-title">{t('quiz.resultTitle', { number: attempt.number })}</h2>
            {attempt.score !== null ? (
              <p className="score" data-testid="attempt-score">
                {t('quiz.score', {
                  score: format.number(attempt.score),
                  points: format.number(attempt.pointsPossible),
                })}
              </p>
            ) : null}
            {attempt.gradingState === 'pending' ? <p>{t('quiz.pendingGrading')}</p> : null}
            {attempt.autoSubmitted ? <p>{t('quiz.autoSubmitted')}</p> : null}
            {attempt.submittedAt ? (
              <p className="meta">
                {t('quiz.submittedAt', {
                  date: format.dateTime(new Date(attempt.submittedAt), {
                    dateStyle: 'medium',
                    timeStyle: 'short',
                  }),
                })}
              </p>
            ) : null}
            {!attempt.released ? <p>{t('quiz.notReleased')}</p> : null}
          </section>
          {attempt.released ? (
            <ol className="questions">
              {attempt.questions
                .filter((q) => q.type !== 'text_only')
                .map((q) => (
                  <li key={q.position} className="question">
                    <p className="prompt">
                      {q.payload.prompt ??
                        String(q.payload.text ?? '').replace(/\{\{[A-Za-z0-9_-]+\}\}/g, '___')}
                    </p>
                    <p>
                      {q.needsManual ? (
                        <Badge>{t('quiz.awaitingGrader')}</Badge>
                      ) : q.score !== null ? (
                        <Badge tone={q.score >= q.points ? 'good' : 'neutral'}>
                          {t('quiz.questionScore', { score: format.number(q.score), points: q.points })}
                        </Badge>
                      ) : null}
                    </p>
                    <p>
                      {t('quiz.yourAnswer')}{' '}
                      {answerText(q.type, q.payload, q.answer, t('quiz.true'), t('quiz.false')) ||
                        t('quiz.noAnswer')}
                    </p>
                    {q.correct && Object.keys(q.correct).length ? (
                      <p>
                        {t('quiz.correctAnswer')}{' '}
                        {answerText(q.type, q.payload, q.correct, t('quiz.true'), t('quiz.false'))}
                      </p>
                    ) : null}
                    {q.feedback ? <p className="content">{q.feedback}</p> : null}
                  </li>
                ))}
            </ol>
          ) : null}
          <p>
            <Link href={itemPath}>{t('quiz.backToQuiz')}</Link>
          </p>
        </>
      )}
    </>
  );
}

/** An answer (the student's or the revealed one) in the words the question showed. */
// biome-ignore lint/suspicious/noExplicitAny: payloads and answers are JSON per question type
function answerText(type: string, payload: any, answer: any, yes: string, no: string): string {
  if (answer === null || answer === undefined) return '';
  const choice = (token: string) =>
    (payload.choices ?? payload.options ?? []).find((c: { id: string }) => c.id === token)?.text ?? token;
  switch (type) {
    case 'multiple_choice':
      return answer.choice ? choice(answer.choice) : '';
    case 'multiple_answers':
      return (answer.choices ?? []).map(choice).join(', ');
    case 'true_false':
      return typeof answer.value === 'boolean' ? (answer.value ? yes : no) : '';
    case 'short_answer':
      return answer.text ?? (answer.accepted ?? []).join(' / ');
    case 'numerical':
    case 'calculated':
      return (
        answer.text ?? [answer.value, answer.unit].filter((v) => v !== null && v !== undefined).join(' ')
      );
    case 'essay':
      return answer.text ?? '';
    case 'matching':
      return (payload.items ?? [])
        .map(
          (item: { id: string; text: string }) =>
            `${item.text} → ${answer.matches?.[item.id] ? choice(answer.matches[item.id]) : '—'}`,
        )
        .join('; ');
    case 'ordering': {
      const text = new Map(
        (payload.items ?? []).map((item: { id: string; text: string }) => [item.id, item.text]),
      );
      return (answer.order ?? []).map((id: string) => text.get(id) ?? id).join(' → ');
    }
    case 'cloze':
      // In the order the blanks stand in the text.
      return (payload.blanks ?? [])
        .map((blank: { id: string; options?: { id: string; text: string }[] }) => {
          const value = answer.blanks?.[blank.id];
          if (value === undefined || value === null) return '—';
          return blank.options?.find((o) => o.id === value)?.text ?? String(value);
        })
        .join(', ');
    default:
      return '';
  }
}
