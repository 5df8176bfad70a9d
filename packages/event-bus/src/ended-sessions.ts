import { type EndedSessions, processEndedSessions } from '@eduspry/common';
import type { EventBus, Subscription } from './types.ts';

export const SESSION_ENDED = 'user.authentication.session_ended';

/**
 * Feeds a process's ended-session set (by default the one every token verifier of the process
 * consults) from `user.authentication.session_ended` events: one broadcast watcher per process,
 * looking back one token lifetime so a process that just started refuses recent sign-outs too.
 * A service starts it once in main.ts; within a second or so of a sign-out its verifiers refuse
 * the session's tokens.
 */
export function followEndedSessions(
  bus: EventBus,
  {
    sessions = processEndedSessions,
    tokenLifetimeMs = 60 * 60 * 1000,
  }: { sessions?: EndedSessions; tokenLifetimeMs?: number } = {},
): Promise<Subscription> {
  return bus.watch({
    eventTypes: [SESSION_ENDED],
    lookbackMs: tokenLifetimeMs,
    handler: (event) => {
      const data = event.data as { sessionId?: unknown; expiresAt?: unknown };
      const expiresAt = typeof data.expiresAt === 'string' ? Date.parse(data.expiresAt) : Number.NaN;
      if (typeof data.sessionId === 'string' && Number.isFinite(expiresAt))
        sessions.add(data.sessionId, expiresAt);
    },
  });
}
