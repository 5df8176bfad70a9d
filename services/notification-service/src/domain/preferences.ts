import { createHmac, timingSafeEqual } from 'node:crypto';
import { asPlatform, type TenantClaims, withTenant } from '@eduspry/common';
import { recipientById, updateSettings } from '../db/people.ts';
import { addPushSubscription, preferencesFor, upsertPreferences } from '../db/preferences.ts';
import { problems } from '../problems.ts';
import { UnsafeUrlError } from '../webhooks/outbound.ts';
import { requireAccess } from './access.ts';
import type { NotificationContext } from './context.ts';
import {
  CATEGORIES,
  type Category,
  CHANNELS,
  type Channel,
  effectiveFrequency,
  type Frequency,
  isTimeZone,
} from './rules.ts';

export interface PreferenceEntry {
  category: Category;
  channel: Channel;
  frequency: Frequency;
}

function matrix(rows: Awaited<ReturnType<typeof preferencesFor>>, userId: string | null) {
  return CATEGORIES.flatMap((category) =>
    CHANNELS.map((channel) => ({
      category,
      channel,
      frequency:
        userId === null
          ? (rows.find((row) => row.userId === null && row.category === category && row.channel === channel)
              ?.frequency ?? effectiveFrequency([], '', category, channel))
          : effectiveFrequency(rows, userId, category, channel),
    })),
  );
}

/** The caller's effective preferences (every category × channel) and their delivery settings. */
export function getPreferences(ctx: NotificationContext, claims: TenantClaims) {
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'preferences:own');
    const [rows, me] = await Promise.all([
      preferencesFor(tx, claims.app_metadata.tenant_id, [claims.sub]),
      recipientById(tx, claims.sub),
    ]);
    return {
      preferences: matrix(rows, claims.sub),
      settings: {
        timeZone: me?.time_zone ?? 'UTC',
        quietHoursStart: me?.quiet_hours_start?.slice(0, 5) ?? null,
        quietHoursEnd: me?.quiet_hours_end?.slice(0, 5) ?? null,
        phone: me?.phone ?? null,
      },
    };
  });
}

export interface SettingsInput {
  timeZone?: string | undefined;
  quietHoursStart?: string | null | undefined;
  quietHoursEnd?: string | null | undefined;
  phone?: string | null | undefined;
}

export async function setPreferences(
  ctx: NotificationContext,
  claims: TenantClaims,
  input: { preferences?: PreferenceEntry[] | undefined; settings?: SettingsInput | undefined },
) {
  if (input.settings?.timeZone !== undefined && !isTimeZone(input.settings.timeZone))
    throw problems.create('invalid-time-zone', `${input.settings.timeZone} is not an IANA time zone`);
  await withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'preferences:own');
    await upsertPreferences(tx, claims.app_metadata.tenant_id, claims.sub, input.preferences ?? []);
    if (input.settings)
      await updateSettings(tx, {
        userId: claims.sub,
        tenantId: claims.app_metadata.tenant_id,
        ...input.settings,
      });
  });
  return getPreferences(ctx, claims);
}

export function getTenantDefaults(ctx: NotificationContext, claims: TenantClaims) {
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'preferences:tenant-defaults');
    return { preferences: matrix(await preferencesFor(tx, claims.app_metadata.tenant_id, []), null) };
  });
}

export async function setTenantDefaults(
  ctx: NotificationContext,
  claims: TenantClaims,
  entries: PreferenceEntry[],
) {
  await withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'preferences:tenant-defaults');
    await upsertPreferences(tx, claims.app_metadata.tenant_id, null, entries);
  });
  return getTenantDefaults(ctx, claims);
}

export async function subscribePush(
  ctx: NotificationContext,
  claims: TenantClaims,
  subscription: { endpoint: string; keys: { p256dh: string; auth: string } },
) {
  // A push endpoint is a URL the browser (so, the user) chose: the same SSRF rules as webhooks.
  try {
    await ctx.http.check(subscription.endpoint);
  } catch (error) {
    if (!(error instanceof UnsafeUrlError)) throw error;
    ctx.log.warn({ reason: error.reason }, 'push subscription refused: unsafe endpoint');
    throw problems.create('unsafe-url', error.reason);
  }
  return withTenant(ctx.sql, claims, async (tx) => {
    await requireAccess(tx, claims, 'preferences:own');
    const id = await addPushSubscription(tx, {
      tenantId: claims.app_metadata.tenant_id,
      userId: claims.sub,
      endpoint: subscription.endpoint,
      ...subscription.keys,
    });
    return { id, vapidPublicKey: ctx.vapidPublicKey ?? null };
  });
}

// One-click unsubscribe (RFC 8058): the link names tenant, user, category and channel, signed.
interface UnsubscribeClaim {
  t: string;
  u: string;
  c: Category;
  ch: Channel;
}

const sign = (secret: string, payload: string) =>
  createHmac('sha256', secret).update(payload).digest('base64url');

export function unsubscribeToken(secret: string, claim: UnsubscribeClaim): string {
  const payload = Buffer.from(JSON.stringify(claim)).toString('base64url');
  return `${payload}.${sign(secret, payload)}`;
}

export function readUnsubscribeToken(secret: string, token: string): UnsubscribeClaim {
  const [payload, signature, extra] = token.split('.');
  const invalid = () => problems.create('invalid-unsubscribe-link');
  if (!payload || !signature || extra !== undefined) throw invalid();
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
  let claim: UnsubscribeClaim;
  try {
    claim = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!CATEGORIES.includes(claim.c) || !CHANNELS.includes(claim.ch)) throw invalid();
  return claim;
}

/** Applies a signed unsubscribe link: that category stops arriving on that channel. No sign-in needed. */
export async function unsubscribe(ctx: NotificationContext, token: string) {
  const claim = readUnsubscribeToken(ctx.linkSecret, token);
  await asPlatform(ctx.sql, 'one-click unsubscribe', ctx.log, (tx) =>
    upsertPreferences(tx, claim.t, claim.u, [{ category: claim.c, channel: claim.ch, frequency: 'never' }]),
  );
  return { category: claim.c, channel: claim.ch, frequency: 'never' as const };
}
