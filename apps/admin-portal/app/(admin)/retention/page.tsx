import { Button, Card } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { Notice } from '@/components/field';
import { fieldMessages, Notices } from '@/components/notices';
import { decodeFieldErrors } from '@/lib/forms';
import { api } from '@/lib/gateway';
import { saveRetention } from '@/lib/operations';
import { LEVELS, MAX_RETAIN_DAYS, type RetentionPolicies } from '@/lib/operations-shape';
import { requireAdmin } from '@/lib/viewer';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('retention'))('title') };
}

/** How long logging-service keeps the district's log lines, per level (platform default otherwise). */
export default async function Retention({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const who = await requireAdmin('/retention');
  const params = await searchParams;
  const t = await getTranslations('retention');
  const fieldError = await fieldMessages(decodeFieldErrors(params.fe));
  const answer = await api<RetentionPolicies>('GET', 'logging-service/retention-policies');
  if (!answer.ok)
    return (
      <>
        <h1 className="page-title">{t('title')}</h1>
        <Notices params={params} />
        <Notice kind="error">{t('unavailable')}</Notice>
      </>
    );
  const days = (tenantId: string | null, level: string) =>
    answer.data.policies.find((p) => p.tenantId === tenantId && p.level === level)?.retainDays;
  return (
    <>
      <h1 className="page-title">{t('title')}</h1>
      <Notices params={params} />
      <Card title={t('policies')}>
        <p>{t('body', { max: MAX_RETAIN_DAYS })}</p>
        <form action={saveRetention} noValidate>
          <table>
            <caption className="ui-visually-hidden">{t('policies')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('level')}</th>
                <th scope="col">{t('platformDefault')}</th>
                <th scope="col">{t('district')}</th>
              </tr>
            </thead>
            <tbody>
              {LEVELS.map((level) => {
                const own = days(who.tenantId, level);
                const fallback = days(null, level);
                const error = fieldError(level);
                return (
                  <tr key={level}>
                    <th scope="row">{t(`levels.${level}`)}</th>
                    <td>{fallback === undefined ? '—' : t('days', { days: fallback })}</td>
                    <td>
                      <input type="hidden" name={`${level}Current`} value={own ?? ''} />
                      <label className="ui-visually-hidden" htmlFor={`field-${level}`}>
                        {t('daysFor', { level: t(`levels.${level}`) })}
                      </label>
                      <input
                        id={`field-${level}`}
                        name={level}
                        inputMode="numeric"
                        defaultValue={params[level] ?? (own === undefined ? '' : String(own))}
                        placeholder={fallback === undefined ? '' : String(fallback)}
                        aria-invalid={error ? true : undefined}
                        aria-describedby={error ? `field-${level}-error` : undefined}
                      />
                      {error ? (
                        <p className="field-error" id={`field-${level}-error`}>
                          {error}
                        </p>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <Button>{t('save')}</Button>
        </form>
      </Card>
    </>
  );
}
