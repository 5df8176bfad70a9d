import { randomUUID } from 'node:crypto';
import { HttpProblem, type Sql, type TenantClaims, type TokenVerifier, withTenant } from '@eduspry/common';
import { probeTopicRights } from '../db/authorization.ts';
import { OutFrame } from '../transport/out-frame.ts';
import type { ChangeBinding, Hub, Member, Peer } from './hub.ts';
import {
  type ChangeEvent,
  channelScope,
  isReservedTopic,
  isWellFormedReservedTopic,
  parseFilter,
  secondsUntilExpiry,
  subTopicOf,
} from './rules.ts';

export interface ChannelDeps {
  sql: Sql;
  hub: Hub;
  tokenVerifier: TokenVerifier;
}

/** A join, or a refusal with the reason realtime-js shows (`CHANNEL_ERROR`, err.message). */
export type JoinOutcome = { ok: true; member: Member; response: unknown } | { ok: false; reason: string };

const CHANGE_EVENTS = new Set(['INSERT', 'UPDATE', 'DELETE', '*']);

let bindingIds = 0;

/**
 * Verifies a token and says why not in Supabase's words (`Unauthorized: …`). A client joins each
 * of its channels, and rejoins after every reconnect, with the same token: the verifier keeps
 * verified tokens until they expire, so 1,000 joins are not 1,000 signature checks.
 */
async function verify(
  deps: ChannelDeps,
  token: unknown,
): Promise<{ claims: TenantClaims } | { reason: string }> {
  if (typeof token !== 'string' || token.length === 0)
    return { reason: 'Unauthorized: an access token is required' };
  try {
    return { claims: await deps.tokenVerifier.verify(token) };
  } catch (error) {
    const detail = error instanceof HttpProblem ? error.message : 'the access token could not be verified';
    return { reason: `Unauthorized: ${detail}` };
  }
}

/**
 * phx_join: the access token is verified (every join, like every request elsewhere), reserved
 * topics must be private, and a private channel is admitted by the database policies on
 * live.messages evaluated for this user. The reply lists the postgres_changes bindings with the
 * ids the server will tag their messages with, as realtime-js checks.
 */
export async function joinChannel(
  deps: ChannelDeps,
  peer: Peer,
  frame: { topic: string; joinRef: string | null; payload: Record<string, unknown> },
  fallbackToken: string | undefined,
  onExpired: (member: Member) => void,
): Promise<JoinOutcome> {
  const sub = subTopicOf(frame.topic);
  if (!sub) return { ok: false, reason: 'invalid topic: expected realtime:<name> of at most 255 characters' };
  const config = (typeof frame.payload.config === 'object' && frame.payload.config) || {};
  const {
    broadcast,
    presence,
    postgres_changes: wanted,
    private: isPrivate,
  } = config as Record<string, unknown>;
  const verified = await verify(deps, frame.payload.access_token ?? fallbackToken);
  if ('reason' in verified) return { ok: false, reason: verified.reason };
  const { claims } = verified;
  if (isReservedTopic(sub)) {
    if (isPrivate !== true)
      return { ok: false, reason: `Unauthorized: topic ${sub} must be joined as a private channel` };
    if (!isWellFormedReservedTopic(sub)) return { ok: false, reason: `invalid topic: ${sub} needs a uuid` };
  }
  const tenantId = claims.app_metadata.tenant_id;
  const rights =
    isPrivate === true
      ? await withTenant(deps.sql, claims, (tx) => probeTopicRights(tx, tenantId, sub))
      : { read: true, write: true, track: true };
  if (!rights.read)
    return {
      ok: false,
      reason: `Unauthorized: You do not have permissions to read from this Channel topic: ${sub}`,
    };

  const changes: ChangeBinding[] = [];
  for (const binding of Array.isArray(wanted) ? wanted : []) {
    const { event, schema, table, filter } = (binding ?? {}) as Record<string, unknown>;
    const parsed = parseFilter(typeof filter === 'string' ? filter : undefined);
    if (
      typeof event !== 'string' ||
      !CHANGE_EVENTS.has(event.toUpperCase()) ||
      typeof schema !== 'string' ||
      (table !== undefined && typeof table !== 'string') ||
      (filter !== undefined && typeof filter !== 'string') ||
      parsed === 'invalid'
    )
      return {
        ok: false,
        reason: `invalid postgres_changes binding: ${JSON.stringify(binding)?.slice(0, 200)}`,
      };
    bindingIds = (bindingIds % 2_000_000_000) + 1;
    changes.push({
      id: bindingIds,
      event: event.toUpperCase() as ChangeEvent,
      schema,
      ...(table !== undefined ? { table } : {}),
      ...(filter !== undefined ? { filter } : {}),
      parsed,
    });
  }
  const broadcastConfig = (broadcast ?? {}) as { self?: unknown; ack?: unknown };
  const presenceConfig = (presence ?? {}) as { key?: unknown; enabled?: unknown };
  const member: Member = {
    peer,
    topic: frame.topic,
    sub,
    scope: channelScope(sub, tenantId),
    joinRef: frame.joinRef,
    claims,
    isPrivate: isPrivate === true,
    mayWrite: rights.write,
    mayTrack: rights.track,
    self: broadcastConfig.self === true,
    ack: broadcastConfig.ack === true,
    presenceEnabled: presenceConfig.enabled === true,
    presenceKey:
      typeof presenceConfig.key === 'string' && presenceConfig.key !== ''
        ? presenceConfig.key.slice(0, 200)
        : randomUUID(),
    changes,
  };
  scheduleExpiry(member, onExpired);
  deps.hub.add(member);
  return {
    ok: true,
    member,
    // Echoed exactly as sent (realtime-js compares event, schema, table and filter) plus the id.
    response: {
      postgres_changes: changes.map(({ id, schema, table, filter }, index) => ({
        id,
        event: ((wanted as Record<string, unknown>[])[index]!.event as string) ?? '*',
        schema,
        ...(table !== undefined ? { table } : {}),
        ...(filter !== undefined ? { filter } : {}),
      })),
    },
  };
}

/** What follows a successful join reply: the presence state, and Supabase's system notice. */
export function afterJoin(deps: ChannelDeps, member: Member): OutFrame[] {
  const frames: OutFrame[] = [];
  if (member.presenceEnabled)
    frames.push(
      new OutFrame(
        member.joinRef,
        null,
        member.topic,
        'presence_state',
        deps.hub.presenceState(member.scope),
      ),
    );
  if (member.changes.length)
    frames.push(
      new OutFrame(member.joinRef, null, member.topic, 'system', {
        extension: 'postgres_changes',
        status: 'ok',
        message: 'Subscribed to PostgreSQL',
        channel: member.sub,
      }),
    );
  return frames;
}

function scheduleExpiry(member: Member, onExpired: (member: Member) => void): void {
  clearTimeout(member.expiry);
  const seconds = secondsUntilExpiry(member.claims.exp, Date.now());
  if (!Number.isFinite(seconds)) return;
  // setTimeout's ceiling is ~24.8 days; tokens live minutes.
  member.expiry = setTimeout(() => onExpired(member), Math.min(Math.max(seconds * 1000, 0), 2 ** 31 - 1));
  member.expiry.unref();
}

/** The frames that end a channel for a reason (expired or refused token): a system error, then phx_close. */
export function closingFrames(member: Member, message: string): OutFrame[] {
  return [
    new OutFrame(member.joinRef, null, member.topic, 'system', {
      extension: 'system',
      status: 'error',
      message,
      channel: member.sub,
    }),
    new OutFrame(member.joinRef, member.joinRef, member.topic, 'phx_close', {}),
  ];
}

/**
 * access_token on an open channel: the new token must verify and name the same user and tenant;
 * then the subscription lives on until the new expiry. Otherwise the channel is closed.
 */
export async function refreshToken(
  deps: ChannelDeps,
  member: Member,
  token: unknown,
  onExpired: (member: Member) => void,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const verified = await verify(deps, token);
  if ('reason' in verified) return { ok: false, reason: verified.reason };
  const { claims } = verified;
  if (
    claims.sub !== member.claims.sub ||
    claims.app_metadata.tenant_id !== member.claims.app_metadata.tenant_id
  )
    return { ok: false, reason: 'Unauthorized: the new access token names another user' };
  member.claims = claims;
  scheduleExpiry(member, onExpired);
  return { ok: true };
}
