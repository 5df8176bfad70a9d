// Supabase Edge Function `log-events` (also runs on any Deno: `deno run -A index.ts`).
// On Supabase (SUPABASE_URL set) events go into logging.log_entries through supabase-js; self-hosted
// they go to logging-service's batch endpoint. Tokens are checked against a JWKS either way.
import { jwksVerifier, selfHostedWriter, supabaseWriter } from './adapters.ts';
import { createLogEventsHandler } from './handler.ts';

const env = (name: string) => Deno.env.get(name) || undefined;
const supabaseUrl = env('SUPABASE_URL');
const serviceRoleKey = env('SUPABASE_SERVICE_ROLE_KEY');
const authServiceUrl = env('AUTH_SERVICE_URL') ?? 'http://127.0.0.1:4001';

const jwksUrl =
  env('EDUSPRY_JWKS_URL') ??
  (supabaseUrl ? `${supabaseUrl}/auth/v1/.well-known/jwks.json` : `${authServiceUrl}/.well-known/jwks.json`);
const issuer =
  env('EDUSPRY_TOKEN_ISSUER') ?? (supabaseUrl ? undefined : (env('AUTH_ISSUER') ?? authServiceUrl));
const audience =
  env('EDUSPRY_TOKEN_AUDIENCE') ?? (supabaseUrl ? undefined : (env('AUTH_AUDIENCE') ?? 'eduspry'));

const handler = createLogEventsHandler(
  {
    verifyToken: jwksVerifier({ jwksUrl, ...(issuer ? { issuer } : {}), ...(audience ? { audience } : {}) }),
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
