'use client';
import { Button, Checkbox, TextField } from '@eduspry/ui-components';
import { useTranslations } from 'next-intl';
import { type FormEvent, useRef, useState } from 'react';
import { addItem } from '@/lib/actions';
import { connection } from '@/lib/connection';

/** content-service's upload refusals the form puts in words (its problem codes, README "Problems"). */
const UPLOAD_PROBLEMS = [
  'quota-exceeded',
  'file-too-large',
  'media-type-not-allowed',
  'not-course-staff',
  'unauthorized',
  'upload-incomplete',
] as const;
type UploadProblem = (typeof UPLOAD_PROBLEMS)[number] | 'failed';

/** The problem code of a refused upload: content-service answers tus requests with problem+json. */
function problemOf(error: unknown): UploadProblem {
  const response = (error as { originalResponse?: { getBody(): string } | null }).originalResponse;
  try {
    const type = JSON.parse(response?.getBody() ?? '').type as string | undefined;
    const code = type?.split('/').pop();
    return UPLOAD_PROBLEMS.find((known) => known === code) ?? 'failed';
  } catch {
    return 'failed';
  }
}

type State =
  | { phase: 'idle' }
  | { phase: 'uploading'; name: string; percent: number }
  | { phase: 'adding'; name: string }
  | { phase: 'failed'; problem: UploadProblem };

/**
 * Adds a file item: the browser sends the file straight to content-service's tus endpoint with
 * the user's access token (tus-js-client, loaded only when a file is sent, so no page's first load
 * grows), shows the progress, then creates the item with the returned file id through the same
 * server action as the other kinds. The bytes never pass through the web app or the gateway.
 */
export function FileItemForm({
  courseId,
  modules,
}: {
  courseId: string;
  modules: { id: string; title: string }[];
}) {
  const t = useTranslations('course.fileItem');
  const form = useRef<HTMLFormElement>(null);
  const fileId = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<State>({ phase: 'idle' });

  async function upload(event: FormEvent<HTMLFormElement>) {
    // Second pass: the file is stored and its id is in the form; the server action adds the item.
    if (fileId.current?.value) return;
    event.preventDefault();
    const file = new FormData(event.currentTarget).get('file') as File | null;
    if (!file?.size) return;
    setState({ phase: 'uploading', name: file.name, percent: 0 });
    try {
      const [{ Upload }, live] = await Promise.all([import('tus-js-client'), connection()]);
      if (!live) throw Object.assign(new Error('signed out'), { originalResponse: null });
      const id = await new Promise<string>((resolve, reject) => {
        const tus = new Upload(file, {
          endpoint: `${live.contentUrl}/uploads`,
          metadata: { courseId, filename: file.name },
          removeFingerprintOnSuccess: true,
          retryDelays: [0, 1000, 3000],
          // A fresh token for every request: a long upload outlives one access token.
          onBeforeRequest: async (request) => {
            const current = await connection();
            request.setHeader('Authorization', `Bearer ${current?.token ?? live.token}`);
          },
          // A refusal (quota, type, size) is final; only network trouble is worth another try.
          onShouldRetry: (error) => {
            const status = error.originalResponse?.getStatus() ?? 0;
            return status === 0 || status >= 500;
          },
          onProgress: (sent, total) =>
            setState({
              phase: 'uploading',
              name: file.name,
              percent: total ? Math.floor((sent / total) * 100) : 0,
            }),
          onSuccess: ({ lastResponse }) => {
            const stored = lastResponse.getHeader('EduSpry-File-Id');
            if (stored) resolve(stored);
            else reject(new Error('no file id in the answer'));
          },
          onError: reject,
        });
        tus.start();
      });
      setState({ phase: 'adding', name: file.name });
      if (fileId.current) fileId.current.value = id;
      form.current?.requestSubmit();
      // The submit has taken the form's data: the next file is uploaded afresh.
      if (fileId.current) fileId.current.value = '';
    } catch (error) {
      setState({ phase: 'failed', problem: problemOf(error) });
    }
  }

  const percent = state.phase === 'uploading' ? state.percent : state.phase === 'adding' ? 100 : 0;
  return (
    <form ref={form} action={addItem} onSubmit={upload} aria-label={t('form')}>
      <input type="hidden" name="courseId" value={courseId} />
      <input type="hidden" name="kind" value="file" />
      <input type="hidden" name="fileId" ref={fileId} defaultValue="" />
      <div className="ui-field">
        <label htmlFor="file-item-module">{t('module')}</label>
        <select id="file-item-module" name="moduleId">
          {modules.map((m) => (
            <option key={m.id} value={m.id}>
              {m.title}
            </option>
          ))}
        </select>
      </div>
      <TextField label={t('title')} name="title" id="file-item-title" required />
      <div className="ui-field">
        <label htmlFor="file-item-file">{t('file')}</label>
        <input id="file-item-file" name="file" type="file" required />
      </div>
      <Checkbox label={t('published')} name="published" id="file-item-published" defaultChecked />
      {state.phase === 'uploading' || state.phase === 'adding' ? (
        <div className="ui-field">
          <label htmlFor="file-item-progress">{t('progress')}</label>
          <progress id="file-item-progress" max={100} value={percent}>
            {t('percent', { percent })}
          </progress>
        </div>
      ) : null}
      <p role="status" aria-live="polite" className="meta">
        {state.phase === 'uploading'
          ? t('uploading', { name: state.name })
          : state.phase === 'adding'
            ? t('uploaded', { name: state.name })
            : state.phase === 'failed'
              ? t(`problems.${state.problem}`)
              : ''}
      </p>
      <Button variant="secondary">{t('submit')}</Button>
    </form>
  );
}
