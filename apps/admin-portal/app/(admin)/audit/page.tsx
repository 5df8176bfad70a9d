import { Button, Card } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import { getFormatter, getTranslations } from 'next-intl/server';
import { Field, Notice } from '@/components/field';
import { fieldMessages } from '@/components/notices';
import { auditEvents, parseFilters } from '@/lib/audit';
import { query } from '@/lib/gateway';
import { requireAdmin } from '@/lib/viewer';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('audit'))('title') };
}

export default async function Audit({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const params = await searchParams;
  const who = await requireAdmin('/audit');
  const t = await getTranslations('audit');
  const format = await getFormatter();
  const { filters, errors } = parseFilters(params);
  const fieldError = await fieldMessages(errors);
  const result = Object.keys(errors).length ? null : await auditEvents(who.tenantId, filters, 200);
  return (
    <>
      <h1 className="page-title">{t('title')}</h1>
      <Card>
        <search aria-label={t('filter')}>
          <form className="filters" action="/audit" noValidate>
            <Field
              label={t('action')}
              name="action"
              defaultValue={params.action}
              hint={t('actionHint')}
              error={fieldError('action')}
            />
            <Field
              label={t('actor')}
              name="actor"
              defaultValue={params.actor}
              hint={t('actorHint')}
              error={fieldError('actor')}
            />
            <Field
              label={t('from')}
              name="from"
              type="date"
              defaultValue={params.from}
              error={fieldError('from')}
            />
            <Field label={t('to')} name="to" type="date" defaultValue={params.to} error={fieldError('to')} />
            <Button variant="secondary">{t('apply')}</Button>
          </form>
        </search>
        {result?.ok ? (
          <p>
            <a href={`/audit/export${query({ ...filters })}`} download>
              {t('export')}
            </a>
          </p>
        ) : null}
      </Card>
      {result && !result.ok ? <Notice kind="error">{t('unavailable')}</Notice> : null}
      {result?.ok ? (
        <Card title={t('events', { count: result.items.length })}>
          {result.items.length === 0 ? (
            <p>{t('none')}</p>
          ) : (
            <table>
              <caption className="ui-visually-hidden">{t('title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('when')}</th>
                  <th scope="col">{t('action')}</th>
                  <th scope="col">{t('actor')}</th>
                  <th scope="col">{t('subject')}</th>
                  <th scope="col">{t('ip')}</th>
                </tr>
              </thead>
              <tbody>
                {result.items.map((event) => (
                  <tr key={event.id}>
                    <td>
                      {format.dateTime(new Date(event.createdAt), {
                        dateStyle: 'medium',
                        timeStyle: 'medium',
                      })}
                    </td>
                    <td>{event.action}</td>
                    <td>
                      {event.actorId ? (
                        <a href={`/audit${query({ actor: event.actorId })}`}>{event.actorId}</a>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>{event.subjectId ?? '—'}</td>
                    <td>{event.ip ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {result.more ? <p>{t('more')}</p> : null}
        </Card>
      ) : null}
    </>
  );
}
