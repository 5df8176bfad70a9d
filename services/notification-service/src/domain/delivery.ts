import type { Tx } from '@eduspry/common';
import {
  claimDigestSiblings,
  claimDueMessages,
  claimLivePending,
  type DueMessage,
  finishMessages,
  markLivePushed,
  recordDigest,
  unreadCounts,
} from '../db/notifications.ts';
import { type RecipientRow, recipientById } from '../db/people.ts';
import { deletePushSubscription, pushSubscriptionsOf } from '../db/preferences.ts';
import type { NotificationContext } from './context.ts';
import { unsubscribeToken } from './preferences.ts';
import { type Category, retryDelayMs } from './rules.ts';

/** A live push older than this is no longer news: it is given up (the inbox has it). */
const LIVE_PUSH_GIVE_UP_MS = 5 * 60_000;
const MESSAGE_MAX_ATTEMPTS = 6;

/**
 * Pushes new inbox entries to `user:<userId>` through realtime-service, a batch per call. Workers
 * run as the service's own role (the trusted path; not logged per poll, as the relay is not).
 * Returns how many were handled; throws when realtime-service is unreachable (the loop backs off).
 */
export async function pushLiveBatch(ctx: NotificationContext, limit = 500): Promise<number> {
  return (await ctx.sql.begin(async (tx) => {
    const rows = await claimLivePending(tx, limit);
    if (!rows.length) return 0;
    const now = ctx.now();
    const counts = await unreadCounts(tx, [...new Set(rows.map((row) => row.user_id))]);
    try {
      await ctx.realtime.broadcast(
        rows.map((row) => ({
          topic: `user:${row.user_id}`,
          event: 'notification',
          private: true,
          payload: {
            id: row.id,
            category: row.category,
            title: row.title,
            body: row.body,
            link: row.link,
            createdAt: row.created_at.toISOString(),
            unread: counts.get(row.user_id) ?? 0,
          },
        })),
      );
    } catch (error) {
      const stale = rows.filter((row) => now.getTime() - row.created_at.getTime() > LIVE_PUSH_GIVE_UP_MS);
      await markLivePushed(
        tx,
        stale.map((row) => row.id),
        now,
      );
      ctx.log.warn(
        { err: error, pending: rows.length, givenUp: stale.length },
        'live push failed; the inbox has them, retrying fresh ones',
      );
      if (stale.length) return stale.length;
      throw error;
    }
    await markLivePushed(
      tx,
      rows.map((row) => row.id),
      now,
    );
    return rows.length;
  })) as number;
}

/** Sends due email, push and SMS messages, one mail per digest. Returns how many were handled. */
export async function sendDueMessages(ctx: NotificationContext, limit = 50): Promise<number> {
  const now = ctx.now();
  const claimed = (await ctx.sql.begin((tx) => claimDueMessages(tx, now, 120, limit))) as DueMessage[];
  const singles = claimed.filter((message) => !message.digest_period);
  const digests = new Map<string, DueMessage>();
  for (const message of claimed)
    if (message.digest_period)
      digests.set(`${message.user_id}|${message.channel}|${message.digest_period}`, message);
  const cache = new Map<string, RecipientRow | undefined>();
  const recipient = async (userId: string) => {
    if (!cache.has(userId)) cache.set(userId, await recipientById(ctx.sql as unknown as Tx, userId));
    return cache.get(userId);
  };
  await Promise.all(
    singles.map(async (message) => {
      try {
        const who = await recipient(message.user_id);
        const outcome = who?.active ? await sendOne(ctx, who, message) : 'skipped';
        await finishMessages(ctx.sql as unknown as Tx, [message.id], outcome, { now: ctx.now() });
      } catch (error) {
        await failed(ctx, [message], error);
      }
    }),
  );
  for (const message of digests.values()) {
    try {
      await sendDigest(ctx, message, await recipient(message.user_id));
    } catch (error) {
      await failed(ctx, [message], error);
    }
  }
  return claimed.length;
}

async function failed(ctx: NotificationContext, messages: DueMessage[], error: unknown): Promise<void> {
  const [first] = messages;
  if (!first) return;
  const giveUp = first.attempts >= MESSAGE_MAX_ATTEMPTS;
  ctx.log.warn(
    {
      err: error,
      channel: first.channel,
      messageIds: messages.map((m) => m.id),
      attempt: first.attempts,
      giveUp,
    },
    'channel message failed',
  );
  await finishMessages(
    ctx.sql as unknown as Tx,
    messages.map((m) => m.id),
    giveUp ? 'failed' : 'pending',
    {
      now: ctx.now(),
      error: String((error as Error)?.message ?? error).slice(0, 1000),
      retryAt: new Date(ctx.now().getTime() + retryDelayMs(first.attempts, 30_000, 3_600_000)),
    },
  );
}

function unsubscribeUrl(
  ctx: NotificationContext,
  who: RecipientRow,
  category: string,
  channel: 'email' | 'sms' | 'push',
) {
  const token = unsubscribeToken(ctx.linkSecret, {
    t: who.tenant_id,
    u: who.user_id,
    c: category as Category,
    ch: channel,
  });
  return `${ctx.publicUrl}/unsubscribe?token=${token}`;
}

const absolute = (ctx: NotificationContext, link: string | null) =>
  link ? (/^https?:\/\//.test(link) ? link : `${ctx.publicAppUrl}${link}`) : null;

async function sendOne(
  ctx: NotificationContext,
  who: RecipientRow,
  message: DueMessage,
): Promise<'sent' | 'skipped'> {
  const link = absolute(ctx, message.link);
  switch (message.channel) {
    case 'email': {
      if (!who.email) return 'skipped';
      const unsubscribe = unsubscribeUrl(ctx, who, message.category, 'email');
      await ctx.mailer.send({
        to: who.email,
        subject: message.title,
        text: [message.body, link ? `Open: ${link}` : '', '', `Stop these emails: ${unsubscribe}`]
          .filter((line, index) => line || index > 1)
          .join('\n'),
        kind: 'notification',
        messageId: `notification-${message.notification_id}@eduspry`,
        headers: {
          'List-Unsubscribe': `<${unsubscribe}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
        data: { notificationId: message.notification_id, category: message.category, link, unsubscribe },
      });
      return 'sent';
    }
    case 'push': {
      if (!ctx.push) return 'skipped';
      const subscriptions = await pushSubscriptionsOf(ctx.sql as unknown as Tx, who.user_id);
      if (!subscriptions.length) return 'skipped';
      const payload = JSON.stringify({
        title: message.title,
        body: message.body,
        link,
        id: message.notification_id,
      });
      for (const subscription of subscriptions) {
        const outcome = await ctx.push.send(subscription, payload);
        if (outcome === 'gone') await deletePushSubscription(ctx.sql as unknown as Tx, subscription.id);
      }
      return 'sent';
    }
    case 'sms': {
      if (!who.phone) return 'skipped';
      await ctx.sms.send({
        id: message.notification_id,
        to: who.phone,
        text: [message.title, link].filter(Boolean).join(' ').slice(0, 320),
      });
      return 'sent';
    }
  }
}

/**
 * One digest = one message per (user, channel, period), however many notifications it holds and
 * however many senders race: the digests row is inserted in the same transaction that sends, so a
 * second sender waits on it and then finds it taken. A crash after sending and before commit sends
 * again with the same Message-ID (at-least-once).
 */
async function sendDigest(
  ctx: NotificationContext,
  first: DueMessage,
  who: RecipientRow | undefined,
): Promise<void> {
  await ctx.sql.begin(async (tx) => {
    const items = await claimDigestSiblings(tx, first.user_id, first.channel, first.digest_period!);
    const ids = items.map((item) => item.id);
    if (!who?.active || !items.length) {
      await finishMessages(tx, ids, 'skipped', { now: ctx.now() });
      return;
    }
    const period = `${first.channel}:${first.digest_period}`;
    const fresh = await recordDigest(tx, {
      tenantId: who.tenant_id,
      userId: who.user_id,
      period,
      items: items.length,
    });
    if (!fresh) {
      await finishMessages(tx, ids, 'skipped', { now: ctx.now() });
      return;
    }
    const kind = first.digest_period!.startsWith('weekly') ? 'weekly' : 'daily';
    const lines = items.map((item) => `- ${item.title}${item.link ? ` (${absolute(ctx, item.link)})` : ''}`);
    if (first.channel === 'email' && who.email) {
      await ctx.mailer.send({
        to: who.email,
        subject: `Your ${kind} EduSpry digest: ${items.length} notification${items.length === 1 ? '' : 's'}`,
        text: [...lines, '', `Notification settings: ${ctx.publicAppUrl}/notifications/preferences`].join(
          '\n',
        ),
        kind: 'digest',
        messageId: `digest-${who.user_id}-${period.replaceAll(':', '-')}@eduspry`,
        data: { period, items: items.map((item) => item.notification_id) },
      });
    } else if (first.channel === 'sms' && who.phone) {
      await ctx.sms.send({
        id: `digest-${who.user_id}-${period}`,
        to: who.phone,
        text: `EduSpry: ${items.length} new notifications`,
      });
    } else if (first.channel === 'push' && ctx.push) {
      for (const subscription of await pushSubscriptionsOf(tx, who.user_id))
        await ctx.push.send(
          subscription,
          JSON.stringify({ title: `${items.length} new notifications`, digest: period }),
        );
    }
    await finishMessages(tx, ids, 'sent', { now: ctx.now() });
  });
}
