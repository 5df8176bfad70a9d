import {
  bearerToken,
  createTokenVerifier,
  type TenantClaims,
  type TokenVerifier,
  unauthorized,
} from '@eduspry/common';
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';

/** Turns an `Authorization` header value into the claims a call runs under, or throws 401. */
export type Authenticate = (authorization: string | undefined) => Promise<TenantClaims>;

export interface AuthenticatorOptions {
  /** auth-service's JWKS URL, or a key set (tests sign with their own key pair). */
  jwks: URL | JSONWebKeySet;
  issuer: string;
  audience: string;
}

/**
 * The platform's token verification (@eduspry/common's createTokenVerifier: JWKS, issuer,
 * audience, asymmetric algorithms only) as one function both transports use, HTTP and gRPC.
 */
export function createAuthenticator({ jwks, issuer, audience }: AuthenticatorOptions): Authenticate {
  const verifier = createTokenVerifier(
    jwks instanceof URL
      ? { jwksUrl: jwks, issuer, audience }
      : { getKey: createLocalJWKSet(jwks), issuer, audience },
  );
  return authenticatorFrom(verifier);
}

export function authenticatorFrom(verifier: TokenVerifier): Authenticate {
  return async (authorization) => {
    const token = bearerToken(authorization);
    if (!token) throw unauthorized();
    return verifier.verify(token);
  };
}

/** The same check in the shape the kit's requireUser() expects. */
export const verifierFrom = (authenticate: Authenticate): TokenVerifier => ({
  verify: (token) => authenticate(`Bearer ${token}`),
});
