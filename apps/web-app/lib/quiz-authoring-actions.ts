'use server';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { type FormState, refusal } from './form-state';
import { type RestAnswer, rest } from './gateway';

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();
const lines = (form: FormData, name: string) =>
  text(form, name)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
/** "1, 3" → [1, 3]: the choices' numbers as the form shows them (1-based). */
const numbers = (form: FormData, name: string) =>
  text(form, name)
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
const builderPath = (courseId: string) => `/courses/${encodeURIComponent(courseId)}/quizzes/new`;

/** What the service said, for the builder to show beside the form, filled in as it was sent. */
function refused(courseId: string, answer: RestAnswer<unknown>, form: FormData): FormState {
  if (answer.status === 401) redirect(`/sign-in?${new URLSearchParams({ next: builderPath(courseId) })}`);
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

/** The authoring spec of one question type from its form; the service checks the rest. */
function specOf(type: string, form: FormData): Record<string, unknown> {
  const prompt = text(form, 'prompt');
  const choices = (correct: number[]) =>
    lines(form, 'choices').map((choice, i) => ({
      id: `c${i + 1}`,
      text: choice,
      correct: correct.includes(i + 1),
    }));
  switch (type) {
    case 'multiple_choice':
      return { type, prompt, choices: choices(numbers(form, 'correct')) };
    case 'multiple_answers':
      return {
        type,
        prompt,
        choices: choices(numbers(form, 'correct')),
        scoring: text(form, 'scoring') || 'partial',
      };
    case 'true_false':
      return { type, prompt, correct: text(form, 'correct') === 'true' };
    case 'short_answer':
      return { type, prompt, accepted: lines(form, 'accepted').map((accepted) => ({ text: accepted })) };
    case 'numerical':
      return {
        type,
        prompt,
        // An empty or non-number value goes as null, for the service to name the field.
        answers: [
          {
            value: Number(text(form, 'value') || Number.NaN),
            tolerance: Number(text(form, 'tolerance') || 0),
          },
        ],
      };
    case 'essay': {
      const maxWords = text(form, 'maxWords');
      return { type, prompt, ...(maxWords ? { maxWords: Number(maxWords) } : {}) };
    }
    default:
      return { type, prompt };
  }
}

export async function addQuestion(_state: FormState, form: FormData): Promise<FormState> {
  const courseId = text(form, 'courseId');
  const type = text(form, 'type');
  const points = text(form, 'points');
  const tags = text(form, 'tags')
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
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
