// Supabase Edge Function `analytics` (also runs on any Deno: `deno run -A index.ts`): client
// activity, validated here and forwarded to analytics-service's `POST /track` with the caller's
// token. On Supabase (SUPABASE_URL set) tokens are Supabase Auth's; self-hosted auth-service's,
// with its signed-out sessions refused.
import { verifierFromEnv } from '../_shared/tokens.ts';
import { analyticsServiceTracker } from './adapters.ts';
import { createAnalyticsHandler } from './handler.ts';

const env = (name: string) => Deno.env.get(name) || undefined;
const handler = createAnalyticsHandler(
  {
    verifyToken: verifierFromEnv(env),
    track: analyticsServiceTracker({
      analyticsServiceUrl: env('ANALYTICS_SERVICE_URL') ?? 'http://127.0.0.1:4006',
    }),
  },
  env('ALLOWED_ORIGIN') ? { allowOrigin: env('ALLOWED_ORIGIN') } : {},
);

Deno.serve(handler);
