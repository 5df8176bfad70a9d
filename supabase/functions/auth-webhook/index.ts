// Supabase Edge Function `auth-webhook`: Supabase Auth's custom access token hook (HTTP).
// Configure the hook in the Supabase dashboard with this function's URL and its secret
// (AUTH_HOOK_SECRET, `v1,whsec_…`). verify_jwt is off: Supabase Auth signs the request instead.
import { standardWebhooksVerifier, supabaseMembership } from './adapters.ts';
import { createAuthHookHandler } from './handler.ts';

const env = (name: string) => Deno.env.get(name) || undefined;
const secret = env('AUTH_HOOK_SECRET');

// Without its secret (a self-hosted `npm start`, where auth-service issues the tokens itself)
// the hook is not in use: it answers every call with a problem saying so, and the rest of the
// function server runs on.
const notConfigured = () =>
  new Response(
    JSON.stringify({
      type: 'https://eduspry.dev/problems/hook-not-configured',
      title: 'Service Unavailable',
      status: 503,
      detail: 'AUTH_HOOK_SECRET is not set: the custom access token hook is not configured here',
    }),
    { status: 503, headers: { 'content-type': 'application/problem+json' } },
  );

const handler = secret
  ? createAuthHookHandler({
      verify: standardWebhooksVerifier(secret),
      membershipOf: supabaseMembership({
        url: env('SUPABASE_URL') ?? 'http://127.0.0.1:54321',
        serviceRoleKey: env('SUPABASE_SERVICE_ROLE_KEY') ?? '',
      }),
    })
  : async () => notConfigured();

Deno.serve(handler);
