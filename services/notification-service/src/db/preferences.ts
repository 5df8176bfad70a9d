import type { Tx } from '@eduspry/common';
import type { Frequency, PreferenceRow } from '../domain/rules.ts';

/** The users' own preferences and the tenant's defaults (user_id null). */
export async function preferencesFor(tx: Tx, tenantId: string, userIds: string[]): Promise<PreferenceRow[]> {
  const rows = await tx<
    { user_id: string | null; category: string; channel: string; frequency: Frequency }[]
  >`
    select user_id, category, channel, frequency from notification.preferences
    where tenant_id = ${tenantId} and (user_id is null or user_id = any(${userIds}::uuid[]))`;
  return rows.map((row) => ({
    userId: row.user_id,
    category: row.category,
    channel: row.channel,
    frequency: row.frequency,
  }));
}

export async function upsertPreferences(
  tx: Tx,
  tenantId: string,
  userId: string | null,
  entries: { category: string; channel: string; frequency: Frequency }[],
): Promise<void> {
  if (!entries.length) return;
  const rows = entries.map((entry) => ({ tenant_id: tenantId, user_id: userId, ...entry }));
  await tx`
    insert into notification.preferences ${tx(rows, 'tenant_id', 'user_id', 'category', 'channel', 'frequency')}
    on conflict (tenant_id, user_id, category, channel)
    do update set frequency = excluded.frequency, updated_at = now()`;
}

export async function addPushSubscription(
  tx: Tx,
  row: { tenantId: string; userId: string; endpoint: string; p256dh: string; auth: string },
): Promise<string> {
  const [saved] = await tx<{ id: string }[]>`
    insert into notification.push_subscriptions (tenant_id, user_id, endpoint, p256dh, auth)
    values (${row.tenantId}, ${row.userId}, ${row.endpoint}, ${row.p256dh}, ${row.auth})
    on conflict (user_id, endpoint) do update set p256dh = excluded.p256dh, auth = excluded.auth
    returning id`;
  return saved!.id;
}

export function pushSubscriptionsOf(tx: Tx, userId: string) {
  return tx<{ id: string; endpoint: string; p256dh: string; auth: string }[]>`
    select id, endpoint, p256dh, auth from notification.push_subscriptions where user_id = ${userId}`;
}

export async function deletePushSubscription(tx: Tx, id: string): Promise<void> {
  await tx`delete from notification.push_subscriptions where id = ${id}`;
}
