import type { RestAnswer } from './gateway';

/** Every value a form sent, by field name (a checkbox group or a repeated name has several). */
export type FormValues = Record<string, string[]>;

/**
 * What a server action answers a form it did not carry out (`useActionState`'s state): the
 * platform's reason, or null when it could not answer at all, and what the user sent, so the
 * form comes back filled in as they left it. Null until a submission is refused.
 */
export type FormState = { problem: string | null; values: FormValues } | null;

/** The values of a submitted form as the user typed them (untrimmed), without files or React's own fields. */
export function formValues(form: FormData): FormValues {
  const values: FormValues = {};
  for (const [name, value] of form) {
    if (typeof value !== 'string' || name.startsWith('$ACTION')) continue;
    values[name] = [...(values[name] ?? []), value];
  }
  return values;
}

/** The state of a form a service refused: its problem's words (none when it was down or unreachable). */
export function refusal(answer: RestAnswer<unknown>, form: FormData): FormState {
  const unreachable = answer.status === 0 || answer.status >= 500;
  return {
    problem: unreachable ? null : answer.problem?.detail || answer.problem?.title || String(answer.status),
    values: formValues(form),
  };
}
