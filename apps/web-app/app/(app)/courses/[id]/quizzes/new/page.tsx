import { isCourseStaffRole } from '@eduspry/contracts/roles';
import { Alert, Badge, Button, Card } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { gql, rest } from '@/lib/gateway';
import { AUTHORED_TYPES } from '@/lib/question-spec';
import { addQuestion, createBank, createQuiz } from '@/lib/quiz-authoring-actions';
import { isAdmin, requireViewer } from '@/lib/viewer';
import { ActionForm, KeptInput, KeptSelect, KeptTextField } from '../../../../action-form';
import { Notices } from '../../../../notices';
import { QuestionFields } from '../question-fields';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('quizBuilder'))('title') };
}

interface Bank {
  id: string;
  courseId: string | null;
  title: string;
}
interface Question {
  id: string;
  title: string;
  type: string;
  points: number;
  tags: string[];
}

/** An instructor's quiz builder: the course's question bank, its questions, and a new quiz from them. */
export default async function QuizBuilderPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { id } = await params;
  const query = await searchParams;
  const { data, errors } = await gql<{
    course: {
      id: string;
      title: string;
      myEnrollment: { role: string } | null;
      modules: { id: string; title: string }[] | null;
    } | null;
  }>('CoursePage', { id });
  const course = data?.course;
  if (!course) {
    if (errors.length) throw new Error(errors[0]!.message);
    notFound();
  }
  const t = await getTranslations();
  const staff = isCourseStaffRole(course.myEnrollment?.role) || isAdmin(await requireViewer());
  const banks = staff
    ? await rest<Bank[]>('assessment-service', `/banks?${new URLSearchParams({ courseId: id })}`)
    : null;
  const bank = banks?.data?.find((b) => b.courseId === id) ?? null;
  const questions = bank
    ? await rest<Question[]>('assessment-service', `/banks/${encodeURIComponent(bank.id)}/questions`)
    : null;
  const modules = course.modules ?? [];
  // Each form's own address: without JavaScript a refused form comes back scrolled to.
  const permalink = (form: string) => `/courses/${encodeURIComponent(id)}/quizzes/new#${form}`;
  const typeName = (type: string) =>
    t.has(`quizBuilder.types.${type}`) ? t(`quizBuilder.types.${type}`) : type;
  const list = questions?.data ?? [];
  return (
    <>
      <p className="meta">
        <Link href={`/courses/${id}`}>
          <span aria-hidden="true">← </span>
          {t('item.back', { title: course.title })}
        </Link>
      </p>
      <h1 className="page-title">{t('quizBuilder.title')}</h1>
      <Notices params={query} errors={errors} />
      {!staff ? (
        <Alert kind="error">{t('quizBuilder.forbidden')}</Alert>
      ) : !banks?.ok || (bank && !questions?.ok) ? (
        <Alert kind="error">{t('quizBuilder.unavailable')}</Alert>
      ) : !bank ? (
        <Card title={t('quizBuilder.bank')}>
          <p>{t('quizBuilder.noBank')}</p>
          <ActionForm
            action={createBank}
            permalink={permalink('bank')}
            messages="quizBuilder"
            id="bank"
            label={t('quizBuilder.createBank')}
          >
            <input type="hidden" name="courseId" value={id} />
            <KeptTextField
              label={t('quizBuilder.bankTitle')}
              name="title"
              id="bank-title"
              required
              defaultValue={t('quizBuilder.bankDefault', { course: course.title })}
            />
            <Button>{t('quizBuilder.createBank')}</Button>
          </ActionForm>
        </Card>
      ) : (
        <>
          <Card title={t('quizBuilder.questions', { bank: bank.title, count: list.length })}>
            {list.length ? (
              <table id="questions">
                <caption className="ui-visually-hidden">{t('quizBuilder.questionsCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('quizBuilder.questionTitle')}</th>
                    <th scope="col">{t('quizBuilder.type')}</th>
                    <th scope="col">{t('quizBuilder.points')}</th>
                    <th scope="col">{t('quizBuilder.tags')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((question) => (
                    <tr key={question.id}>
                      <td>
                        <Link
                          href={`/courses/${encodeURIComponent(id)}/questions/${encodeURIComponent(question.id)}`}
                        >
                          {question.title}
                        </Link>
                      </td>
                      <td>{typeName(question.type)}</td>
                      <td>{question.points}</td>
                      <td>
                        {question.tags.map((tag) => (
                          <Badge key={tag}>{tag}</Badge>
                        ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="meta" id="questions">
                {t('quizBuilder.noQuestions')}
              </p>
            )}
          </Card>
          {AUTHORED_TYPES.map((type) => (
            <Card key={type} title={t('quizBuilder.addTitle', { type: typeName(type) })}>
              <ActionForm
                action={addQuestion}
                permalink={permalink(type)}
                messages="quizBuilder"
                id={type}
                label={t('quizBuilder.addTitle', { type: typeName(type) })}
              >
                <input type="hidden" name="courseId" value={id} />
                <input type="hidden" name="bankId" value={bank.id} />
                <input type="hidden" name="type" value={type} />
                <QuestionFields type={type} />
                <Button variant="secondary">{t('quizBuilder.add')}</Button>
              </ActionForm>
            </Card>
          ))}
          <Card title={t('quizBuilder.newQuiz')}>
            {modules.length ? (
              <ActionForm
                action={createQuiz}
                permalink={permalink('quiz')}
                messages="quizBuilder"
                id="quiz"
                label={t('quizBuilder.newQuiz')}
              >
                <input type="hidden" name="courseId" value={id} />
                <input type="hidden" name="bankId" value={bank.id} />
                <KeptTextField label={t('quizBuilder.quizTitle')} name="title" id="quiz-title" required />
                <KeptTextField
                  label={t('quizBuilder.timeLimit')}
                  name="timeLimit"
                  id="quiz-timeLimit"
                  type="number"
                  hint={t('quizBuilder.timeLimitHint')}
                />
                <KeptTextField
                  label={t('quizBuilder.attempts')}
                  name="attemptsAllowed"
                  id="quiz-attempts"
                  type="number"
                  defaultValue="1"
                />
                <fieldset>
                  <legend>{t('quizBuilder.fixed')}</legend>
                  {list.length ? null : <p className="meta">{t('quizBuilder.noQuestions')}</p>}
                  {list.map((question) => (
                    <div className="ui-check" key={question.id}>
                      <KeptInput
                        type="checkbox"
                        name="questionIds"
                        value={question.id}
                        id={`pick-${question.id}`}
                      />
                      <label htmlFor={`pick-${question.id}`}>{question.title}</label>
                    </div>
                  ))}
                </fieldset>
                <fieldset>
                  <legend>{t('quizBuilder.random')}</legend>
                  <KeptTextField
                    label={t('quizBuilder.drawCount')}
                    name="drawCount"
                    id="quiz-drawCount"
                    type="number"
                    defaultValue="0"
                  />
                  <KeptTextField
                    label={t('quizBuilder.drawTag')}
                    name="drawTag"
                    id="quiz-drawTag"
                    hint={t('quizBuilder.drawTagHint')}
                  />
                  <KeptTextField
                    label={t('quizBuilder.drawPoints')}
                    name="drawPoints"
                    id="quiz-drawPoints"
                    type="number"
                    defaultValue="1"
                  />
                </fieldset>
                <KeptSelect
                  label={t('quizBuilder.module')}
                  name="moduleId"
                  options={modules.map((m) => ({ value: m.id, label: m.title }))}
                />
                <Button>{t('quizBuilder.publish')}</Button>
              </ActionForm>
            ) : (
              <p className="meta">{t('quizBuilder.noModules')}</p>
            )}
          </Card>
        </>
      )}
    </>
  );
}
