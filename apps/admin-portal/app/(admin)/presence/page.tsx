import { Button, Card } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { Notice } from '@/components/field';
import { fieldMessages, Notices } from '@/components/notices';
import { decodeFieldErrors } from '@/lib/forms';
import { api } from '@/lib/gateway';
import { savePresence } from '@/lib/operations';
import { COURSE_PRESENCE, type PresenceSettings } from '@/lib/operations-shape';
import { requireAdmin } from '@/lib/viewer';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('presence'))('title') };
}

/**
 * Who shows as "Here now" on the district's course pages (realtime-service decides it when a
 * course page joins its channel, so a page already open keeps what it joined with).
 */
export default async function Presence({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  await requireAdmin('/presence');
  const params = await searchParams;
  const t = await getTranslations('presence');
  const fieldError = await fieldMessages(decodeFieldErrors(params.fe));
  const answer = await api<PresenceSettings>('GET', 'realtime-service/settings/presence');
  if (!answer.ok)
    return (
      <>
        <h1 className="page-title">{t('title')}</h1>
        <Notices params={params} />
        <Notice kind="error">{t('unavailable')}</Notice>
      </>
    );
  const current = answer.data.coursePresence;
  const error = fieldError('coursePresence');
  return (
    <>
      <h1 className="page-title">{t('title')}</h1>
      <Notices params={params} />
      <Card title={t('choice')}>
        <p>{t('body')}</p>
        <p>{t('current', { choice: t(`options.${current}.label`) })}</p>
        <form action={savePresence} noValidate>
          <input type="hidden" name="current" value={current} />
          <fieldset className="presence-options" aria-describedby={error ? 'presence-error' : undefined}>
            <legend>{t('legend')}</legend>
            {COURSE_PRESENCE.map((option) => (
              <div className="presence-option" key={option}>
                <input
                  type="radio"
                  id={`presence-${option}`}
                  name="coursePresence"
                  value={option}
                  defaultChecked={option === current}
                  aria-describedby={`presence-${option}-hint`}
                />
                <div>
                  <label htmlFor={`presence-${option}`}>{t(`options.${option}.label`)}</label>
                  <p className="ui-hint" id={`presence-${option}-hint`}>
                    {t(`options.${option}.hint`)}
                  </p>
                </div>
              </div>
            ))}
            {error ? (
              <p className="field-error" id="presence-error">
                {error}
              </p>
            ) : null}
          </fieldset>
          <p>{t('reloadNote')}</p>
          <Button>{t('save')}</Button>
        </form>
      </Card>
    </>
  );
}
