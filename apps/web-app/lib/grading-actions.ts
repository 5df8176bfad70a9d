'use server';
import { redirect } from 'next/navigation';
import { rest } from './gateway';

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();

/**
 * A grader scores one question of an attempt: by its rubric (a level for every criterion the
 * form lists) or by points, with feedback. Back to the queue when saved; to the attempt with
 * the platform's word (or `?problem=unavailable`) when not.
 */
export async function gradeQuestion(form: FormData): Promise<void> {
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
  if (!answer.ok) {
    const detail = answer.problem?.detail ?? answer.problem?.title;
    redirect(
      `/courses/${courseId}/grading/${attemptId}?${new URLSearchParams(
        detail && answer.status < 500 ? { error: detail } : { problem: 'unavailable' },
      )}#question-${position}`,
    );
  }
  redirect(`/courses/${courseId}/grading?notice=graded`);
}
