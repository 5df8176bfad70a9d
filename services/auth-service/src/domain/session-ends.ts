import type { Tx } from '@eduspry/common';
import { type RevokedSessionRow, revokeSession, revokeUserSessions } from '../db/sessions.ts';
import type { AuthContext } from './context.ts';

/**
 * The only way a session ends early: revoked in the database and reported as
 * `user.authentication.session_ended` in the same transaction, so every verifier (each service
 * process follows these events) refuses the session's access tokens within seconds instead of
 * at their expiry. `expiresAt` is when the last token of the session expires anyway (lifetime
 * plus the verifiers' clock tolerance): verifiers forget the session then.
 */
const CLOCK_TOLERANCE_SECONDS = 60;

async function report(ctx: AuthContext, tx: Tx, sessions: RevokedSessionRow[], reason: string) {
  const expiresAt = new Date(
    Date.now() + (ctx.accessTokenTtlSeconds + CLOCK_TOLERANCE_SECONDS) * 1000,
  ).toISOString();
  for (const session of sessions)
    await ctx.events(tx, {
      type: 'user.authentication.session_ended',
      data: {
        sessionId: session.id,
        userId: session.user_id,
        tenantId: session.tenant_id,
        reason,
        expiresAt,
      },
    });
}

/** Ends one session if it is still live; true when it was. */
export async function endSession(ctx: AuthContext, tx: Tx, sessionId: string, reason: string) {
  const ended = await revokeSession(tx, sessionId, reason);
  if (ended) await report(ctx, tx, [ended], reason);
  return ended !== undefined;
}

/** Ends every live session of a user but `except`; returns how many ended. */
export async function endUserSessions(
  ctx: AuthContext,
  tx: Tx,
  userId: string,
  reason: string,
  except?: string,
): Promise<number> {
  const ended = await revokeUserSessions(tx, userId, reason, except);
  await report(ctx, tx, ended, reason);
  return ended.length;
}
