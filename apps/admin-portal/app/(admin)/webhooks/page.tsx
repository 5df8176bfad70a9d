import { Button, Card } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getFormatter, getTranslations } from 'next-intl/server';
import { Notice } from '@/components/field';
import { fieldMessages, Notices } from '@/components/notices';
import { decodeFieldErrors } from '@/lib/forms';
import { api } from '@/lib/gateway';
import type { WebhookEndpoint } from '@/lib/operations-shape';
import { requireAdmin } from '@/lib/viewer';
import { createWebhook } from '@/lib/webhooks';
import { EndpointFields } from './endpoint-fields';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('webhooks'))('title') };
}

/** The district's outgoing webhook endpoints (notification-service). */
export default async function Webhooks({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  await requireAdmin('/webhooks');
  const params = await searchParams;
  const t = await getTranslations('webhooks');
  const format = await getFormatter();
  const fieldError = await fieldMessages(decodeFieldErrors(params.fe));
  const answer = await api<{ items: WebhookEndpoint[] }>('GET', 'notification-service/webhooks/endpoints');
  return (
    <>
      <h1 className="page-title">{t('title')}</h1>
      <Notices params={params} />
      <Card title={t('create')}>
        <form action={createWebhook} noValidate>
          <EndpointFields
            values={{
              url: params.url,
              description: params.description,
              eventTypes: params.eventTypes ?? '*',
            }}
            fieldError={fieldError}
          />
          <Button>{t('submit')}</Button>
        </form>
      </Card>
      {!answer.ok ? (
        <Notice kind="error">{answer.status === 403 ? t('forbidden') : t('unavailable')}</Notice>
      ) : (
        <Card title={t('endpoints', { count: answer.data.items.length })}>
          {answer.data.items.length === 0 ? (
            <p>{t('none')}</p>
          ) : (
            <table>
              <caption className="ui-visually-hidden">
                {t('endpoints', { count: answer.data.items.length })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('url')}</th>
                  <th scope="col">{t('eventTypes')}</th>
                  <th scope="col">{t('status')}</th>
                  <th scope="col">{t('since')}</th>
                </tr>
              </thead>
              <tbody>
                {answer.data.items.map((endpoint) => (
                  <tr key={endpoint.id}>
                    <td>
                      <Link href={`/webhooks/${endpoint.id}`}>{endpoint.url}</Link>
                    </td>
                    <td>{endpoint.eventTypes.join(', ')}</td>
                    <td>{t(`statuses.${endpoint.status}`)}</td>
                    <td>{format.dateTime(new Date(endpoint.createdAt), { dateStyle: 'medium' })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      )}
    </>
  );
}
