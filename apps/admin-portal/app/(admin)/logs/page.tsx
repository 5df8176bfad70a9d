import { Button, Card } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import { getFormatter, getTranslations } from 'next-intl/server';
import { Field, Notice, SelectField } from '@/components/field';
import { fieldMessages } from '@/components/notices';
import { api, query } from '@/lib/gateway';
import { LEVELS, type LogFilters, parseLogFilters, searchLogs } from '@/lib/logs';
import { requireAdmin } from '@/lib/viewer';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('logs'))('title') };
}

/**
 * Log search over logging-service: a tenant admin sees their tenant's lines (the service decides
 * by their token), the super admin any tenant's. A trace id links to every line of that trace.
 */
export default async function Logs({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const params = await searchParams;
  const who = await requireAdmin('/logs');
  const t = await getTranslations('logs');
  const format = await getFormatter();
  const { filters, errors } = parseLogFilters(params, who.superAdmin);
  const valid = Object.keys(errors).length === 0;
  const [answer, tenants] = await Promise.all([
    valid ? searchLogs(filters) : Promise.resolve(null),
    who.superAdmin
      ? api<{ items: { id: string; name: string; slug: string }[] }>('GET', 'auth-service/tenants?limit=100')
      : Promise.resolve(null),
  ]);
  // The service's own check of the range (e.g. a start more than 31 days before now).
  if (answer && !answer.ok && answer.status === 400) {
    const field = (answer.problem as { field?: string }).field ?? '';
    errors[field.endsWith('.cursor') ? 'cursor' : 'from'] = field.endsWith('.cursor') ? 'invalid' : 'range';
  }
  const fieldError = await fieldMessages(errors);
  const { cursor: _cursor, ...kept } = filters;
  const link = (more: Partial<LogFilters>) => `/logs${query({ ...kept, ...more })}`;
  const levelOptions = [
    { value: '', label: t('anyLevel') },
    ...LEVELS.map((level) => ({ value: level, label: t(`levels.${level}`) })),
  ];
  return (
    <>
      <h1 className="page-title">{filters.traceId ? t('traceHeading') : t('title')}</h1>
      <Card>
        <search aria-label={t('filter')}>
          <form className="filters" action="/logs" noValidate>
            <SelectField
              label={t('level')}
              name="level"
              defaultValue={filters.level ?? ''}
              options={levelOptions}
              error={fieldError('level')}
            />
            <Field
              label={t('service')}
              name="service"
              defaultValue={params.service}
              hint={t('serviceHint')}
              error={fieldError('service')}
            />
            <Field label={t('text')} name="q" type="search" defaultValue={params.q} error={fieldError('q')} />
            <Field
              label={t('from')}
              name="from"
              type="datetime-local"
              defaultValue={params.from}
              hint={t('timeHint')}
              error={fieldError('from')}
            />
            <Field
              label={t('to')}
              name="to"
              type="datetime-local"
              defaultValue={params.to}
              error={fieldError('to')}
            />
            <Field
              label={t('traceId')}
              name="traceId"
              defaultValue={params.traceId}
              error={fieldError('traceId')}
            />
            {tenants?.ok ? (
              <SelectField
                label={t('tenant')}
                name="tenantId"
                defaultValue={filters.tenantId ?? ''}
                options={[
                  { value: '', label: t('anyTenant') },
                  ...tenants.data.items.map((tenant) => ({ value: tenant.id, label: tenant.name })),
                ]}
                error={fieldError('tenantId')}
              />
            ) : null}
            <Button variant="secondary">{t('apply')}</Button>
          </form>
        </search>
        {filters.traceId ? (
          <p>
            <a href="/logs">{t('allLines')}</a>
          </p>
        ) : null}
      </Card>
      {answer && !answer.ok && answer.status !== 400 ? (
        <Notice kind="error">{answer.status === 403 ? t('forbidden') : t('unavailable')}</Notice>
      ) : null}
      {answer?.ok ? (
        <Card title={t('lines', { count: answer.data.lines.length })}>
          {answer.data.lines.length === 0 ? (
            <p>{t('none')}</p>
          ) : (
            <table>
              <caption className="ui-visually-hidden">{t('caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('time')}</th>
                  <th scope="col">{t('level')}</th>
                  <th scope="col">{t('service')}</th>
                  <th scope="col">{t('message')}</th>
                  <th scope="col">{t('trace')}</th>
                </tr>
              </thead>
              <tbody>
                {answer.data.lines.map((line) => (
                  <tr key={line.id}>
                    <td>
                      {format.dateTime(new Date(line.timestamp), { dateStyle: 'short', timeStyle: 'medium' })}
                    </td>
                    <td>{t.has(`levels.${line.level}`) ? t(`levels.${line.level}`) : line.level}</td>
                    <td>{line.service}</td>
                    <td className="content">{line.message}</td>
                    <td>
                      {line.traceId ? (
                        <a
                          // The name says what the link does and contains what it shows (WCAG 2.5.3).
                          aria-label={`${t('traceLink')} ${line.traceId.slice(0, 8)}…`}
                          href={`/logs${query({ traceId: line.traceId, tenantId: filters.tenantId, from: filters.from, to: filters.to })}`}
                        >
                          <code>{line.traceId.slice(0, 8)}…</code>
                        </a>
                      ) : (
                        '—'
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {answer.data.nextCursor ? (
            <nav className="pager" aria-label={t('pages')}>
              {filters.cursor ? <a href={link({})}>{t('newest')}</a> : null}
              <a href={link({ cursor: answer.data.nextCursor })}>{t('older')}</a>
            </nav>
          ) : filters.cursor ? (
            <nav className="pager" aria-label={t('pages')}>
              <a href={link({})}>{t('newest')}</a>
            </nav>
          ) : null}
        </Card>
      ) : null}
    </>
  );
}
