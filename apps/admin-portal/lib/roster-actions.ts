'use server';
import { cleanText, encodeFieldErrors, UUID } from './forms';
import { api } from './gateway';
import { back, problemKey } from './redirects';
import { requireAdmin } from './viewer';

/** The api-gateway passes at most 2 MiB through; the JSON around the file takes a little. */
const MAX_FILE_BYTES = 2 * 1024 * 1024 - 4096;
const HASH = /^[0-9a-f]{64}$/;

function toRoster(params: Record<string, string>): never {
  back('/roster', params);
}

/** Upload users.csv: the dry run is computed and kept by auth-service; nothing changes yet. */
export async function dryRunRoster(form: FormData): Promise<void> {
  const who = await requireAdmin('/roster');
  const file = form.get('users');
  if (!(file instanceof File) || file.size === 0) toRoster({ fe: encodeFieldErrors({ users: 'required' }) });
  if (file.size > MAX_FILE_BYTES) toRoster({ fe: encodeFieldErrors({ users: 'too-big' }) });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
  } catch {
    toRoster({ fe: encodeFieldErrors({ users: 'encoding' }) });
  }
  const answer = await api<{ id: string }>(
    'POST',
    `auth-service/tenants/${who.tenantId}/roster-imports`,
    { users: text },
    { timeoutMs: 30_000 },
  );
  if (!answer.ok) {
    if (answer.problem.type?.endsWith('/invalid-roster-file'))
      toRoster({ fe: encodeFieldErrors({ users: 'not-roster' }) });
    if (answer.status === 413) toRoster({ fe: encodeFieldErrors({ users: 'too-big' }) });
    toRoster({ error: problemKey(answer.problem) });
  }
  toRoster({ import: answer.data.id });
}

/** Apply the dry run the admin saw (its hash); removals only when the box was ticked. */
export async function applyRoster(form: FormData): Promise<void> {
  const who = await requireAdmin('/roster');
  const importId = cleanText(form.get('importId'));
  const hash = cleanText(form.get('hash'));
  const remove = form.get('remove') === 'yes';
  if (!UUID.test(importId) || !HASH.test(hash)) toRoster({ error: 'errors.rejected' });
  const answer = await api(
    'POST',
    `auth-service/tenants/${who.tenantId}/roster-imports/${importId}/apply`,
    { hash, remove },
    { timeoutMs: 120_000 },
  );
  if (!answer.ok)
    toRoster({
      import: importId,
      error: answer.problem.type?.endsWith('/roster-changed')
        ? 'roster.changed'
        : answer.status === 409
          ? 'roster.alreadyApplied'
          : problemKey(answer.problem),
    });
  toRoster({ import: importId, notice: 'roster.applied' });
}
