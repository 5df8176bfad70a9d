'use server';
// Server Actions of the operations pages: platform health, notification defaults, retention,
// presence privacy, storage. Each validates on the server, answers bad input next to the field,
// and calls the service through the gateway as the signed-in admin (which authorises it again).
import { revalidatePath } from 'next/cache';
import { cleanText, type FieldErrors, UUID } from './forms';
import { api } from './gateway';
import {
  CATEGORIES,
  CHANNELS,
  COURSE_PRESENCE,
  FREQUENCIES,
  fieldOf,
  LEVELS,
  MAX_RETAIN_DAYS,
  SERVICE,
} from './operations-shape';
import { back, invalid, problemKey } from './redirects';
import { requireAdmin, requireSuperAdmin } from './viewer';

const DEAD_LETTER_ID = /^[1-9][0-9]{0,14}$/;

export async function replayDeadLetter(form: FormData): Promise<void> {
  await requireSuperAdmin('/platform');
  const service = cleanText(form.get('service'));
  const id = cleanText(form.get('id'));
  if (!SERVICE.test(service) || !DEAD_LETTER_ID.test(id)) back('/platform', { error: 'errors.rejected' });
  const answer = await api('POST', `${service}/admin/bus/dead-letters/${id}/replay`);
  if (!answer.ok)
    back('/platform', {
      error: answer.status === 422 ? 'health.replayFailed' : problemKey(answer.problem),
    });
  revalidatePath('/platform');
  back('/platform', { notice: 'health.replayed' });
}

/** Whole days from 1 to MAX_RETAIN_DAYS; empty keeps what is set. */
function retainDays(raw: string): number | 'invalid' | undefined {
  if (!raw) return undefined;
  if (!/^\d{1,5}$/.test(raw)) return 'invalid';
  const days = Number(raw);
  return days >= 1 && days <= MAX_RETAIN_DAYS ? days : 'invalid';
}

export async function saveRetention(form: FormData): Promise<void> {
  const who = await requireAdmin('/retention');
  const errors: FieldErrors = {};
  const values: Record<string, string> = {};
  const changes: { level: string; retainDays: number }[] = [];
  for (const level of LEVELS) {
    const raw = cleanText(form.get(level));
    const current = cleanText(form.get(`${level}Current`));
    const days = retainDays(raw);
    if (days === 'invalid') {
      errors[level] = 'days';
      values[level] = raw.slice(0, 10);
    } else if (days !== undefined && String(days) !== current) changes.push({ level, retainDays: days });
  }
  if (Object.keys(errors).length) invalid('/retention', errors, values);
  for (const change of changes) {
    const answer = await api('PUT', 'logging-service/retention-policies', {
      tenantId: who.tenantId,
      ...change,
    });
    if (!answer.ok) {
      if (answer.status === 400) invalid('/retention', { [change.level]: 'days' });
      back('/retention', { error: problemKey(answer.problem) });
    }
  }
  revalidatePath('/retention');
  back('/retention', { notice: changes.length ? 'retention.saved' : 'retention.unchanged' });
}

export async function saveNotificationDefaults(form: FormData): Promise<void> {
  await requireAdmin('/notifications');
  const errors: FieldErrors = {};
  const preferences: { category: string; channel: string; frequency: string }[] = [];
  for (const category of CATEGORIES)
    for (const channel of CHANNELS) {
      const frequency = cleanText(form.get(`${category}.${channel}`));
      if (!(FREQUENCIES as readonly string[]).includes(frequency))
        errors[fieldOf(category, channel)] = 'choice';
      else preferences.push({ category, channel, frequency });
    }
  if (Object.keys(errors).length) invalid('/notifications', errors);
  const answer = await api('PUT', 'notification-service/preferences/tenant-defaults', { preferences });
  if (!answer.ok) back('/notifications', { error: problemKey(answer.problem) });
  revalidatePath('/notifications');
  back('/notifications', { notice: 'notificationDefaults.saved' });
}

/** The district's presence privacy (realtime-service `PUT /settings/presence`, tenant admins). */
export async function savePresence(form: FormData): Promise<void> {
  await requireAdmin('/presence');
  const choice = cleanText(form.get('coursePresence'));
  if (!(COURSE_PRESENCE as readonly string[]).includes(choice))
    invalid('/presence', { coursePresence: 'choice' });
  if (choice === cleanText(form.get('current'))) back('/presence', { notice: 'presence.unchanged' });
  const answer = await api('PUT', 'realtime-service/settings/presence', { coursePresence: choice });
  if (!answer.ok) {
    if (answer.status === 400) invalid('/presence', { coursePresence: 'choice' });
    back('/presence', { error: problemKey(answer.problem) });
  }
  revalidatePath('/presence');
  back('/presence', { notice: 'presence.saved' });
}

const MIB = 1024 * 1024;
/** A size in MiB: a positive number with at most two decimals, below a petabyte. */
function mebibytes(raw: string, { allowZero }: { allowZero: boolean }): number | 'invalid' | undefined {
  if (!raw) return undefined;
  const normalised = raw.replace(',', '.');
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(normalised)) return 'invalid';
  const bytes = Math.round(Number(normalised) * MIB);
  if (bytes < (allowZero ? 0 : 1)) return 'invalid';
  return bytes;
}

export async function saveStorage(form: FormData): Promise<void> {
  const who = await requireAdmin('/storage');
  const rawMax = cleanText(form.get('maxFileMb'));
  const rawQuota = cleanText(form.get('quotaMb'));
  // Another district's storage is the super admin's only (content-service refuses it from anyone else).
  const rawTenant = cleanText(form.get('tenantId'));
  const tenantId = who.superAdmin && UUID.test(rawTenant) ? rawTenant : who.tenantId;
  const page = tenantId === who.tenantId ? '/storage' : `/storage?tenant=${tenantId}`;
  const errors: FieldErrors = {};
  const change: { maxFileBytes?: number; quotaBytes?: number } = {};
  const max = mebibytes(rawMax, { allowZero: false });
  if (max === 'invalid') errors.maxFileMb = 'size';
  else if (max === undefined) errors.maxFileMb = 'required';
  else change.maxFileBytes = max;
  // The quota is the super admin's to change (content-service refuses it from anyone else).
  if (who.superAdmin) {
    const quota = mebibytes(rawQuota, { allowZero: true });
    if (quota === 'invalid') errors.quotaMb = 'size';
    else if (quota === undefined) errors.quotaMb = 'required';
    else change.quotaBytes = quota;
  }
  const values = { maxFileMb: rawMax.slice(0, 20), quotaMb: rawQuota.slice(0, 20) };
  if (Object.keys(errors).length) invalid(page, errors, values);
  const answer = await api('PATCH', `content-service/tenants/${tenantId}/storage`, change);
  if (!answer.ok) {
    if (answer.status === 400) invalid(page, { maxFileMb: 'size' }, values);
    back(page, { error: problemKey(answer.problem) });
  }
  revalidatePath('/storage');
  back(page, { notice: 'storage.saved' });
}
