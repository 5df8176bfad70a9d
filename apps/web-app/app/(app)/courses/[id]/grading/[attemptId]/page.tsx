import { Alert, Badge, Button, Card, EmptyState } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { gql, rest } from '@/lib/gateway';
import { gradeQuestion } from '@/lib/grading-actions';
import { ActionForm, KeptInput, KeptTextField } from '../../../../action-form';
import { personLabel, rosterNames } from '../../../../person';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('grading'))('attemptTitle') };
}

/** The question types a grader scores (assessment-service grades every other type itself). */
const MANUAL = new Set(['essay', 'file_response']);

interface ReviewQuestion {
  position: number;
  questionId: string;
  type: string;
  points: number;
  spec: { prompt?: string; graderNotes?: string };
  answer: { text?: string; fileIds?: string[] } | null;
  score: number | null;
  needsManual: boolean;
  rubricLevels: Record<string, string> | null;
  feedback: string | null;
}
interface Review {
  id: string;
  userId: string;
  number: number;
  status: string;
  questions: ReviewQuestion[];
}
interface Rubric {
  id: string;
  title: string;
  criteria: { id: string; title: string; levels: { id: string; title: string; points: number }[] }[];
}

/** The rubric a question is graded by, if it has one (the question's, not the attempt's version). */
async function rubricOf(questionId: string): Promise<Rubric | null> {
  const question = await rest<{ rubricId: string | null }>(
    'assessment-service',
    `/questions/${encodeURIComponent(questionId)}`,
  );
  if (!question.data?.rubricId) return null;
  return (await rest<Rubric>('assessment-service', `/rubrics/${encodeURIComponent(question.data.rubricId)}`))
    .data;
}

/** One submitted attempt's essays and file responses, each with the student's answer and a grading form. */
export default async function GradeAttempt({
  params,
}: {
  params: Promise<{ id: string; attemptId: string }>;
}) {
  const { id, attemptId } = await params;
  const [{ data: course }, review, { data: roster }] = await Promise.all([
    gql<{ course: { id: string; title: string } | null }>('CoursePage', { id }),
    rest<Review>('assessment-service', `/attempts/${encodeURIComponent(attemptId)}/review`),
    gql<{ course: { roster: { userId: string; displayName: string | null }[] | null } | null }>('Roster', {
      id,
    }),
  ]);
  if (!course?.course || review.status === 404) notFound();
  const t = await getTranslations();
  const names = rosterNames(roster?.course?.roster);
  const attempt = review.data;
  const manual = (attempt?.questions ?? []).filter((q) => MANUAL.has(q.type));
  const rubrics = new Map(
    await Promise.all(
      [...new Set(manual.map((q) => q.questionId))].map(async (qid) => [qid, await rubricOf(qid)] as const),
    ),
  );
  return (
    <>
      <p className="meta">
        <Link href={`/courses/${id}/grading`}>
          <span aria-hidden="true">← </span>
          {t('grading.back')}
        </Link>
      </p>
      <h1 className="page-title">
        {attempt
          ? t('grading.attemptHeading', { number: attempt.number, name: personLabel(attempt.userId, names) })
          : t('grading.attemptTitle')}
      </h1>
      {!attempt ? (
        <Alert kind="error">
          {review.status === 403 ? t('grading.forbidden') : t('grading.unavailable')}
        </Alert>
      ) : manual.length === 0 ? (
        <EmptyState>{t('grading.noManual')}</EmptyState>
      ) : (
        manual.map((q) => {
          const rubric = rubrics.get(q.questionId) ?? null;
          const number = q.position + 1;
          return (
            <div key={q.position} id={`question-${q.position}`}>
              <Card title={t('grading.questionHeading', { number, points: q.points })}>
                <p className="prompt">{q.spec.prompt}</p>
                {q.spec.graderNotes ? (
                  <p className="meta">
                    {t('grading.graderNotes')} {q.spec.graderNotes}
                  </p>
                ) : null}
                <h3>{t('grading.answer')}</h3>
                {q.type === 'essay' ? (
                  q.answer?.text ? (
                    <div className="content" data-testid={`answer-${q.position}`}>
                      {q.answer.text}
                    </div>
                  ) : (
                    <p>{t('grading.noAnswer')}</p>
                  )
                ) : (
                  <p>{t('grading.files', { count: q.answer?.fileIds?.length ?? 0 })}</p>
                )}
                <p>
                  {q.needsManual ? (
                    <Badge>{t('grading.waiting')}</Badge>
                  ) : q.score !== null ? (
                    <Badge tone="good">{t('grading.current', { score: q.score, points: q.points })}</Badge>
                  ) : null}
                </p>
                <ActionForm
                  action={gradeQuestion}
                  permalink={`/courses/${encodeURIComponent(id)}/grading/${encodeURIComponent(attempt.id)}#question-${q.position}`}
                  messages="grading"
                  label={t('grading.form', { number })}
                >
                  <input type="hidden" name="courseId" value={id} />
                  <input type="hidden" name="attemptId" value={attempt.id} />
                  <input type="hidden" name="position" value={q.position} />
                  {rubric ? (
                    rubric.criteria.map((criterion) => (
                      <fieldset key={criterion.id} className="rubric-criterion">
                        <legend>{criterion.title}</legend>
                        <input type="hidden" name="criterion" value={criterion.id} />
                        {criterion.levels.map((level) => {
                          const inputId = `level-${q.position}-${criterion.id}-${level.id}`;
                          return (
                            <div key={level.id} className="ui-check">
                              <KeptInput
                                type="radio"
                                id={inputId}
                                name={`level:${criterion.id}`}
                                value={level.id}
                                required
                                defaultChecked={q.rubricLevels?.[criterion.id] === level.id}
                              />
                              <label htmlFor={inputId}>
                                {t('grading.level', { title: level.title, points: level.points })}
                              </label>
                            </div>
                          );
                        })}
                      </fieldset>
                    ))
                  ) : (
                    <div className="ui-field">
                      <label htmlFor={`score-${q.position}`}>
                        {t('grading.points', { points: q.points })}
                      </label>
                      <KeptInput
                        id={`score-${q.position}`}
                        name="score"
                        type="number"
                        min={0}
                        max={q.points}
                        step="any"
                        required
                        defaultValue={q.score ?? undefined}
                      />
                    </div>
                  )}
                  <KeptTextField
                    label={t('grading.feedback')}
                    name="feedback"
                    id={`feedback-${q.position}`}
                    multiline
                    defaultValue={q.feedback ?? ''}
                  />
                  <Button>{t('grading.save')}</Button>
                </ActionForm>
              </Card>
            </div>
          );
        })
      )}
    </>
  );
}
