import type { Tx } from '@eduspry/common';

export interface NotificationRow {
  id: string;
  tenant_id: string;
  user_id: string;
  category: string;
  cause: string;
  title: string;
  body: string;
  link: string | null;
  data: Record<string, unknown>;
  created_at: Date;
  read_at: Date | null;
}

export interface NewNotification {
  tenant_id: string;
  user_id: string;
  category: string;
  cause: string;
  title: string;
  body: string;
  link: string | null;
  data: Record<string, unknown>;
  in_app: boolean;
}

/** Inserts what is new; a (user, cause) that exists already is left alone and not returned. */
export async function insertNotifications(
  tx: Tx,
  rows: NewNotification[],
): Promise<{ id: string; user_id: string; cause: string }[]> {
  const inserted: { id: string; user_id: string; cause: string }[] = [];
  for (let start = 0; start < rows.length; start += 1000) {
    const chunk = rows.slice(start, start + 1000).map((row) => ({ ...row, data: row.data as never }));
    inserted.push(
      ...(await tx<{ id: string; user_id: string; cause: string }[]>`
        insert into notification.notifications ${tx(chunk as never)}
        on conflict (user_id, cause) do nothing
        returning id, user_id, cause`),
    );
  }
  return inserted;
}

export interface NewChannelMessage {
  tenant_id: string;
  notification_id: string;
  user_id: string;
  channel: string;
  digest_period: string | null;
  due_at: Date;
}

export async function insertChannelMessages(tx: Tx, rows: NewChannelMessage[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 1000)
    await tx`
      insert into notification.channel_messages ${tx(rows.slice(start, start + 1000) as never)}
      on conflict (notification_id, channel) do nothing`;
}

export function listInbox(
  tx: Tx,
  userId: string,
  { limit, before, unreadOnly }: { limit: number; before?: Date | undefined; unreadOnly: boolean },
) {
  return tx<NotificationRow[]>`
    select id, tenant_id, user_id, category, cause, title, body, link, data, created_at, read_at
    from notification.notifications
    where user_id = ${userId} and in_app
      ${before ? tx`and created_at < ${before}` : tx``}
      ${unreadOnly ? tx`and read_at is null` : tx``}
    order by created_at desc, id desc
    limit ${limit}`;
}

export async function countUnread(tx: Tx, userId: string): Promise<number> {
  const [row] = await tx<{ count: number }[]>`
    select count(*)::int as count from notification.notifications
    where user_id = ${userId} and in_app and read_at is null`;
  return row?.count ?? 0;
}

export async function markRead(tx: Tx, userId: string, ids: string[], now: Date): Promise<number> {
  const rows = await tx`
    update notification.notifications set read_at = coalesce(read_at, ${now})
    where user_id = ${userId} and id = any(${ids}::uuid[]) returning id`;
  return rows.length;
}

export async function markAllRead(tx: Tx, userId: string, now: Date): Promise<number> {
  const rows = await tx`
    update notification.notifications set read_at = ${now}
    where user_id = ${userId} and in_app and read_at is null returning id`;
  return rows.length;
}

/** Notifications not yet pushed live, oldest first, claimed so parallel pushers skip them. */
export function claimLivePending(tx: Tx, limit: number) {
  return tx<
    Pick<
      NotificationRow,
      'id' | 'tenant_id' | 'user_id' | 'category' | 'title' | 'body' | 'link' | 'created_at'
    >[]
  >`
    select id, tenant_id, user_id, category, title, body, link, created_at
    from notification.notifications
    where live_pushed_at is null and in_app
    order by created_at
    limit ${limit}
    for update skip locked`;
}

export async function markLivePushed(tx: Tx, ids: string[], at: Date): Promise<void> {
  await tx`update notification.notifications set live_pushed_at = ${at} where id = any(${ids}::uuid[])`;
}

export async function unreadCounts(tx: Tx, userIds: string[]): Promise<Map<string, number>> {
  const rows = await tx<{ user_id: string; count: number }[]>`
    select user_id, count(*)::int as count from notification.notifications
    where user_id = any(${userIds}::uuid[]) and in_app and read_at is null group by user_id`;
  return new Map(rows.map((row) => [row.user_id, row.count]));
}

export interface DueMessage {
  id: number;
  tenant_id: string;
  user_id: string;
  channel: 'email' | 'push' | 'sms';
  digest_period: string | null;
  attempts: number;
  notification_id: string;
  category: string;
  title: string;
  body: string;
  link: string | null;
}

/** Claims due channel messages for a lease: a crashed sender's claims expire and are taken again. */
export function claimDueMessages(tx: Tx, now: Date, leaseSeconds: number, limit: number) {
  return tx<DueMessage[]>`
    with due as (
      select id from notification.channel_messages
      where status = 'pending' and due_at <= ${now} and (locked_until is null or locked_until < ${now})
      order by due_at
      limit ${limit}
      for update skip locked
    )
    update notification.channel_messages m
    set locked_until = ${now}::timestamptz + make_interval(secs => ${leaseSeconds}), attempts = m.attempts + 1
    from due, notification.notifications n
    where m.id = due.id and n.id = m.notification_id
    returning m.id, m.tenant_id, m.user_id, m.channel, m.digest_period, m.attempts, m.notification_id,
              n.category, n.title, n.body, n.link`;
}

/** The other pending messages of the same digest (user, channel, period), claimed with it. */
export function claimDigestSiblings(tx: Tx, userId: string, channel: string, period: string) {
  return tx<DueMessage[]>`
    update notification.channel_messages m set locked_until = now() + interval '5 minutes'
    from notification.notifications n
    where m.user_id = ${userId} and m.channel = ${channel} and m.digest_period = ${period}
      and m.status = 'pending' and n.id = m.notification_id
    returning m.id, m.tenant_id, m.user_id, m.channel, m.digest_period, m.attempts, m.notification_id,
              n.category, n.title, n.body, n.link`;
}

export async function finishMessages(
  tx: Tx,
  ids: number[],
  status: 'sent' | 'failed' | 'skipped' | 'pending',
  { error, retryAt, now }: { error?: string; retryAt?: Date; now: Date },
): Promise<void> {
  await tx`
    update notification.channel_messages
    set status = ${status}, locked_until = null, last_error = ${error ?? null},
        sent_at = ${status === 'sent' ? now : null},
        due_at = ${retryAt ? tx`${retryAt}` : tx`due_at`}
    where id = any(${ids}::bigint[])`;
}

/** Records the digest mail of (user, period); false if it was sent already. */
export async function recordDigest(
  tx: Tx,
  digest: { tenantId: string; userId: string; period: string; items: number },
): Promise<boolean> {
  const rows = await tx`
    insert into notification.digests (tenant_id, user_id, period, items)
    values (${digest.tenantId}, ${digest.userId}, ${digest.period}, ${digest.items})
    on conflict do nothing returning period`;
  return rows.length > 0;
}
