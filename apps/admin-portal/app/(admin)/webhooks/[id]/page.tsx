import { Button, Card } from '@eduspry/ui-components';
import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getFormatter, getTranslations } from 'next-intl/server';
import { Notice } from '@/components/field';
import { fieldMessages, Notices } from '@/components/notices';
import { decodeFieldErrors, UUID } from '@/lib/forms';
import { api } from '@/lib/gateway';
import { SECRET_COOKIE, type WebhookDelivery, type WebhookEndpoint } from '@/lib/operations-shape';
import { requireAdmin } from '@/lib/viewer';
import {
  deleteWebhook,
  dismissWebhookSecret,
  replayWebhookDelivery,
  rotateWebhookSecret,
  updateWebhook,
} from '@/lib/webhooks';
import { EndpointFields } from '../endpoint-fields';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('webhooks'))('endpointTitle') };
}

/** One endpoint: edit, re-enable, rotate its secret (shown once), delete; its delivery log with replay. */
export default async function WebhookEndpointPage({
  params: route,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { id } = await route;
  await requireAdmin(`/webhooks/${id}`);
  if (!UUID.test(id)) notFound();
  const params = await searchParams;
  const t = await getTranslations('webhooks');
  const format = await getFormatter();
  const fieldError = await fieldMessages(decodeFieldErrors(params.fe));
  const [endpoint, deliveries] = await Promise.all([
    api<WebhookEndpoint>('GET', `notification-service/webhooks/endpoints/${id}`),
    api<{ items: WebhookDelivery[] }>(
      'GET',
      `notification-service/webhooks/endpoints/${id}/deliveries?limit=50`,
    ),
  ]);
  if (!endpoint.ok && endpoint.status === 404) notFound();
  const secret = (await cookies()).get(SECRET_COOKIE)?.value;
  const hidden = <input type="hidden" name="endpointId" value={id} />;
  return (
    <>
      <h1 className="page-title">{t('endpointTitle')}</h1>
      <p>
        <Link href="/webhooks">{t('back')}</Link>
      </p>
      <Notices params={params} />
      {secret ? (
        <Card title={t('secretTitle')}>
          <p>{t('secretBody')}</p>
          <p>
            <code className="secret">{secret}</code>
          </p>
          <form action={dismissWebhookSecret}>
            {hidden}
            <Button variant="secondary">{t('secretDismiss')}</Button>
          </form>
        </Card>
      ) : null}
      {!endpoint.ok ? (
        <Notice kind="error">{endpoint.status === 403 ? t('forbidden') : t('unavailable')}</Notice>
      ) : (
        <>
          <Card title={endpoint.data.url}>
            <p>
              {t('statusLine', { status: t(`statuses.${endpoint.data.status}`) })}
              {endpoint.data.disabledReason ? ` ${endpoint.data.disabledReason}` : null}
            </p>
            <form action={updateWebhook} noValidate>
              {hidden}
              <EndpointFields
                values={{
                  url: params.url ?? endpoint.data.url,
                  description: params.description ?? endpoint.data.description,
                  eventTypes: params.eventTypes ?? endpoint.data.eventTypes.join(', '),
                  ordered: endpoint.data.ordered,
                }}
                fieldError={fieldError}
              />
              {endpoint.data.status === 'disabled' ? (
                <div className="ui-field checkbox">
                  <input id="field-reactivate" name="reactivate" type="checkbox" />
                  <label htmlFor="field-reactivate">{t('reactivate')}</label>
                </div>
              ) : null}
              <Button>{t('save')}</Button>
            </form>
          </Card>
          <Card title={t('secretActions')}>
            <p>{t('rotateBody')}</p>
            <div className="row">
              <form action={rotateWebhookSecret}>
                {hidden}
                <Button variant="secondary">{t('rotate')}</Button>
              </form>
              <form action={deleteWebhook}>
                {hidden}
                <Button variant="secondary">{t('delete')}</Button>
              </form>
            </div>
          </Card>
        </>
      )}
      <Card title={t('deliveries')}>
        {!deliveries.ok ? (
          <Notice kind="error">{t('unavailable')}</Notice>
        ) : deliveries.data.items.length === 0 ? (
          <p>{t('noDeliveries')}</p>
        ) : (
          <table>
            <caption className="ui-visually-hidden">{t('deliveries')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('when')}</th>
                <th scope="col">{t('eventType')}</th>
                <th scope="col">{t('deliveryStatus')}</th>
                <th scope="col">{t('attempts')}</th>
                <th scope="col">{t('lastStatusCode')}</th>
                <th scope="col">{t('actions')}</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.data.items.map((delivery) => (
                <tr key={delivery.id}>
                  <td>
                    {format.dateTime(new Date(delivery.createdAt), {
                      dateStyle: 'medium',
                      timeStyle: 'short',
                    })}
                  </td>
                  <td>{delivery.eventType}</td>
                  <td>
                    {t.has(`deliveryStatuses.${delivery.status}`)
                      ? t(`deliveryStatuses.${delivery.status}`)
                      : delivery.status}
                  </td>
                  <td>{format.number(delivery.attempts)}</td>
                  <td>{delivery.lastStatusCode ?? '—'}</td>
                  <td>
                    <form action={replayWebhookDelivery}>
                      {hidden}
                      <input type="hidden" name="deliveryId" value={delivery.id} />
                      <button className="ui-button ui-button-secondary" type="submit">
                        {t('replay')}
                        <span className="ui-visually-hidden"> {delivery.messageId}</span>
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
