import type { Tx } from '@eduspry/common';
import { insertChannelMessages, insertNotifications, type NewChannelMessage } from '../db/notifications.ts';
import { recipientsByIds } from '../db/people.ts';
import { preferencesFor } from '../db/preferences.ts';
import {
  type Category,
  digestPeriod,
  effectiveFrequency,
  OUTBOUND_CHANNELS,
  quietHoursRelease,
} from './rules.ts';

/** One notification to be: for whom, about what, and its cause (the idempotency key). */
export interface Draft {
  userId: string;
  category: Category;
  /** Unique per (user, cause): the same cause never notifies the same user twice. */
  cause: string;
  title: string;
  body?: string;
  link?: string | null;
  data?: Record<string, unknown>;
}

/**
 * Records notifications and schedules their channel messages in the caller's transaction, by
 * each user's preferences (own, else the tenant's default, else the platform's): `never` sends
 * nothing on that channel, `immediately` is due now or when the user's quiet hours end, daily and
 * weekly wait for the user's digest. A (user, cause) already recorded is skipped entirely, so
 * retries and redeliveries change nothing. Returns how many were new.
 */
export async function recordNotifications(
  tx: Tx,
  tenantId: string,
  drafts: Draft[],
  now: Date,
): Promise<number> {
  if (!drafts.length) return 0;
  const userIds = [...new Set(drafts.map((draft) => draft.userId))];
  const [preferences, recipients] = await Promise.all([
    preferencesFor(tx, tenantId, userIds),
    recipientsByIds(tx, tenantId, userIds),
  ]);
  const byUser = new Map(recipients.map((row) => [row.user_id, row]));
  const inserted = await insertNotifications(
    tx,
    drafts.map((draft) => ({
      tenant_id: tenantId,
      user_id: draft.userId,
      category: draft.category,
      cause: draft.cause,
      title: draft.title,
      body: draft.body ?? '',
      link: draft.link ?? null,
      data: draft.data ?? {},
      in_app: effectiveFrequency(preferences, draft.userId, draft.category, 'in_app') !== 'never',
    })),
  );
  const draftOf = new Map(drafts.map((draft) => [`${draft.userId}|${draft.cause}`, draft]));
  const messages: NewChannelMessage[] = [];
  for (const row of inserted) {
    const draft = draftOf.get(`${row.user_id}|${row.cause}`)!;
    const recipient = byUser.get(row.user_id);
    // Users the service never heard of (no user_registered yet) get the inbox only.
    if (!recipient?.active) continue;
    const timeZone = recipient.time_zone;
    for (const channel of OUTBOUND_CHANNELS) {
      if (channel === 'email' && !recipient.email) continue;
      if (channel === 'sms' && !recipient.phone) continue;
      const frequency = effectiveFrequency(preferences, row.user_id, draft.category, channel);
      if (frequency === 'never') continue;
      if (frequency === 'immediately') {
        const dueAt = quietHoursRelease(now, {
          timeZone,
          start: recipient.quiet_hours_start,
          end: recipient.quiet_hours_end,
        });
        messages.push({
          tenant_id: tenantId,
          notification_id: row.id,
          user_id: row.user_id,
          channel,
          digest_period: null,
          due_at: dueAt,
        });
      } else {
        const { period, dueAt } = digestPeriod(now, frequency, timeZone);
        messages.push({
          tenant_id: tenantId,
          notification_id: row.id,
          user_id: row.user_id,
          channel,
          digest_period: period,
          due_at: dueAt,
        });
      }
    }
  }
  await insertChannelMessages(tx, messages);
  return inserted.length;
}
