// Supabase Edge Function `content-access` (also runs on any Deno: `deno run -A index.ts`).
// On Supabase (SUPABASE_URL set) tokens are Supabase Auth's; self-hosted auth-service's, with its
// signed-out sessions refused.
// Either way the decision and the signature come from content-service (CONTENT_SERVICE_URL).
import { verifierFromEnv } from '../_shared/tokens.ts';
import { contentServiceAccess } from './adapters.ts';
import { createContentAccessHandler } from './handler.ts';

const env = (name: string) => Deno.env.get(name) || undefined;
const handler = createContentAccessHandler(
  {
    verifyToken: verifierFromEnv(env),
    ...contentServiceAccess({ contentServiceUrl: env('CONTENT_SERVICE_URL') ?? 'http://127.0.0.1:4003' }),
  },
  env('ALLOWED_ORIGIN') ? { allowOrigin: env('ALLOWED_ORIGIN') } : {},
);

Deno.serve(handler);
