/** Pure rules of notification-service: no I/O, testable without a database. */
import {
  NOTIFICATION_CATEGORIES,
  NOTIFICATION_CHANNELS,
  NOTIFICATION_FREQUENCIES,
  type NotificationCategory,
  type NotificationChannel,
  type NotificationFrequency,
} from '@eduspry/contracts';

// Categories, channels and frequencies are declared once, in packages/contracts (the apps edit them too).
export const CATEGORIES = NOTIFICATION_CATEGORIES;
export type Category = NotificationCategory;
export const CHANNELS = NOTIFICATION_CHANNELS;
export type Channel = NotificationChannel;
/** Channels that send something out of the inbox (and so have a channel message). */
export const OUTBOUND_CHANNELS = ['email', 'push', 'sms'] as const;
export type OutboundChannel = (typeof OUTBOUND_CHANNELS)[number];
export const FREQUENCIES = NOTIFICATION_FREQUENCIES;
export type Frequency = NotificationFrequency;

/**
 * The platform's defaults when neither the user nor the tenant chose (Canvas-like): the inbox,
 * mail and push right away; SMS only when someone asks for it; the at-risk alerts for staff as a
 * daily digest so a bad week does not become thirty mails.
 */
export function builtInFrequency(category: Category, channel: Channel): Frequency {
  if (channel === 'sms') return 'never';
  if (category === 'at_risk' && channel === 'email') return 'daily';
  return 'immediately';
}

export interface PreferenceRow {
  userId: string | null;
  category: string;
  channel: string;
  frequency: Frequency;
}

/** The user's own choice wins, then the tenant's default, then the platform's. */
export function effectiveFrequency(
  rows: readonly PreferenceRow[],
  userId: string,
  category: Category,
  channel: Channel,
): Frequency {
  const own = rows.find(
    (row) => row.userId === userId && row.category === category && row.channel === channel,
  );
  if (own) return own.frequency;
  const tenant = rows.find(
    (row) => row.userId === null && row.category === category && row.channel === channel,
  );
  return tenant?.frequency ?? builtInFrequency(category, channel);
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock parts of `at` in `zone`. */
function localParts(at: Date, zone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    seconds: Number(parts.second),
    weekday: String(parts.weekday),
  };
}

const toMinutes = (time: string): number => {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
};

export interface QuietHours {
  timeZone: string;
  /** `HH:MM[:SS]` local time; both null: no quiet hours. */
  start: string | null;
  end: string | null;
}

/**
 * When something sent "immediately" may go out: now, or when the user's quiet hours end (in their
 * time zone). A window may cross midnight (22:00–07:00).
 */
export function quietHoursRelease(now: Date, quiet: QuietHours): Date {
  if (!quiet.start || !quiet.end) return now;
  const start = toMinutes(quiet.start);
  const end = toMinutes(quiet.end);
  if (start === end) return now;
  const local = localParts(now, quiet.timeZone);
  const inside =
    start < end
      ? local.minutes >= start && local.minutes < end
      : local.minutes >= start || local.minutes < end;
  if (!inside) return now;
  const wait = (end - local.minutes + 24 * 60) % (24 * 60);
  return new Date(now.getTime() + (wait * 60 - local.seconds) * 1000);
}

/**
 * The digest a message waits for: `daily:2026-12-01` (the user's local day) or
 * `weekly:2026-11-30` (the local Monday), and when that period is over (digest time): the next
 * local midnight after the period, approximated in UTC offset of `now` (good to the hour on a
 * daylight-saving change).
 */
export function digestPeriod(
  now: Date,
  frequency: 'daily' | 'weekly',
  timeZone: string,
): { period: string; dueAt: Date } {
  const local = localParts(now, timeZone);
  const elapsedToday = local.minutes * 60 + local.seconds;
  const weekdayIndex = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(local.weekday);
  const startOfDay = now.getTime() - elapsedToday * 1000 - now.getMilliseconds();
  if (frequency === 'daily')
    return { period: `daily:${local.date}`, dueAt: new Date(startOfDay + 86_400_000) };
  const monday = startOfDay - weekdayIndex * 86_400_000;
  const mondayDate = localParts(new Date(monday + 12 * 3_600_000), timeZone).date;
  return { period: `weekly:${mondayDate}`, dueAt: new Date(monday + 7 * 86_400_000) };
}

/** Exponential backoff with full jitter on the upper half: [d/2, d) where d = min(max, initial·2^(n-1)). */
export function retryDelayMs(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random = Math.random,
): number {
  const exponential = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

/** Whether an event type is one an endpoint subscribed to (`*` or `course.*` patterns allowed). */
export function endpointWants(eventTypes: readonly string[], eventType: string): boolean {
  return eventTypes.some(
    (pattern) =>
      pattern === '*' ||
      pattern === eventType ||
      (pattern.endsWith('.*') && eventType.startsWith(pattern.slice(0, -1))),
  );
}

/** The first bytes of a receiver's answer, printable, for the delivery log. */
export function responseExcerpt(body: Buffer, max = 1024): string {
  // Control characters (NUL among them) cannot be stored in a text column; tabs and newlines stay.
  return Array.from(body.subarray(0, max).toString('utf8'), (char) => {
    const code = char.charCodeAt(0);
    return code < 32 && code !== 9 && code !== 10 && code !== 13 ? '\ufffd' : char;
  }).join('');
}
