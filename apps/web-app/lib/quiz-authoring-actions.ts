'use server';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { type FormState, refusal } from './form-state';
import { type RestAnswer, rest } from './gateway';
import { changesKey, editedSpec, type Spec, specOf } from './question-spec';

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();
const builderPath = (courseId: string) => `/courses/${encodeURIComponent(courseId)}/quizzes/new`;
const questionPath = (courseId: string, questionId: string) =>
  `/courses/${encodeURIComponent(courseId)}/questions/${encodeURIComponent(questionId)}`;
const itemPath = (courseId: string, itemId: string) =>
  `/courses/${encodeURIComponent(courseId)}/items/${encodeURIComponent(itemId)}`;
const tagsOf = (form: FormData) =>
  text(form, 'tags')
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);

/** What the service said, for the page to show beside the form, filled in as it was sent. */
function refused(
  courseId: string,
  answer: RestAnswer<unknown>,
  form: FormData,
  back = builderPath(courseId),
): FormState {
  if (answer.status === 401) redirect(`/sign-in?${new URLSearchParams({ next: back })}`);
  return refusal(answer, form);
}

export async function createBank(_state: FormState, form: FormData): Promise<FormState> {
  const courseId = text(form, 'courseId');
  const answer = await rest('assessment-service', '/banks', {
    method: 'POST',
    body: { courseId, title: text(form, 'title') },
  });
  if (!answer.ok) return refused(courseId, answer, form);
  revalidatePath(builderPath(courseId));
  redirect(`${builderPath(courseId)}?notice=bankCreated`);
}

export async function addQuestion(_state: FormState, form: FormData): Promise<FormState> {
  const courseId = text(form, 'courseId');
  const type = text(form, 'type');
  const points = text(form, 'points');
  const tags = tagsOf(form);
  const answer = await rest(
    'assessment-service',
    `/banks/${encodeURIComponent(text(form, 'bankId'))}/questions`,
    {
      method: 'POST',
      body: {
        title: text(form, 'title'),
        ...(points ? { points: Number(points) } : {}),
        ...(tags.length ? { tags } : {}),
        spec: specOf(type, form),
      },
    },
  );
  if (!answer.ok) return refused(courseId, answer, form);
  revalidatePath(builderPath(courseId));
  redirect(`${builderPath(courseId)}?notice=questionAdded#questions`);
}

interface StoredQuestion {
  id: string;
  bankCourseId: string | null;
  points: number;
  spec: Spec;
}

/**
 * Saves the question page's form. Only what changed goes: the spec when the form changes the key
 * and the points when they differ, because either makes a new version once an attempt used the
 * current one (title and tags never do).
 */
export async function editQuestion(_state: FormState, form: FormData): Promise<FormState> {
  const courseId = text(form, 'courseId');
  const questionId = text(form, 'questionId');
  const back = questionPath(courseId, questionId);
  const stored = await rest<StoredQuestion>(
    'assessment-service',
    `/questions/${encodeURIComponent(questionId)}`,
  );
  if (!stored.ok || !stored.data) return refused(courseId, stored, form, back);
  const points = text(form, 'points');
  const keyChanged = changesKey(stored.data.spec, form);
  const pointsChanged = points !== '' && Number(points) !== stored.data.points;
  const answer = await rest<{ versionCreated: boolean; currentVersion: number }>(
    'assessment-service',
    `/questions/${encodeURIComponent(questionId)}`,
    {
      method: 'PATCH',
      body: {
        title: text(form, 'title'),
        tags: tagsOf(form),
        ...(pointsChanged ? { points: Number(points) } : {}),
        ...(keyChanged ? { spec: editedSpec(stored.data.spec, specOf(stored.data.spec.type, form)) } : {}),
      },
    },
  );
  if (!answer.ok || !answer.data) return refused(courseId, answer, form, back);
  revalidatePath(back);
  const saved = answer.data.versionCreated
    ? 'newVersion'
    : keyChanged || pointsChanged
      ? 'inPlace'
      : 'details';
  redirect(`${back}?${new URLSearchParams({ saved, version: String(answer.data.currentVersion) })}`);
}

/**
 * Regrades a quiz's submitted attempts on its questions' current versions, then comes back to the
 * page it was asked from (the question's or the quiz item's) saying what changed.
 */
export async function regradeQuiz(_state: FormState, form: FormData): Promise<FormState> {
  const courseId = text(form, 'courseId');
  const questionId = text(form, 'questionId');
  const itemId = text(form, 'itemId');
  const back = questionId ? questionPath(courseId, questionId) : itemPath(courseId, itemId);
  const answer = await rest<{ attemptsRegraded: number; attemptScoresChanged: number }>(
    'assessment-service',
    `/quizzes/${encodeURIComponent(text(form, 'quizId'))}/regrade`,
    { method: 'POST', body: {} },
  );
  if (!answer.ok || !answer.data) return refused(courseId, answer, form, back);
  revalidatePath(`/courses/${encodeURIComponent(courseId)}`, 'layout');
  redirect(
    `${back}?${new URLSearchParams({
      regraded: String(answer.data.attemptsRegraded),
      changed: String(answer.data.attemptScoresChanged),
    })}`,
  );
}

/**
 * Creates the quiz (a fixed section of the chosen questions, then a draw from the bank), places
 * it in the module as an `assessment` item and publishes it linked to that item, as staff tools
 * do through the APIs; then opens the new item.
 */
export async function createQuiz(_state: FormState, form: FormData): Promise<FormState> {
  const courseId = text(form, 'courseId');
  const bankId = text(form, 'bankId');
  const title = text(form, 'title');
  const minutes = text(form, 'timeLimit');
  const draw = Number(text(form, 'drawCount') || 0);
  const tag = text(form, 'drawTag');
  const drawPoints = text(form, 'drawPoints');
  const questionIds = form.getAll('questionIds').map(String);
  const sections = [
    ...(questionIds.length ? [{ kind: 'fixed', questionIds }] : []),
    ...(draw > 0
      ? [
          {
            kind: 'random',
            bankId,
            count: draw,
            ...(tag ? { tag } : {}),
            ...(drawPoints ? { pointsEach: Number(drawPoints) } : {}),
          },
        ]
      : []),
  ];
  const quiz = await rest<{ id: string }>(
    'assessment-service',
    `/courses/${encodeURIComponent(courseId)}/quizzes`,
    {
      method: 'POST',
      body: {
        title,
        ...(minutes ? { timeLimitSeconds: Math.round(Number(minutes) * 60) } : {}),
        attemptsAllowed: Number(text(form, 'attemptsAllowed') || 1),
        sections,
      },
    },
  );
  if (!quiz.ok || !quiz.data) return refused(courseId, quiz, form);
  const item = await rest<{ id: string }>(
    'course-service',
    `/courses/${encodeURIComponent(courseId)}/modules/${encodeURIComponent(text(form, 'moduleId'))}/items`,
    { method: 'POST', body: { kind: 'assessment', title, assessmentId: quiz.data.id, published: true } },
  );
  if (!item.ok || !item.data) return refused(courseId, item, form);
  const published = await rest('assessment-service', `/quizzes/${encodeURIComponent(quiz.data.id)}`, {
    method: 'PATCH',
    body: { courseItemId: item.data.id, published: true },
  });
  if (!published.ok) return refused(courseId, published, form);
  revalidatePath(`/courses/${encodeURIComponent(courseId)}`);
  redirect(
    `/courses/${encodeURIComponent(courseId)}/items/${encodeURIComponent(item.data.id)}?notice=quizPublished`,
  );
}
