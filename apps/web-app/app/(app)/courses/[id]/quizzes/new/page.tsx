import { isCourseStaffRole } from '@eduspry/contracts/roles';
import { Alert, Badge, Button, Card, Select, TextField } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';
import { gql, rest } from '@/lib/gateway';
import { addQuestion, createBank, createQuiz } from '@/lib/quiz-authoring-actions';
import { isAdmin, requireViewer } from '@/lib/viewer';
import { Notices } from '../../../../notices';

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

/** The types the builder authors; a bank may hold others (imported from QTI), listed as they are. */
const TYPES = [
  'multiple_choice',
  'multiple_answers',
  'true_false',
  'short_answer',
  'numerical',
  'essay',
] as const;

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
  // What the service refused, beside the form that sent it.
  const problem = (form: string) =>
    query.form === form && query.problem ? (
      <Alert kind="error">{t('quizBuilder.refused', { problem: query.problem })}</Alert>
    ) : null;
  const typeName = (type: string) =>
    t.has(`quizBuilder.types.${type}`) ? t(`quizBuilder.types.${type}`) : type;
  const common = (type: string): ReactNode => (
    <>
      <input type="hidden" name="courseId" value={id} />
      <input type="hidden" name="bankId" value={bank?.id ?? ''} />
      <input type="hidden" name="type" value={type} />
      <TextField label={t('quizBuilder.questionTitle')} name="title" id={`${type}-title`} required />
      <TextField label={t('quizBuilder.prompt')} name="prompt" id={`${type}-prompt`} multiline required />
      <TextField
        label={t('quizBuilder.points')}
        name="points"
        id={`${type}-points`}
        type="number"
        defaultValue="1"
      />
      <TextField
        label={t('quizBuilder.tags')}
        name="tags"
        id={`${type}-tags`}
        hint={t('quizBuilder.tagsHint')}
      />
    </>
  );
  /** The choices, one per line, and which are correct by number (one or several). */
  const choiceFields = (type: string, correctLabel: string, correctHint?: string) => (
    <>
      <TextField
        label={t('quizBuilder.choices')}
        name="choices"
        id={`${type}-choices`}
        multiline
        required
        hint={t('quizBuilder.choicesHint')}
      />
      <TextField
        label={correctLabel}
        name="correct"
        id={`${type}-correct`}
        required
        {...(correctHint ? { hint: correctHint } : {})}
      />
    </>
  );
  const fields: Record<(typeof TYPES)[number], ReactNode> = {
    multiple_choice: choiceFields('multiple_choice', t('quizBuilder.correctChoice')),
    multiple_answers: choiceFields(
      'multiple_answers',
      t('quizBuilder.correctChoices'),
      t('quizBuilder.correctChoicesHint'),
    ),
    true_false: (
      <div className="ui-field">
        <label htmlFor="true_false-correct">{t('quizBuilder.correctStatement')}</label>
        <select id="true_false-correct" name="correct">
          <option value="true">{t('quizBuilder.true')}</option>
          <option value="false">{t('quizBuilder.false')}</option>
        </select>
      </div>
    ),
    short_answer: (
      <TextField
        label={t('quizBuilder.accepted')}
        name="accepted"
        id="short_answer-accepted"
        multiline
        required
        hint={t('quizBuilder.acceptedHint')}
      />
    ),
    numerical: (
      <>
        <TextField label={t('quizBuilder.value')} name="value" id="numerical-value" required />
        <TextField
          label={t('quizBuilder.tolerance')}
          name="tolerance"
          id="numerical-tolerance"
          type="number"
          defaultValue="0"
        />
      </>
    ),
    essay: <TextField label={t('quizBuilder.maxWords')} name="maxWords" id="essay-maxWords" type="number" />,
  };
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
          {problem('bank')}
          <form action={createBank} id="bank" aria-label={t('quizBuilder.createBank')}>
            <input type="hidden" name="courseId" value={id} />
            <TextField
              label={t('quizBuilder.bankTitle')}
              name="title"
              id="bank-title"
              required
              defaultValue={t('quizBuilder.bankDefault', { course: course.title })}
            />
            <Button>{t('quizBuilder.createBank')}</Button>
          </form>
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
                      <td>{question.title}</td>
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
          {TYPES.map((type) => (
            <Card key={type} title={t('quizBuilder.addTitle', { type: typeName(type) })}>
              {problem(type)}
              <form
                action={addQuestion}
                id={type}
                aria-label={t('quizBuilder.addTitle', { type: typeName(type) })}
              >
                {common(type)}
                {fields[type]}
                <Button variant="secondary">{t('quizBuilder.add')}</Button>
              </form>
            </Card>
          ))}
          <Card title={t('quizBuilder.newQuiz')}>
            {problem('quiz')}
            {modules.length ? (
              <form action={createQuiz} id="quiz" aria-label={t('quizBuilder.newQuiz')}>
                <input type="hidden" name="courseId" value={id} />
                <input type="hidden" name="bankId" value={bank.id} />
                <TextField label={t('quizBuilder.quizTitle')} name="title" id="quiz-title" required />
                <TextField
                  label={t('quizBuilder.timeLimit')}
                  name="timeLimit"
                  id="quiz-timeLimit"
                  type="number"
                  hint={t('quizBuilder.timeLimitHint')}
                />
                <TextField
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
                      <input
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
                  <TextField
                    label={t('quizBuilder.drawCount')}
                    name="drawCount"
                    id="quiz-drawCount"
                    type="number"
                    defaultValue="0"
                  />
                  <TextField
                    label={t('quizBuilder.drawTag')}
                    name="drawTag"
                    id="quiz-drawTag"
                    hint={t('quizBuilder.drawTagHint')}
                  />
                  <TextField
                    label={t('quizBuilder.drawPoints')}
                    name="drawPoints"
                    id="quiz-drawPoints"
                    type="number"
                    defaultValue="1"
                  />
                </fieldset>
                <Select
                  label={t('quizBuilder.module')}
                  name="moduleId"
                  options={modules.map((m) => ({ value: m.id, label: m.title }))}
                />
                <Button>{t('quizBuilder.publish')}</Button>
              </form>
            ) : (
              <p className="meta">{t('quizBuilder.noModules')}</p>
            )}
          </Card>
        </>
      )}
    </>
  );
}
