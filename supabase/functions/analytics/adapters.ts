import { type AnalyticsPorts, type TrackResult, UpstreamProblem } from './handler.ts';

/**
 * The track port over analytics-service's `POST /track`, as the caller (their token): the service
 * verifies the token again, takes tenant and user from it and stores under RLS. Both deployments
 * use it (on Supabase `ANALYTICS_SERVICE_URL` points at the platform's analytics-service, which
 * is then configured with Supabase Auth's JWKS): the rollups are maintained by the service as
 * events arrive, so the function never writes the raw table behind its back. A fixed base URL
 * from configuration, never from the request, and a timeout on every call.
 */
export function analyticsServiceTracker(options: {
  analyticsServiceUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): AnalyticsPorts['track'] {
  const send = options.fetch ?? fetch;
  const endpoint = new URL('/track', options.analyticsServiceUrl);
  return async (events, { token }) => {
    const response = await send(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ events }),
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    const text = await response.text();
    let document: Record<string, unknown> = {};
    try {
      document = text ? JSON.parse(text) : {};
    } catch {
      // not JSON: judged by its status below
    }
    if (response.status >= 400 && response.status < 500) throw new UpstreamProblem(response.status, document);
    if (!response.ok) throw new Error(`analytics-service answered ${response.status}`);
    const { accepted, duplicates } = document as Partial<TrackResult>;
    if (typeof accepted !== 'number') throw new Error('analytics-service answered without `accepted`');
    return { accepted, duplicates: typeof duplicates === 'number' ? duplicates : 0 };
  };
}
