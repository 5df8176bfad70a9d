/**
 * auth-webhook: Supabase Auth's custom access token hook (HTTP). Supabase Auth POSTs
 * `{ user_id, claims, authentication_method }`, signed per Standard Webhooks; the answer is
 * `{ claims }` (200) or `{ error: { http_code, message } }`. The claims gain the same
 * `app_metadata` EduSpry's auth-service puts in its tokens: `tenant_id`, `tenant_slug`, `roles`,
 * so RLS policies and services read a Supabase-issued token exactly like a self-hosted one.
 * Portable: a `(Request) => Promise<Response>` over two ports.
 */

export interface Membership {
  tenantId: string;
  tenantSlug: string;
  roles: string[];
}

export interface AuthHookPorts {
  /** Checks the Standard Webhooks signature of the raw body; throws if it does not verify. */
  verify(body: string, headers: Record<string, string>): void;
  /** The user's tenant and platform roles, or null when the user belongs to no tenant. */
  membershipOf(userId: string): Promise<Membership | null>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_BYTES = 64 * 1024;

const hookError = (status: number, message: string) =>
  Response.json({ error: { http_code: status, message } }, { status });

export function createAuthHookHandler(ports: AuthHookPorts) {
  return async (request: Request): Promise<Response> => {
    if (request.method !== 'POST') return hookError(405, 'POST only');
    const body = await request.text();
    if (body.length > MAX_BYTES) return hookError(413, 'hook payload too large');
    try {
      ports.verify(body, Object.fromEntries(request.headers));
    } catch {
      return hookError(401, 'invalid hook signature');
    }
    let input: { user_id?: unknown; claims?: unknown };
    try {
      input = JSON.parse(body);
    } catch {
      return hookError(400, 'body is not JSON');
    }
    const claims = input.claims as Record<string, unknown> | undefined;
    if (
      typeof input.user_id !== 'string' ||
      !UUID.test(input.user_id) ||
      !claims ||
      typeof claims !== 'object' ||
      Array.isArray(claims)
    )
      return hookError(400, 'expected { user_id, claims, authentication_method }');
    let membership: Membership | null;
    try {
      membership = await ports.membershipOf(input.user_id);
    } catch {
      return hookError(503, 'tenant membership could not be read');
    }
    if (!membership) return hookError(403, 'this user belongs to no EduSpry tenant');
    const appMetadata =
      claims.app_metadata && typeof claims.app_metadata === 'object'
        ? (claims.app_metadata as Record<string, unknown>)
        : {};
    return Response.json({
      claims: {
        ...claims,
        role: 'authenticated',
        app_metadata: {
          ...appMetadata,
          tenant_id: membership.tenantId,
          tenant_slug: membership.tenantSlug,
          roles: membership.roles,
        },
      },
    });
  };
}
