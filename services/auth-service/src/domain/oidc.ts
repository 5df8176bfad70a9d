import { randomBytes } from 'node:crypto';
import { asPlatform, badRequest, notFound, type TenantClaims, withTenant } from '@eduspry/common';
import { insertAuditEvent } from '../db/audit.ts';
import {
  deleteOidcProvider,
  findIdentity,
  findOidcProvider,
  findOidcProviderById,
  insertLoginState,
  linkIdentity,
  listOidcProviders,
  type OidcProviderRow,
  takeLoginState,
  upsertOidcProvider,
} from '../db/oidc.ts';
import { findTenantById, findTenantBySlug } from '../db/tenants.ts';
import { findUserByEmail, findUserById, insertUser, type UserRow } from '../db/users.ts';
import type { IdentityProviderClient } from '../idp/port.ts';
import { problems } from '../problems.ts';
import { requireAccess } from './access.ts';
import { registeredEvent } from './accounts.ts';
import type { AuthContext, RequestMeta } from './context.ts';
import { seal, unseal } from './sealing.ts';
import { startSession } from './sessions.ts';
import type { TokenResponse } from './tokens.ts';

const SECRET_PURPOSE = 'identity.oidc_providers.client_secret';
/** How long a user may take at their IdP between our redirect and its callback. */
const LOGIN_STATE_TTL_SECONDS = 10 * 60;

export interface ProviderInput {
  issuer: string;
  client_id: string;
  /** A new secret; null removes the stored one (a public client); omitted keeps it. */
  client_secret?: string | null | undefined;
  scopes?: string | undefined;
  auto_provision?: boolean | undefined;
  enabled?: boolean | undefined;
}

export function providerView(row: OidcProviderRow) {
  return {
    name: row.name,
    issuer: row.issuer,
    client_id: row.client_id,
    has_client_secret: row.client_secret !== null,
    scopes: row.scopes,
    auto_provision: row.auto_provision,
    enabled: row.enabled,
    updated_at: row.updated_at.toISOString(),
  };
}

function assertIssuerUrl(issuer: string): void {
  const url = URL.parse(issuer);
  const loopback = url && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback)))
    throw problems.create('validation', 'body.issuer must be an https URL', {
      field: 'body.issuer',
    });
}

/** A tenant admin connects the district's own IdP (or changes it). */
export async function configureProvider(
  ctx: AuthContext,
  claims: TenantClaims,
  tenantId: string,
  name: string,
  input: ProviderInput,
  meta: RequestMeta,
) {
  requireAccess(claims, 'tenant:administer', { tenantId: tenantId });
  assertIssuerUrl(input.issuer);
  const row = await withTenant(ctx.sql, claims, async (tx) => {
    const row = await upsertOidcProvider(tx, {
      tenant_id: tenantId,
      name,
      issuer: input.issuer,
      client_id: input.client_id,
      client_secret:
        typeof input.client_secret === 'string'
          ? seal(ctx.secretsKey, SECRET_PURPOSE, input.client_secret)
          : input.client_secret,
      scopes: input.scopes ?? 'openid email profile',
      auto_provision: input.auto_provision ?? false,
      enabled: input.enabled ?? true,
    });
    await insertAuditEvent(tx, {
      tenantId,
      action: 'identity_provider.configured',
      actorId: claims.sub,
      subjectId: row.id,
      ip: meta.ip,
      detail: {
        name,
        issuer: input.issuer,
        autoProvision: row.auto_provision,
        secret: input.client_secret === undefined ? 'kept' : input.client_secret === null ? 'removed' : 'set',
      },
    });
    return row;
  });
  return providerView(row);
}

export async function listProviders(ctx: AuthContext, claims: TenantClaims, tenantId: string) {
  requireAccess(claims, 'tenant:administer', { tenantId: tenantId });
  const rows = await withTenant(ctx.sql, claims, (tx) => listOidcProviders(tx, tenantId));
  return { items: rows.map(providerView) };
}

export async function removeProvider(
  ctx: AuthContext,
  claims: TenantClaims,
  tenantId: string,
  name: string,
  meta: RequestMeta,
) {
  requireAccess(claims, 'tenant:administer', { tenantId: tenantId });
  await withTenant(ctx.sql, claims, async (tx) => {
    if (!(await deleteOidcProvider(tx, tenantId, name))) throw notFound('No such identity provider');
    await insertAuditEvent(tx, {
      tenantId,
      action: 'identity_provider.removed',
      actorId: claims.sub,
      ip: meta.ip,
      detail: { name },
    });
  });
}

const clients = new Map<string, IdentityProviderClient>();

function clientFor(ctx: AuthContext, row: OidcProviderRow): IdentityProviderClient {
  // Keyed by the row's version, so a changed configuration gets a fresh client (and discovery).
  const key = `${row.id}:${row.updated_at.getTime()}`;
  let found = clients.get(key);
  if (!found) {
    found = ctx.identityProviders({
      issuer: row.issuer,
      clientId: row.client_id,
      clientSecret: row.client_secret ? unseal(ctx.secretsKey, SECRET_PURPOSE, row.client_secret) : undefined,
      scopes: row.scopes,
    });
    clients.set(key, found);
  }
  return found;
}

export const callbackUrl = (ctx: AuthContext) => `${ctx.issuer.replace(/\/$/, '')}/callback`;

/** Only our own apps may receive tokens: an open redirect here would hand sessions to anyone. */
export function assertRedirectAllowed(ctx: AuthContext, redirectTo: string): void {
  const url = URL.parse(redirectTo);
  if (!url || !ctx.redirectOrigins.includes(url.origin))
    throw problems.create('validation', 'querystring.redirect_to is not an allowed address', {
      field: 'querystring.redirect_to',
    });
}

/** Step 1: remember state, nonce and PKCE verifier, and send the browser to the IdP. */
export async function startExternalSignIn(
  ctx: AuthContext,
  input: { tenant: string; provider: string; redirect_to: string },
): Promise<string> {
  assertRedirectAllowed(ctx, input.redirect_to);
  const request = { redirectUri: callbackUrl(ctx), state: random(), nonce: random(), codeVerifier: random() };
  const provider = await asPlatform(ctx.sql, 'start external sign-in', ctx.log, async (tx) => {
    const tenant = await findTenantBySlug(tx, input.tenant);
    if (tenant?.status !== 'active') throw notFound(`No active tenant ${input.tenant}`);
    const provider = await findOidcProvider(tx, tenant.id, input.provider);
    if (!provider?.enabled) throw notFound(`No identity provider ${input.provider} for ${input.tenant}`);
    await insertLoginState(
      tx,
      {
        state: request.state,
        tenant_id: tenant.id,
        provider_id: provider.id,
        code_verifier: request.codeVerifier,
        nonce: request.nonce,
        redirect_to: input.redirect_to,
      },
      LOGIN_STATE_TTL_SECONDS,
    );
    return provider;
  });
  return (await clientFor(ctx, provider).authorizationUrl(request)).toString();
}

function random(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Step 2, the IdP's callback: check the code (state, nonce, PKCE), find the user by their IdP
 * subject, else by verified email (then linked), else create them if the provider
 * auto-provisions. Returns where to send the browser: the app, with tokens in the fragment
 * (Supabase's shape) or an OAuth error.
 */
export async function completeExternalSignIn(ctx: AuthContext, url: URL, meta: RequestMeta): Promise<string> {
  const state = url.searchParams.get('state');
  if (!state) throw badRequest('querystring.state is required', { field: 'querystring.state' });
  const pending = await asPlatform(ctx.sql, 'external sign-in callback', ctx.log, async (tx) => {
    const login = await takeLoginState(tx, state);
    if (!login) return undefined;
    const provider = await findOidcProviderById(tx, login.provider_id);
    return provider ? { login, provider } : undefined;
  });
  if (!pending)
    throw problems.create('invalid-state', 'The sign-in expired or was already completed: start again');
  const { login, provider } = pending;
  const back = (fragment: Record<string, string>) => `${login.redirect_to}#${new URLSearchParams(fragment)}`;
  const failed = (error: string, description: string) => back({ error, error_description: description });

  const idpError = url.searchParams.get('error');
  if (idpError)
    return failed(
      idpError,
      url.searchParams.get('error_description') ?? 'The identity provider refused the sign-in',
    );
  let identity: Awaited<ReturnType<IdentityProviderClient['complete']>>;
  try {
    identity = await clientFor(ctx, provider).complete(url, {
      redirectUri: callbackUrl(ctx),
      state: login.state,
      nonce: login.nonce,
      codeVerifier: login.code_verifier,
    });
  } catch (error) {
    ctx.log.warn(
      { tenantId: login.tenant_id, provider: provider.name, err: error },
      'external sign-in failed at the code exchange',
    );
    return failed('server_error', 'The identity provider could not confirm the sign-in');
  }

  type Outcome = { error: string; description: string } | { issue: () => Promise<TokenResponse> };
  const outcome = await asPlatform(ctx.sql, 'external sign-in', ctx.log, async (tx): Promise<Outcome> => {
    const tenant = await findTenantById(tx, login.tenant_id);
    if (tenant?.status !== 'active')
      return { error: 'access_denied', description: 'This organisation is suspended' };
    let user: UserRow | undefined;
    const linked = await findIdentity(tx, provider.id, identity.subject);
    if (linked) user = await findUserById(tx, tenant.id, linked.user_id);
    else if (identity.email && identity.emailVerified) {
      user = await findUserByEmail(tx, tenant.id, identity.email);
      if (!user && provider.auto_provision) {
        user = await insertUser(tx, {
          tenantId: tenant.id,
          email: identity.email,
          displayName: identity.name ?? identity.email,
          passwordHash: null,
          roles: ['student'],
          status: 'active',
          emailVerified: true,
        });
        if (user) {
          await insertAuditEvent(tx, {
            tenantId: tenant.id,
            action: 'user.registered',
            actorId: user.id,
            subjectId: user.id,
            ip: meta.ip,
            detail: { via: `oidc:${provider.name}` },
          });
          await ctx.events(tx, {
            type: 'user.authentication.user_registered',
            data: registeredEvent(user, 'oidc'),
          });
        }
      }
      if (user)
        await linkIdentity(tx, {
          tenantId: tenant.id,
          userId: user.id,
          providerId: provider.id,
          subject: identity.subject,
        });
    }
    if (user?.status !== 'active') {
      await insertAuditEvent(tx, {
        tenantId: tenant.id,
        action: 'sign_in.failed',
        subjectId: user?.id,
        ip: meta.ip,
        detail: {
          provider: provider.name,
          subject: identity.subject,
          reason: user ? 'inactive' : 'no_account',
        },
      });
      return { error: 'access_denied', description: 'There is no active account for you here' };
    }
    await insertAuditEvent(tx, {
      tenantId: tenant.id,
      action: 'sign_in.succeeded',
      actorId: user.id,
      ip: meta.ip,
      detail: { provider: provider.name },
    });
    return { issue: await startSession(ctx, tx, user, tenant, `oidc:${provider.name}`, meta) };
  });
  if ('error' in outcome) return failed(outcome.error, outcome.description);
  const tokens = await outcome.issue();
  return back({
    access_token: tokens.access_token,
    token_type: tokens.token_type,
    expires_in: String(tokens.expires_in),
    expires_at: String(tokens.expires_at),
    refresh_token: tokens.refresh_token,
  });
}
