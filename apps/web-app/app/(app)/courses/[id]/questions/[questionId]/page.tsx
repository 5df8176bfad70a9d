import { isCourseStaffRole } from '@eduspry/contracts/roles';
import { Alert, Button, Card } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getFormatter, getTranslations } from 'next-intl/server';
import { gql, rest } from '@/lib/gateway';
import { fieldsOf, isAuthoredType, type Spec } from '@/lib/question-spec';
import { editQuestion } from '@/lib/quiz-authoring-actions';
import { isAdmin, requireViewer } from '@/lib/viewer';
import { ActionForm } from '../../../../action-form';
import { Notices } from '../../../../notices';
import { QuestionFields } from '../../quizzes/question-fields';
import { RegradeDone, RegradeForm } from '../../quizzes/regrade';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('questionPage'))('title') };
}

interface Question {
  id: string;
  bankId: string;
  bankCourseId: string | null;
  title: string;
  tags: string[];
  currentVersion: number;
  type: string;
  points: number;
  spec: Spec;
}
interface Version {
  version: number;
  points: number;
  createdAt: string;
}
interface Regrade {
  id: string;
  quizId: string;
  fromVersion: number;
  toVersion: number;
  attemptsRegraded: number;
  at: string;
}
interface Quiz {
  id: string;
  title: string;
  sections?: { kind: string; questionIds: string[]; bankId: string | null }[];
}

/** The quizzes of the course that can hold the question: chosen for a fixed section, or drawn from its bank. */
async function quizzesUsing(courseId: string, question: Question): Promise<Quiz[]> {
  const listed = await rest<Quiz[]>('assessment-service', `/courses/${encodeURIComponent(courseId)}/quizzes`);
  const quizzes = await Promise.all(
    (listed.data ?? []).map(async (quiz) => {
      const full = await rest<Quiz>('assessment-service', `/quizzes/${encodeURIComponent(quiz.id)}`);
      return full.data ?? quiz;
    }),
  );
  return quizzes.filter((quiz) =>
    (quiz.sections ?? []).some((section) =>
      section.kind === 'fixed'
        ? section.questionIds.includes(question.id)
        : section.bankId === question.bankId,
    ),
  );
}

/** One question of the course's bank (staff): its versions, its form filled in, its regrades. */
export default async function QuestionPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string; questionId: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { id, questionId } = await params;
  const query = await searchParams;
  const { data, errors } = await gql<{
    course: { id: string; title: string; myEnrollment: { role: string } | null } | null;
  }>('CoursePage', { id });
  const course = data?.course;
  if (!course) {
    if (errors.length) throw new Error(errors[0]!.message);
    notFound();
  }
  const staff = isCourseStaffRole(course.myEnrollment?.role) || isAdmin(await requireViewer());
  if (!staff) notFound();
  const path = `/courses/${encodeURIComponent(id)}/questions/${encodeURIComponent(questionId)}`;
  const [answer, versions, regrades] = await Promise.all([
    rest<Question>('assessment-service', `/questions/${encodeURIComponent(questionId)}`),
    rest<Version[]>('assessment-service', `/questions/${encodeURIComponent(questionId)}/versions`),
    rest<Regrade[]>('assessment-service', `/questions/${encodeURIComponent(questionId)}/regrades`),
  ]);
  const question = answer.data;
  if ([400, 403, 404].includes(answer.status) || (question && question.bankCourseId !== id)) notFound();
  const t = await getTranslations();
  const format = await getFormatter();
  const when = (iso: string) => format.dateTime(new Date(iso), { dateStyle: 'medium', timeStyle: 'short' });
  // Only a newer version gives a regrade something to move attempts to.
  const quizzes = question && question.currentVersion > 1 ? await quizzesUsing(id, question) : [];
  const quizTitle = new Map(quizzes.map((quiz) => [quiz.id, quiz.title]));
  const saved = ['newVersion', 'inPlace', 'details'].includes(query.saved ?? '') ? query.saved : null;
  const savedKey = saved ? (`saved${saved[0]!.toUpperCase()}${saved.slice(1)}` as const) : null;
  return (
    <>
      <p className="meta">
        <Link href={`/courses/${encodeURIComponent(id)}/quizzes/new`}>
          <span aria-hidden="true">← </span>
          {t('questionPage.back')}
        </Link>
      </p>
      <h1 className="page-title">
        {question
          ? t('questionPage.heading', { title: question.title, version: question.currentVersion })
          : t('questionPage.title')}
      </h1>
      <Notices params={query} errors={errors} />
      {savedKey ? (
        <Alert kind="success">
          <span data-testid="question-saved">
            {t(`questionPage.${savedKey as 'savedNewVersion'}`, { version: Number(query.version) || 1 })}
          </span>
        </Alert>
      ) : null}
      <RegradeDone params={query} />
      {!question || !versions.ok || !regrades.ok ? (
        <Alert kind="error">{t('questionPage.unavailable')}</Alert>
      ) : (
        <>
          <Card title={t('questionPage.versions')}>
            <table id="versions">
              <caption className="ui-visually-hidden">{t('questionPage.versionsCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('questionPage.version')}</th>
                  <th scope="col">{t('questionPage.made')}</th>
                  <th scope="col">{t('questionPage.points')}</th>
                </tr>
              </thead>
              <tbody>
                {(versions.data ?? []).map((version) => (
                  <tr key={version.version}>
                    <td>
                      {format.number(version.version)}
                      {version.version === question.currentVersion ? ` (${t('questionPage.current')})` : ''}
                    </td>
                    <td>{when(version.createdAt)}</td>
                    <td>{format.number(version.points)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
          {quizzes.length ? (
            <Card title={t('questionPage.quizzes')}>
              {quizzes.map((quiz) => (
                <div key={quiz.id}>
                  <h3>{quiz.title}</h3>
                  <RegradeForm
                    courseId={id}
                    quizId={quiz.id}
                    quizTitle={quiz.title}
                    from={{ questionId }}
                    permalink={`${path}#regrade-${quiz.id}`}
                  />
                </div>
              ))}
            </Card>
          ) : null}
          <Card title={t('questionPage.edit')}>
            {isAuthoredType(question.type) ? (
              <ActionForm
                action={editQuestion}
                permalink={`${path}#edit`}
                messages="quizBuilder"
                id="edit"
                label={t('questionPage.edit')}
              >
                <p className="meta">{t('questionPage.editHint')}</p>
                <input type="hidden" name="courseId" value={id} />
                <input type="hidden" name="questionId" value={question.id} />
                <QuestionFields
                  type={question.type}
                  prefix="edit"
                  values={{
                    title: question.title,
                    points: String(question.points),
                    tags: question.tags.join(', '),
                    ...fieldsOf(question.spec),
                  }}
                />
                <Button>{t('questionPage.save')}</Button>
              </ActionForm>
            ) : (
              <p className="meta">{t('questionPage.notAuthored')}</p>
            )}
          </Card>
          <Card title={t('questionPage.regrades')}>
            {regrades.data?.length ? (
              <table id="regrades">
                <caption className="ui-visually-hidden">{t('questionPage.regradesCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('questionPage.at')}</th>
                    <th scope="col">{t('questionPage.quiz')}</th>
                    <th scope="col">{t('questionPage.moved')}</th>
                    <th scope="col">{t('questionPage.attemptsRegraded')}</th>
                  </tr>
                </thead>
                <tbody>
                  {regrades.data.map((regrade) => (
                    <tr key={regrade.id}>
                      <td>{when(regrade.at)}</td>
                      <td>{quizTitle.get(regrade.quizId) ?? regrade.quizId}</td>
                      <td>
                        {t('questionPage.movedValue', { from: regrade.fromVersion, to: regrade.toVersion })}
                      </td>
                      <td>{format.number(regrade.attemptsRegraded)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="meta">{t('questionPage.noRegrades')}</p>
            )}
          </Card>
        </>
      )}
    </>
  );
}
