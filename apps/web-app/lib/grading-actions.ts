'use server';
import { redirect } from 'next/navigation';
import { type FormState, refusal } from './form-state';
import { rest } from './gateway';

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();

/**
 * A grader scores one question of an attempt: by its rubric (a level for every criterion the
 * form lists) or by points, with feedback. Back to the queue when saved; when not, the form
 * stays with the platform's word and what the grader entered.
 */
export async function gradeQuestion(_state: FormState, form: FormData): Promise<FormState> {
  const courseId = encodeURIComponent(text(form, 'courseId'));
  const attemptId = encodeURIComponent(text(form, 'attemptId'));
  const position = Number(text(form, 'position'));
  const criteria = form.getAll('criterion').map(String);
  const feedback = text(form, 'feedback');
  const body = {
    ...(criteria.length
      ? { rubric: Object.fromEntries(criteria.map((id) => [id, text(form, `level:${id}`)])) }
      : { score: Number(text(form, 'score')) }),
    ...(feedback ? { feedback } : {}),
  };
  const answer = await rest('assessment-service', `/attempts/${attemptId}/questions/${position}/grade`, {
    method: 'POST',
    body,
  });
  if (!answer.ok) return refusal(answer, form);
  redirect(`/courses/${courseId}/grading?notice=graded`);
}
