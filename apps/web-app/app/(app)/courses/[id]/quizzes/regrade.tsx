import { Alert, Button } from '@eduspry/ui-components';
import { getTranslations } from 'next-intl/server';
import { regradeQuiz } from '@/lib/quiz-authoring-actions';
import { ActionForm } from '../../../action-form';

/**
 * "Regrade submitted attempts" of one quiz: back on the page it was asked from (the question's,
 * or the quiz item's), which shows `RegradeDone`.
 */
export async function RegradeForm({
  courseId,
  quizId,
  quizTitle,
  from,
  permalink,
}: {
  courseId: string;
  quizId: string;
  quizTitle: string;
  from: { questionId: string } | { itemId: string };
  /** This page's address with the form's anchor. */
  permalink: string;
}) {
  const t = await getTranslations('quizRegrade');
  return (
    <ActionForm
      action={regradeQuiz}
      permalink={permalink}
      messages="quizBuilder"
      id={`regrade-${quizId}`}
      label={t('form', { quiz: quizTitle })}
    >
      <input type="hidden" name="courseId" value={courseId} />
      <input type="hidden" name="quizId" value={quizId} />
      {'questionId' in from ? (
        <input type="hidden" name="questionId" value={from.questionId} />
      ) : (
        <input type="hidden" name="itemId" value={from.itemId} />
      )}
      <p className="meta">{t('hint')}</p>
      <Button variant="secondary">{t('button')}</Button>
    </ActionForm>
  );
}

/** What the regrade the page came back from changed (`?regraded=&changed=`: numbers only). */
export async function RegradeDone({ params }: { params: Record<string, string | undefined> }) {
  const attempts = Number(params.regraded);
  const changed = Number(params.changed);
  if (params.regraded === undefined || !Number.isInteger(attempts) || !Number.isInteger(changed)) return null;
  const t = await getTranslations('quizRegrade');
  return (
    <Alert kind="success">
      <span data-testid="regrade-done">{t('done', { attempts, changed })}</span>
    </Alert>
  );
}
