'use server';
import { redirect } from 'next/navigation';
import { gql } from './gateway';

/** The outcome of one autosave, for the attempt form to show ("Saved" / retrying / closed). */
export type SaveOutcome = { ok: true; savedAt: string } | { ok: false; code: string };

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();
const itemPath = (courseId: string, itemId: string) =>
  `/courses/${encodeURIComponent(courseId)}/items/${encodeURIComponent(itemId)}`;

/** Start (or resume) the quiz of an item, then open the attempt; a refusal goes back with its code. */
export async function startQuizAttempt(form: FormData): Promise<void> {
  const courseId = text(form, 'courseId');
  const itemId = text(form, 'itemId');
  const accessCode = text(form, 'accessCode');
  const { data, errors } = await gql<{ startAttempt: { id: string } }>('StartAttempt', {
    courseId,
    itemId,
    ...(accessCode ? { accessCode } : {}),
  });
  const path = itemPath(courseId, itemId);
  if (!data?.startAttempt) {
    const code = errors[0]?.extensions?.code ?? 'ERROR';
    if (code === 'UNAUTHENTICATED') redirect(`/sign-in?${new URLSearchParams({ next: path })}`);
    redirect(`${path}?${new URLSearchParams({ problem: code })}`);
  }
  redirect(`${path}/attempts/${encodeURIComponent(data.startAttempt.id)}`);
}

/** One autosave from the attempt form; never throws, so the form can say what happened. */
export async function saveQuizAnswer(
  attemptId: string,
  position: number,
  answer: unknown,
): Promise<SaveOutcome> {
  try {
    const { data, errors } = await gql<{ saveAnswer: { savedAt: string } }>('SaveAnswer', {
      attemptId,
      position,
      answer,
    });
    if (data?.saveAnswer) return { ok: true, savedAt: data.saveAnswer.savedAt };
    return { ok: false, code: errors[0]?.extensions?.code ?? 'ERROR' };
  } catch {
    return { ok: false, code: 'UNREACHABLE' };
  }
}

/** Submit, then show the attempt's results (a late or repeated submit shows them too). */
export async function submitQuizAttempt(courseId: string, itemId: string, attemptId: string): Promise<void> {
  const { errors } = await gql('SubmitAttempt', { attemptId });
  const path = `${itemPath(courseId, itemId)}/attempts/${encodeURIComponent(attemptId)}`;
  const code = errors[0]?.extensions?.code;
  redirect(
    code && code !== 'ATTEMPT_DEADLINE_PASSED' ? `${path}?${new URLSearchParams({ problem: code })}` : path,
  );
}
