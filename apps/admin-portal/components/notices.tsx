import { getTranslations } from 'next-intl/server';
import { Notice } from './field';

/** The `?notice=` / `?error=` message keys a form action came back with (unknown keys ignored). */
export async function Notices({ params }: { params: Record<string, string | undefined> }) {
  const t = await getTranslations();
  const known = (key: string | undefined) =>
    key && /^[a-zA-Z.]{1,60}$/.test(key) && t.has(key) ? key : undefined;
  const notice = known(params.notice);
  const error = known(params.error);
  return (
    <>
      {notice ? <Notice kind="success">{t(notice)}</Notice> : null}
      {error ? <Notice kind="error">{t(error)}</Notice> : null}
    </>
  );
}

/** A field error key as text in the user's language. */
export async function fieldMessages(errors: Record<string, string>) {
  const t = await getTranslations('fieldErrors');
  return (field: string) => {
    const code = errors[field];
    return code ? (t.has(code) ? t(code) : t('invalid')) : undefined;
  };
}
