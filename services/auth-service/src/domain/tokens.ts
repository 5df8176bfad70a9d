import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { TenantRow } from '../db/tenants.ts';
import type { UserRow } from '../db/users.ts';
import type { AuthContext } from './context.ts';

/** A user as clients may see them (never the password hash). */
export function publicUser(user: UserRow) {
  return {
    id: user.id,
    tenant_id: user.tenant_id,
    email: user.email,
    display_name: user.display_name,
    roles: user.roles,
    status: user.status,
    email_verified: user.email_verified_at !== null,
    created_at: user.created_at.toISOString(),
  };
}
export type PublicUser = ReturnType<typeof publicUser>;

/** The same user on EduSpry's own (camelCase) APIs: `/tenants/:tenantId/users…`. */
export function tenantUser(user: UserRow) {
  return {
    id: user.id,
    tenantId: user.tenant_id,
    email: user.email,
    displayName: user.display_name,
    roles: user.roles,
    status: user.status,
    emailVerified: user.email_verified_at !== null,
    createdAt: user.created_at.toISOString(),
  };
}
export type TenantUser = ReturnType<typeof tenantUser>;

export interface TokenResponse {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: PublicUser;
}

/**
 * The access token: claims shaped like Supabase's (`sub`, `role: authenticated`, `email`,
 * `app_metadata.{tenant_id, roles}`, `session_id`) so RLS policies and edge functions read
 * them the same way on Supabase and self-hosted.
 */
export async function signAccessToken(
  ctx: AuthContext,
  user: UserRow,
  tenant: Pick<TenantRow, 'id' | 'slug'>,
  session: { id: string; provider: string },
): Promise<{ token: string; expiresAt: number }> {
  const key = await ctx.keys.signingKey();
  const now = Math.floor(Date.now() / 1000);
  const expiresAt = now + ctx.accessTokenTtlSeconds;
  const token = await new SignJWT({
    role: 'authenticated',
    email: user.email,
    app_metadata: {
      provider: session.provider,
      tenant_id: tenant.id,
      tenant_slug: tenant.slug,
      roles: user.roles,
    },
    user_metadata: { display_name: user.display_name },
    session_id: session.id,
    aal: 'aal1',
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(ctx.issuer)
    .setAudience(ctx.audience)
    .setSubject(user.id)
    .setIssuedAt(now)
    .setExpirationTime(expiresAt)
    .setJti(randomUUID())
    .sign(key.privateKey);
  return { token, expiresAt };
}

export async function tokenResponse(
  ctx: AuthContext,
  user: UserRow,
  tenant: Pick<TenantRow, 'id' | 'slug'>,
  session: { id: string; provider: string },
  refreshToken: string,
): Promise<TokenResponse> {
  const { token, expiresAt } = await signAccessToken(ctx, user, tenant, session);
  return {
    access_token: token,
    token_type: 'bearer',
    expires_in: ctx.accessTokenTtlSeconds,
    expires_at: expiresAt,
    refresh_token: refreshToken,
    user: publicUser(user),
  };
}

/** The OpenID Connect discovery document of this issuer. */
export async function discoveryDocument(ctx: Pick<AuthContext, 'issuer' | 'keys'>) {
  const base = ctx.issuer.replace(/\/$/, '');
  const alg = (await ctx.keys.signingKey()).alg;
  return {
    issuer: ctx.issuer,
    jwks_uri: `${base}/.well-known/jwks.json`,
    token_endpoint: `${base}/token`,
    grant_types_supported: ['password', 'refresh_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [alg],
    token_endpoint_auth_methods_supported: ['none'],
    scopes_supported: ['openid', 'email', 'profile'],
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'email',
      'role',
      'app_metadata',
      'user_metadata',
      'session_id',
    ],
  };
}
