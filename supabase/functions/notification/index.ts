// Supabase Edge Function `notification`: the user-facing inbox and preferences API, forwarded to
// notification-service (NOTIFICATION_SERVICE_URL) with the caller's token.
import { httpForwarder } from './adapters.ts';
import { createNotificationHandler } from './handler.ts';

const env = (name: string) => Deno.env.get(name) || undefined;
const handler = createNotificationHandler(
  { forward: httpForwarder({ baseUrl: env('NOTIFICATION_SERVICE_URL') ?? 'http://127.0.0.1:4007' }) },
  env('ALLOWED_ORIGIN') ? { allowOrigin: env('ALLOWED_ORIGIN') } : {},
);

Deno.serve(handler);
