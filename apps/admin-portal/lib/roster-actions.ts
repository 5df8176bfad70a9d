'use server';
import { cleanText, encodeFieldErrors, type FieldErrors, UUID } from './forms';
import { api, type Problem } from './gateway';
import { back, problemKey } from './redirects';
import { requireAdmin } from './viewer';

/** The api-gateway passes at most 2 MiB through; the JSON around the files takes a little. */
const MAX_BODY_BYTES = 2 * 1024 * 1024 - 4096;
const HASH = /^[0-9a-f]{64}$/;
const USERS = '/roster';
const ENROLLMENTS = '/roster/enrollments';

/**
 * The named file fields of a form as UTF-8 text, or back to `path` with a field error by each
 * one that is missing, not text, or (together) more than the gateway takes.
 */
async function readFiles<Name extends string>(path: string, form: FormData, names: Name[]) {
  const errors: FieldErrors = {};
  const texts = {} as Record<Name, string>;
  let total = 0;
  for (const name of names) {
    const file = form.get(name);
    if (!(file instanceof File) || file.size === 0) {
      errors[name] = 'required';
      continue;
    }
    total += file.size;
    if (total > MAX_BODY_BYTES) {
      errors[name] = 'too-big';
      continue;
    }
    try {
      texts[name] = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
    } catch {
      errors[name] = 'encoding';
    }
  }
  if (Object.keys(errors).length) back(path, { fe: encodeFieldErrors(errors) });
  return texts;
}

/** A refused file: the service's detail starts with the file's name, which is the field's. */
function fileProblem(path: string, problem: Problem, status: number, names: string[], last: string): void {
  if (problem.type?.endsWith('/invalid-roster-file')) {
    const named = names.find((name) => problem.detail?.startsWith(`${name}.csv`)) ?? last;
    back(path, { fe: encodeFieldErrors({ [named]: 'not-roster' }) });
  }
  if (status === 413) back(path, { fe: encodeFieldErrors({ [last]: 'too-big' }) });
}

/** Upload users.csv: the dry run is computed and kept by auth-service; nothing changes yet. */
export async function dryRunRoster(form: FormData): Promise<void> {
  const who = await requireAdmin(USERS);
  const { users } = await readFiles(USERS, form, ['users']);
  const answer = await api<{ id: string }>(
    'POST',
    `auth-service/tenants/${who.tenantId}/roster-imports`,
    { users },
    { timeoutMs: 30_000 },
  );
  if (!answer.ok) {
    fileProblem(USERS, answer.problem, answer.status, ['users'], 'users');
    back(USERS, { error: problemKey(answer.problem) });
  }
  back(USERS, { import: answer.data.id });
}

/**
 * Upload users.csv, classes.csv and enrollments.csv: course-service joins them and keeps the
 * plan of enrolments; nothing changes yet.
 */
export async function dryRunEnrollments(form: FormData): Promise<void> {
  await requireAdmin(ENROLLMENTS);
  const names = ['users', 'classes', 'enrollments'];
  const files = await readFiles(ENROLLMENTS, form, names);
  const answer = await api<{ id: string }>('POST', 'course-service/roster-imports', files, {
    timeoutMs: 30_000,
  });
  if (!answer.ok) {
    fileProblem(ENROLLMENTS, answer.problem, answer.status, names, 'enrollments');
    back(ENROLLMENTS, { error: problemKey(answer.problem) });
  }
  back(ENROLLMENTS, { import: answer.data.id });
}

/** The approved dry run of a form (its id and hash), and whether the drop box was ticked. */
function approved(path: string, form: FormData) {
  const importId = cleanText(form.get('importId'));
  const hash = cleanText(form.get('hash'));
  if (!UUID.test(importId) || !HASH.test(hash)) back(path, { error: 'errors.rejected' });
  return { importId, hash, remove: form.get('remove') === 'yes' };
}

/** Back to the dry run after applying it: the notice, or why nothing was applied (keys of `messages`). */
function afterApply(
  path: string,
  messages: 'roster' | 'enrollmentImport',
  importId: string,
  answer: Awaited<ReturnType<typeof api>>,
): never {
  if (answer.ok) back(path, { import: importId, notice: `${messages}.applied` });
  back(path, {
    import: importId,
    error: answer.problem.type?.endsWith('/roster-changed')
      ? `${messages}.changed`
      : answer.status === 409
        ? `${messages}.alreadyApplied`
        : problemKey(answer.problem),
  });
}

/** Apply the users dry run the admin saw (its hash); removals only when the box was ticked. */
export async function applyRoster(form: FormData): Promise<void> {
  const who = await requireAdmin(USERS);
  const { importId, hash, remove } = approved(USERS, form);
  const answer = await api(
    'POST',
    `auth-service/tenants/${who.tenantId}/roster-imports/${importId}/apply`,
    { hash, remove },
    { timeoutMs: 120_000 },
  );
  afterApply(USERS, 'roster', importId, answer);
}

/** Apply the enrolment plan the admin saw (its hash); drops only when the box was ticked. */
export async function applyEnrollments(form: FormData): Promise<void> {
  await requireAdmin(ENROLLMENTS);
  const { importId, hash, remove } = approved(ENROLLMENTS, form);
  const answer = await api(
    'POST',
    `course-service/roster-imports/${importId}/apply`,
    { hash, remove },
    { timeoutMs: 120_000 },
  );
  afterApply(ENROLLMENTS, 'enrollmentImport', importId, answer);
}
