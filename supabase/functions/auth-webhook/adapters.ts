import { createClient } from '@supabase/supabase-js';
import { Webhook } from 'standardwebhooks';
import type { AuthHookPorts, Membership } from './handler.ts';

/**
 * The hook secret as Supabase shows it (`v1,whsec_<base64>`) or as Standard Webhooks writes it
 * (`whsec_<base64>`): verified with the `standardwebhooks` library (timestamp tolerance included).
 */
export function standardWebhooksVerifier(secret: string): AuthHookPorts['verify'] {
  const webhook = new Webhook(secret.replace(/^v1,/, ''));
  return (body, headers) => {
    webhook.verify(body, headers, { jsonParse: false });
  };
}

/**
 * On Supabase: the user's row in EduSpry's `identity` schema (same id as auth.users), read with the
 * service-role key; needs `identity` among the API's exposed schemas.
 */
export function supabaseMembership(options: {
  url: string;
  serviceRoleKey: string;
  fetch?: typeof fetch;
}): AuthHookPorts['membershipOf'] {
  const supabase = createClient(options.url, options.serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    db: { schema: 'identity' },
    ...(options.fetch ? { global: { fetch: options.fetch } } : {}),
  });
  return async (userId) => {
    const { data, error } = await supabase
      .from('users')
      .select('tenant_id, roles, status, tenants(slug)')
      .eq('id', userId)
      .maybeSingle();
    if (error) throw new Error(`membership lookup failed: ${error.message}`);
    if (!data) return null;
    if (data.status !== 'active') return null;
    const tenant = data.tenants as unknown as { slug: string } | { slug: string }[] | null;
    const slug = Array.isArray(tenant) ? tenant[0]?.slug : tenant?.slug;
    if (!slug) return null;
    return {
      tenantId: data.tenant_id as string,
      tenantSlug: slug,
      roles: (data.roles as string[]) ?? [],
    } satisfies Membership;
  };
}
