/**
 * The port to realtime-service's server-side broadcast (Supabase's REST broadcast shape):
 * `POST /api/broadcast {messages: [{topic, event, payload, private}]}` with the shared
 * REALTIME_SERVICE_KEY as bearer, 202 on success. Services push live what they keep elsewhere
 * (notification-service's inbox, assessment-service's attempts): a push that fails is never a
 * reason to fail the write it reports.
 */
export interface BroadcastMessage {
  topic: string;
  event: string;
  payload: Record<string, unknown>;
  private: boolean;
}

export interface RealtimePort {
  broadcast(messages: BroadcastMessage[]): Promise<void>;
}

export class RealtimeUnavailableError extends Error {
  override name = 'RealtimeUnavailableError';
}

/** The most messages realtime-service's broadcast endpoint takes in one request. */
export const BROADCAST_MAX_MESSAGES = 100;

export function createRealtimeClient(options: { url: string; key: string; timeoutMs: number }): RealtimePort {
  const endpoint = `${options.url.replace(/\/$/, '')}/api/broadcast`;
  async function send(messages: BroadcastMessage[]): Promise<void> {
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.key}` },
        body: JSON.stringify({ messages }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw new RealtimeUnavailableError(`realtime-service unreachable: ${(error as Error).message}`);
    }
    await response.body?.cancel();
    if (response.status !== 202 && response.status !== 200)
      throw new RealtimeUnavailableError(`realtime-service answered ${response.status}`);
  }
  return {
    async broadcast(messages) {
      for (let start = 0; start < messages.length; start += BROADCAST_MAX_MESSAGES)
        await send(messages.slice(start, start + BROADCAST_MAX_MESSAGES));
    },
  };
}

/** When REALTIME_SERVICE_URL is not configured: nothing is pushed live (main.ts says so once). */
export const noRealtime: RealtimePort = {
  async broadcast() {},
};
