import { Alert, Badge, Button, TextField } from '@eduspry/ui-components';
import Link from 'next/link';
import { getFormatter, getTranslations } from 'next-intl/server';
import { startQuizAttempt } from '@/lib/quiz-actions';
import { problemText } from '@/lib/words';

export interface QuizSummaryData {
  id: string;
  title: string;
  description: string;
  opensAt: string | null;
  dueAt: string | null;
  closesAt: string | null;
  timeLimitSeconds: number | null;
  attemptsAllowed: number;
  attemptsUsed: number;
  releasePolicy: string;
  pointsPossible: number;
  accessCodeRequired: boolean;
  myAttempts: {
    id: string;
    number: number;
    status: 'in_progress' | 'submitted';
    startedAt: string;
    submittedAt: string | null;
    score: number | null;
    pointsPossible: number;
    gradingState: string | null;
    released: boolean;
  }[];
}

/** What a student needs before starting a quiz, their attempts so far, and Start (or Resume). */
export async function QuizSummary({
  courseId,
  itemId,
  quiz,
  itemTitle,
  problem,
}: {
  courseId: string;
  itemId: string;
  itemTitle: string;
  quiz: QuizSummaryData;
  problem?: string | undefined;
}) {
  const t = await getTranslations('quiz');
  const tAll = await getTranslations();
  const format = await getFormatter();
  const when = (iso: string) => format.dateTime(new Date(iso), { dateStyle: 'medium', timeStyle: 'short' });
  const open = quiz.myAttempts.find((a) => a.status === 'in_progress');
  const now = Date.now();
  const notYet = quiz.opensAt !== null && new Date(quiz.opensAt).getTime() > now;
  const closed = quiz.closesAt !== null && new Date(quiz.closesAt).getTime() <= now;
  const left = quiz.attemptsAllowed - quiz.attemptsUsed;
  const itemPath = `/courses/${courseId}/items/${itemId}`;
  return (
    <section aria-labelledby="quiz-title" className="quiz">
      {/* The page's heading is the item's title; the quiz's own is shown when it says more. */}
      <h2 id="quiz-title">{quiz.title !== itemTitle ? quiz.title : t('aboutQuiz')}</h2>
      {quiz.description ? <div className="content">{quiz.description}</div> : null}
      <dl className="facts">
        {quiz.opensAt ? (
          <>
            <dt>{t('opens')}</dt>
            <dd>{when(quiz.opensAt)}</dd>
          </>
        ) : null}
        {quiz.dueAt ? (
          <>
            <dt>{t('due')}</dt>
            <dd>{when(quiz.dueAt)}</dd>
          </>
        ) : null}
        {quiz.closesAt ? (
          <>
            <dt>{t('closes')}</dt>
            <dd>{when(quiz.closesAt)}</dd>
          </>
        ) : null}
        <dt>{t('timeLimit')}</dt>
        <dd>
          {quiz.timeLimitSeconds === null
            ? t('noTimeLimit')
            : t('minutes', { minutes: Math.ceil(quiz.timeLimitSeconds / 60) })}
        </dd>
        <dt>{t('attempts')}</dt>
        <dd>{t('attemptsUsed', { used: quiz.attemptsUsed, allowed: quiz.attemptsAllowed })}</dd>
        <dt>{t('pointsLabel')}</dt>
        <dd>{format.number(quiz.pointsPossible)}</dd>
      </dl>
      {problem ? <Alert kind="error">{problemText(tAll, problem)}</Alert> : null}
      {open ? (
        <form action={startQuizAttempt}>
          <input type="hidden" name="courseId" value={courseId} />
          <input type="hidden" name="itemId" value={itemId} />
          <Button>{t('resume')}</Button>
        </form>
      ) : notYet ? (
        <p>{t('notOpenYet')}</p>
      ) : closed ? (
        <p>{t('closedNow')}</p>
      ) : left <= 0 ? (
        <p>{t('noAttemptsLeft')}</p>
      ) : (
        <form action={startQuizAttempt} className="start-quiz">
          <input type="hidden" name="courseId" value={courseId} />
          <input type="hidden" name="itemId" value={itemId} />
          {quiz.accessCodeRequired ? (
            <TextField label={t('accessCode')} name="accessCode" required autoComplete="off" />
          ) : null}
          <Button>{quiz.attemptsUsed ? t('startAnother') : t('start')}</Button>
        </form>
      )}
      {quiz.myAttempts.length ? (
        <table className="attempts">
          <caption>{t('myAttempts')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('attemptNumber')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col">{t('scoreColumn')}</th>
              <th scope="col">
                <span className="ui-visually-hidden">{t('open')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {quiz.myAttempts.map((attempt) => (
              <tr key={attempt.id}>
                <td>{attempt.number}</td>
                <td>
                  {attempt.status === 'in_progress' ? (
                    <Badge>{t('inProgress')}</Badge>
                  ) : (
                    <Badge tone="good">{t('submitted')}</Badge>
                  )}
                </td>
                <td>
                  {attempt.score !== null
                    ? t('score', {
                        score: format.number(attempt.score),
                        points: format.number(attempt.pointsPossible),
                      })
                    : '—'}
                </td>
                <td>
                  <Link href={`${itemPath}/attempts/${attempt.id}`}>
                    {attempt.status === 'in_progress'
                      ? t('continueAttempt', { number: attempt.number })
                      : t('viewAttempt', { number: attempt.number })}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
