import { type TenantClaims, unauthorized } from '@eduspry/common';
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';

/** Turns an `Authorization` header value into the claims a request runs under, or throws 401. */
export type Authenticate = (authorization: string | undefined) => Promise<TenantClaims>;

export interface AuthenticatorOptions {
  /** The auth-service JWKS URL, or a key set (tests sign with their own key pair). */
  jwks: URL | JSONWebKeySet;
  issuer?: string | undefined;
  audience?: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Verifies bearer tokens issued by auth-service against its JWKS (cached and refreshed by
 * jose). Replace with the shared helper of @eduspry/common once it exists: same signature.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticate {
  const keys =
    options.jwks instanceof URL
      ? createRemoteJWKSet(options.jwks, { timeoutDuration: 2000, cooldownDuration: 30_000 })
      : createLocalJWKSet(options.jwks);
  return async (authorization) => {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization ?? '');
    if (!match) throw unauthorized();
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(match[1]!, keys, {
        algorithms: ['EdDSA', 'ES256'],
        ...(options.issuer ? { issuer: options.issuer } : {}),
        ...(options.audience ? { audience: options.audience } : {}),
      }));
    } catch {
      throw unauthorized('The bearer token is invalid or expired');
    }
    const metadata = payload.app_metadata as { tenant_id?: unknown; roles?: unknown } | undefined;
    if (
      typeof payload.sub !== 'string' ||
      !UUID.test(payload.sub) ||
      typeof metadata?.tenant_id !== 'string' ||
      !UUID.test(metadata.tenant_id) ||
      !Array.isArray(metadata.roles) ||
      !metadata.roles.every((role) => typeof role === 'string')
    )
      throw unauthorized('The bearer token lacks tenant claims');
    return { ...payload, role: 'authenticated' } as TenantClaims;
  };
}
