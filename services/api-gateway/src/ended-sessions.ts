import { type EndedSessions, processEndedSessions } from '@eduspry/common';

interface MirrorLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * The gateway has no event bus (no database), so it mirrors auth-service's ended sessions, which
 * auth-service follows from the bus: one small poll every `intervalMs` asking only for what was
 * added since the last answer, never a call per request. A missed poll is caught up by the next.
 */
export function mirrorEndedSessions({
  authServiceUrl,
  intervalMs,
  sessions = processEndedSessions,
  logger,
}: {
  authServiceUrl: string;
  intervalMs: number;
  sessions?: EndedSessions;
  logger?: MirrorLogger;
}): { stop(): void } {
  let since = 0;
  let failures = 0;
  const poll = async () => {
    try {
      const url = new URL('/internal/ended-sessions', authServiceUrl);
      url.searchParams.set('since', String(since));
      const response = await fetch(url, { signal: AbortSignal.timeout(Math.max(1000, intervalMs)) });
      if (!response.ok) throw new Error(`auth-service answered ${response.status}`);
      const body = (await response.json()) as {
        now: number;
        items: { sessionId: string; expiresAt: number }[];
      };
      for (const item of body.items) sessions.add(item.sessionId, item.expiresAt);
      // Overlap a little: an entry added while auth-service answered is asked for again.
      since = body.now - 2000;
      failures = 0;
    } catch (error) {
      // Said once per outage, and not while auth-service is still starting beside the gateway.
      if (++failures === 5)
        logger?.warn({ err: error }, 'ended sessions could not be fetched from auth-service');
    }
  };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const loop = async () => {
    await poll();
    if (!stopped) timer = setTimeout(loop, intervalMs).unref();
  };
  void loop();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
