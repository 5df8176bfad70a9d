import type { NotificationPorts } from './handler.ts';

/** notification-service over HTTP (self-hosted, or reachable from Supabase Edge), with a timeout. */
export function httpForwarder(options: {
  baseUrl: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): NotificationPorts['forward'] {
  const base = options.baseUrl.replace(/\/$/, '');
  const send = options.fetch ?? fetch;
  return (path, init) =>
    send(`${base}${path}`, { ...init, signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
}
