import { Button, Card } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { Notice } from '@/components/field';
import { fieldMessages, Notices } from '@/components/notices';
import { decodeFieldErrors } from '@/lib/forms';
import { api } from '@/lib/gateway';
import { saveNotificationDefaults } from '@/lib/operations';
import { CATEGORIES, CHANNELS, FREQUENCIES, fieldOf, type TenantDefaults } from '@/lib/operations-shape';
import { requireAdmin } from '@/lib/viewer';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('notificationDefaults'))('title') };
}

/** The district's default channel preferences per category; each user's own choice still wins. */
export default async function NotificationDefaults({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  await requireAdmin('/notifications');
  const params = await searchParams;
  const t = await getTranslations('notificationDefaults');
  const fieldError = await fieldMessages(decodeFieldErrors(params.fe));
  const answer = await api<TenantDefaults>('GET', 'notification-service/preferences/tenant-defaults');
  return (
    <>
      <h1 className="page-title">{t('title')}</h1>
      <Notices params={params} />
      {!answer.ok ? (
        <Notice kind="error">{answer.status === 403 ? t('forbidden') : t('unavailable')}</Notice>
      ) : (
        <Card title={t('matrix')}>
          <p>{t('body')}</p>
          <form action={saveNotificationDefaults} noValidate>
            <table>
              <caption className="ui-visually-hidden">{t('matrix')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('category')}</th>
                  {CHANNELS.map((channel) => (
                    <th scope="col" key={channel}>
                      {t(`channels.${channel}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {CATEGORIES.map((category) => (
                  <tr key={category}>
                    <th scope="row">{t(`categories.${category}`)}</th>
                    {CHANNELS.map((channel) => {
                      const id = `pref-${category}-${channel}`;
                      const error = fieldError(fieldOf(category, channel));
                      const current =
                        answer.data.preferences.find((p) => p.category === category && p.channel === channel)
                          ?.frequency ?? 'immediately';
                      return (
                        <td key={channel}>
                          <label className="ui-visually-hidden" htmlFor={id}>
                            {t('cell', {
                              channel: t(`channels.${channel}`),
                              category: t(`categories.${category}`),
                            })}
                          </label>
                          <select
                            id={id}
                            name={`${category}.${channel}`}
                            defaultValue={current}
                            aria-invalid={error ? true : undefined}
                            aria-describedby={error ? `${id}-error` : undefined}
                          >
                            {FREQUENCIES.map((frequency) => (
                              <option key={frequency} value={frequency}>
                                {t(`frequencies.${frequency}`)}
                              </option>
                            ))}
                          </select>
                          {error ? (
                            <p className="field-error" id={`${id}-error`}>
                              {error}
                            </p>
                          ) : null}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
            <Button>{t('save')}</Button>
          </form>
        </Card>
      )}
    </>
  );
}
