import 'server-only';
import { redirect } from 'next/navigation';
import { cleanText, encodeFieldErrors, type FieldErrors } from './forms';
import type { Problem } from './gateway';

// How a Server Action answers: back to a page, with form values, field errors or a notice.

/** Back to `path` with the given parameters (form values, field errors, a notice). */
export function back(path: string, params: Record<string, string | undefined>): never {
  const url = new URL(path, 'http://portal.invalid');
  // The page's own filters stay; a previous notice or error does not.
  for (const name of ['notice', 'error', 'fe']) url.searchParams.delete(name);
  for (const [name, value] of Object.entries(params)) if (value) url.searchParams.set(name, value);
  redirect(`${url.pathname}${url.search}`);
}

export function invalid(path: string, errors: FieldErrors, values: Record<string, string> = {}): never {
  back(path, { ...values, fe: encodeFieldErrors(errors) });
}

/** A problem of the API as a page-level message key. */
export function problemKey(problem: Problem): string {
  if (problem.status === 401) return 'errors.signedOut';
  if (problem.status === 403) return 'errors.forbidden';
  if (problem.status === 404) return 'errors.notFound';
  if (problem.status === 409) return 'errors.conflict';
  if (problem.status === 429) return 'errors.tooMany';
  if (problem.status >= 500) return 'errors.unavailable';
  return 'errors.rejected';
}

export function safeReturn(form: FormData, fallback: string): string {
  const path = cleanText(form.get('returnTo'));
  return path.startsWith('/') && !path.startsWith('//') ? path : fallback;
}
