import { type LiveConnection, liveConnection } from './live';

/**
 * The page's credentials for what the browser calls itself (realtime, the edge functions): the
 * access token from the server, fetched again only when the one held expires within a minute.
 * Callers at the same moment share one request. Null while signed out or the server is away.
 */
let held: LiveConnection | null = null;
let asking: Promise<LiveConnection | null> | null = null;

export async function connection(): Promise<LiveConnection | null> {
  if (held && held.expiresAt - Date.now() >= 60_000) return held;
  asking ??= liveConnection()
    .catch(() => null)
    .then((fresh) => {
      asking = null;
      held = fresh ?? held;
      return held;
    });
  return asking;
}
