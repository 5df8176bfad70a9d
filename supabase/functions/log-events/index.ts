// Supabase Edge Function `log-events` (also runs on any Deno: `deno run -A index.ts`).
// On Supabase (SUPABASE_URL set) events go into logging.log_entries through supabase-js; self-hosted
// they go to logging-service's batch endpoint. Tokens are checked against a JWKS either way.
import { verifierFromEnv } from '../_shared/tokens.ts';
import { selfHostedWriter, supabaseWriter } from './adapters.ts';
import { createLogEventsHandler } from './handler.ts';

const env = (name: string) => Deno.env.get(name) || undefined;
const supabaseUrl = env('SUPABASE_URL');
const serviceRoleKey = env('SUPABASE_SERVICE_ROLE_KEY');
const handler = createLogEventsHandler(
  {
    verifyToken: verifierFromEnv(env),
    writeEvents:
      supabaseUrl && serviceRoleKey
        ? supabaseWriter({ url: supabaseUrl, serviceRoleKey })
        : selfHostedWriter({ loggingServiceUrl: env('LOGGING_SERVICE_URL') ?? 'http://127.0.0.1:4005' }),
  },
  {
    environment: env('EDUSPRY_ENVIRONMENT') ?? (supabaseUrl ? 'production' : 'development'),
    ...(env('ALLOWED_ORIGIN') ? { allowOrigin: env('ALLOWED_ORIGIN') } : {}),
  },
);

Deno.serve(handler);
