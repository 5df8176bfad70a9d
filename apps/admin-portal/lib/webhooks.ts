'use server';
// Server Actions of the webhooks pages (notification-service's `/webhooks/endpoints…`). A new
// signing secret is shown once: it travels to the next page view in a short-lived httpOnly cookie
// scoped to the endpoint's page, never in the address bar, and the admin dismisses it.
import { revalidatePath } from 'next/cache';
import { cookies } from 'next/headers';
import { cleanText, type FieldErrors, UUID } from './forms';
import { api } from './gateway';
import { EVENT_TYPE_PATTERN, SECRET_COOKIE } from './operations-shape';
import { back, invalid, problemKey } from './redirects';
import { requireAdmin } from './viewer';

const secure = process.env.NODE_ENV === 'production' && process.env.WEB_APP_INSECURE_COOKIES !== '1';

async function showSecretOnce(endpointId: string, secret: string) {
  (await cookies()).set(SECRET_COOKIE, secret, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: `/webhooks/${endpointId}`,
    maxAge: 300,
  });
}

/** The endpoint form's fields, checked as notification-service will check them. */
function readEndpoint(form: FormData) {
  const url = cleanText(form.get('url'));
  const description = cleanText(form.get('description'));
  const rawTypes = cleanText(form.get('eventTypes'));
  const eventTypes = [
    ...new Set(
      rawTypes
        .split(/[\s,]+/)
        .map((type) => type.trim())
        .filter(Boolean),
    ),
  ];
  const errors: FieldErrors = {};
  if (!url) errors.url = 'required';
  else if (url.length > 2000) errors.url = 'tooLong';
  else if (!/^https?:\/\//.test(url) || !URL.canParse(url)) errors.url = 'url';
  if (description.length > 500) errors.description = 'tooLong';
  if (!eventTypes.length) errors.eventTypes = 'required';
  else if (eventTypes.length > 100 || !eventTypes.every((type) => EVENT_TYPE_PATTERN.test(type)))
    errors.eventTypes = 'event-types';
  const values = {
    url: url.slice(0, 2000),
    description: description.slice(0, 500),
    eventTypes: rawTypes.slice(0, 2000),
  };
  return { body: { url, description, eventTypes, ordered: form.get('ordered') === 'on' }, errors, values };
}

/** A refused URL (private address, bad scheme) is the url field's error; anything else a page message. */
function endpointProblem(
  path: string,
  answer: { status: number; problem: { type?: string } & object },
  values: Record<string, string>,
): never {
  const type = String((answer.problem as { type?: unknown }).type ?? '');
  if (answer.status === 422 || type.endsWith('/unsafe-url')) invalid(path, { url: 'unsafe-url' }, values);
  if (answer.status === 400) invalid(path, { url: 'url' }, values);
  back(path, { error: problemKey(answer.problem as never) });
}

export async function createWebhook(form: FormData): Promise<void> {
  await requireAdmin('/webhooks');
  const { body, errors, values } = readEndpoint(form);
  if (Object.keys(errors).length) invalid('/webhooks', errors, values);
  const answer = await api<{ id: string; secret: string }>(
    'POST',
    'notification-service/webhooks/endpoints',
    body,
  );
  if (!answer.ok) endpointProblem('/webhooks', answer, values);
  await showSecretOnce(answer.data.id, answer.data.secret);
  revalidatePath('/webhooks');
  back(`/webhooks/${answer.data.id}`, { notice: 'webhooks.created' });
}

function endpointId(form: FormData): string {
  const id = cleanText(form.get('endpointId'));
  if (!UUID.test(id)) back('/webhooks', { error: 'errors.rejected' });
  return id;
}

export async function updateWebhook(form: FormData): Promise<void> {
  await requireAdmin('/webhooks');
  const id = endpointId(form);
  const path = `/webhooks/${id}`;
  const { body, errors, values } = readEndpoint(form);
  if (Object.keys(errors).length) invalid(path, errors, values);
  const change = form.get('reactivate') === 'on' ? { ...body, status: 'active' as const } : body;
  const answer = await api('PATCH', `notification-service/webhooks/endpoints/${id}`, change);
  if (!answer.ok) endpointProblem(path, answer, values);
  revalidatePath(path);
  back(path, { notice: 'webhooks.saved' });
}

export async function deleteWebhook(form: FormData): Promise<void> {
  await requireAdmin('/webhooks');
  const id = endpointId(form);
  const answer = await api('DELETE', `notification-service/webhooks/endpoints/${id}`);
  if (!answer.ok) back(`/webhooks/${id}`, { error: problemKey(answer.problem) });
  revalidatePath('/webhooks');
  back('/webhooks', { notice: 'webhooks.deleted' });
}

export async function rotateWebhookSecret(form: FormData): Promise<void> {
  await requireAdmin('/webhooks');
  const id = endpointId(form);
  const answer = await api<{ secret: string }>(
    'POST',
    `notification-service/webhooks/endpoints/${id}/rotate-secret`,
    {},
  );
  if (!answer.ok) back(`/webhooks/${id}`, { error: problemKey(answer.problem) });
  await showSecretOnce(id, answer.data.secret);
  back(`/webhooks/${id}`, { notice: 'webhooks.rotated' });
}

export async function dismissWebhookSecret(form: FormData): Promise<void> {
  await requireAdmin('/webhooks');
  const id = endpointId(form);
  // Expired at once, on the same path it was set for (a delete without the path would miss it).
  (await cookies()).set(SECRET_COOKIE, '', {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: `/webhooks/${id}`,
    maxAge: 0,
  });
  back(`/webhooks/${id}`, {});
}

export async function replayWebhookDelivery(form: FormData): Promise<void> {
  await requireAdmin('/webhooks');
  const id = endpointId(form);
  const deliveryId = cleanText(form.get('deliveryId'));
  if (!/^[1-9][0-9]{0,14}$/.test(deliveryId)) back(`/webhooks/${id}`, { error: 'errors.rejected' });
  const answer = await api(
    'POST',
    `notification-service/webhooks/endpoints/${id}/deliveries/${deliveryId}/replay`,
  );
  if (!answer.ok) back(`/webhooks/${id}`, { error: problemKey(answer.problem) });
  revalidatePath(`/webhooks/${id}`);
  back(`/webhooks/${id}`, { notice: 'webhooks.replayed' });
}
